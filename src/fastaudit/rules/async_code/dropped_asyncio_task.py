"""ASY111 (dropped-asyncio-task): a task started with ``asyncio.create_task`` (or
``ensure_future``, or a loop's ``create_task``) whose result is thrown away."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules.base import Rule

# Functions that schedule a coroutine as a task and return the only strong reference.
_STARTERS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
    }
)
# An event loop, as a value; ``loop.create_task`` starts a task the same way. A
# ``TaskGroup``'s ``create_task`` is not here: the group holds its tasks.
_LOOPS = frozenset(
    {
        "asyncio.get_event_loop()",
        "asyncio.get_running_loop()",
        "asyncio.new_event_loop()",
        "asyncio.events.get_event_loop()",
        "asyncio.events.get_running_loop()",
        "asyncio.events.new_event_loop()",
        "asyncio.AbstractEventLoop()",
        "asyncio.BaseEventLoop()",
        "asyncio.events.AbstractEventLoop()",
        "uvloop.new_event_loop()",
        "uvloop.Loop()",
    }
)


_ENSURE_FUTURE = frozenset({"asyncio.ensure_future", "asyncio.tasks.ensure_future"})
# What keeps the object passed to it: ``refs.add(task)``, ``tasks.append(task)``.
_KEEPING_METHODS = frozenset({"add", "append", "appendleft", "insert", "extend", "setdefault"})


def _starter_value(value: str | None) -> bool:
    """A bound value that is the result of a task-starting call (``asyncio.create_task()``,
    ``asyncio.get_running_loop().create_task()``)."""
    if value is None or not value.endswith("()"):
        return False
    callee = value[:-2]
    if callee in _STARTERS:
        return True
    receiver, _, method = callee.rpartition(".")
    return method == "create_task" and receiver in _LOOPS


def _existing_task(node: ast.Call, ctx: FileContext) -> bool:
    """``asyncio.ensure_future(task)`` where ``task`` names a task already made (bound to
    a task-starting call) or already kept (added to a set or list, stored in an
    attribute or an item) by the enclosing function: ``ensure_future`` hands back a
    task or future it is given unchanged, so nothing new is started, nothing dropped."""
    if ctx.resolve(node.func) not in _ENSURE_FUTURE or len(node.args) != 1 or node.keywords:
        return False
    argument = node.args[0]
    if not isinstance(argument, ast.Name):
        return False
    found, value = ctx.lookup(argument.id)
    if found and _starter_value(value):
        return True
    function = ctx.function
    if function is None:
        return False
    return any(
        inner.lineno < node.lineno and _keeps(inner, argument.id)
        for inner in walk(function.node)
        if isinstance(inner, (ast.Call, ast.Assign))
    )


def _keeps(node: ast.Call | ast.Assign, name: str) -> bool:
    if isinstance(node, ast.Assign):
        return (
            isinstance(node.value, ast.Name)
            and node.value.id == name
            and any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets)
        )
    return (
        isinstance(node.func, ast.Attribute)
        and node.func.attr in _KEEPING_METHODS
        and any(isinstance(a, ast.Name) and a.id == name for a in node.args)
    )


def _starts_task(node: ast.expr, ctx: FileContext) -> bool:
    if not isinstance(node, ast.Call):
        return False
    callee = ctx.resolve(node.func)
    if callee is None:
        return False
    if callee in _STARTERS:
        return True
    receiver, _, method = callee.rpartition(".")
    return method == "create_task" and receiver in _LOOPS


class DroppedAsyncioTask(Rule):
    id = "ASY111"
    name = "dropped-asyncio-task"
    title = "Task started and dropped without a reference"
    severity = Severity.WARNING
    peers = ("ruff RUF006", "flake8-async ASYNC300")
    rationale = """
    `asyncio.create_task(...)` returns the only strong reference to the task: the event
    loop keeps a weak one. A task whose result is thrown away can be garbage-collected
    before it finishes, silently, and an exception it raises is never seen. In a route,
    work meant to run after the response belongs in FastAPI's `BackgroundTasks`
    (`background_tasks.add_task(...)`), which runs it once the response is sent; work
    the function should wait for belongs in an `asyncio.TaskGroup`; a task that must
    outlive the request is kept in a set and removed by `add_done_callback` when done.
    `asyncio.ensure_future(task)` on a task already made (or already kept) hands it
    back unchanged and is not reported. No fix is offered: where the reference should
    live is a design choice. ruff's RUF006
    (and flake8-async's ASYNC300) is the same check; this one also knows a loop bound to
    a name or typed as a parameter.
    """
    dont = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()


    async def record_visit(page: str) -> None:
        await asyncio.sleep(0)  # stands for a call to the analytics service


    @router.get("/pages/{page}")
    async def show_page(page: str):
        asyncio.create_task(record_visit(page))
        return {"page": page}
    """
    do = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()
    # Strong references to the visits still being recorded; each task removes itself.
    _recording: set[asyncio.Task[None]] = set()


    async def record_visit(page: str) -> None:
        await asyncio.sleep(0)  # stands for a call to the analytics service


    @router.get("/pages/{page}")
    async def show_page(page: str):
        task = asyncio.create_task(record_visit(page))
        _recording.add(task)
        task.add_done_callback(_recording.discard)
        return {"page": page}
    """
    extra_valid = (
        # FastAPI's background tasks: run after the response, held by the response.
        """
        from fastapi import APIRouter, BackgroundTasks

        router = APIRouter()

        async def record_visit(page: str) -> None: ...

        @router.get("/pages/{page}")
        async def show_page(page: str, background_tasks: BackgroundTasks):
            background_tasks.add_task(record_visit, page)
            return {"page": page}
        """,
        # A task group holds its tasks until they finish.
        """
        import asyncio

        async def warm(keys: list[str]) -> None:
            async with asyncio.TaskGroup() as group:
                for key in keys:
                    group.create_task(asyncio.sleep(0))
        """,
        # Kept, awaited, gathered or returned.
        """
        import asyncio

        async def fan_out(jobs) -> list[object]:
            tasks = []
            for job in jobs:
                tasks.append(asyncio.create_task(job()))
            first = asyncio.ensure_future(jobs[0]())
            await asyncio.create_task(jobs[1]())
            await first
            return await asyncio.gather(*tasks)

        def later(job):
            return asyncio.get_running_loop().create_task(job())
        """,
        # A project function or route that happens to be called create_task.
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.post("/tasks")
        async def create_task(message: str) -> dict[str, str]:
            return {"message": message}

        async def again() -> None:
            create_task("hello")
        """,
        # ``ensure_future`` hands back a task it is given: made just above, or kept.
        """
        import asyncio

        _running: set[asyncio.Task[None]] = set()

        async def start(job) -> None:
            task = asyncio.create_task(job())
            asyncio.ensure_future(task).add_done_callback(print)

        def schedule(context, loop, job) -> asyncio.Task[None]:
            task = context.run(loop.create_task, job())
            _running.add(task)
            asyncio.ensure_future(task).add_done_callback(_running.discard)
            return task
        """,
        # The loop's executor holds what it runs.
        """
        import asyncio

        async def offload(work) -> None:
            asyncio.get_running_loop().run_in_executor(None, work)
        """,
    )
    extra_invalid = (
        """
        import asyncio

        async def notify(send) -> None:
            asyncio.ensure_future(send())
        """,
        """
        from asyncio import create_task

        async def notify(send) -> None:
            create_task(send())
        """,
        # A loop bound to a name, in sync code: the task is dropped all the same.
        """
        import asyncio

        def schedule(send) -> None:
            loop = asyncio.get_event_loop()
            loop.create_task(send())
        """,
        """
        import asyncio

        def schedule(loop: asyncio.AbstractEventLoop, send) -> None:
            loop.create_task(send())
        """,
        """
        import asyncio

        async def notify(send) -> None:
            asyncio.get_running_loop().create_task(send())
        """,
        # A coroutine object under a name is no task: ``ensure_future`` starts one.
        """
        import asyncio

        async def notify(send) -> None:
            pending = send()
            asyncio.ensure_future(pending)
        """,
        # A done callback does not keep the task alive.
        """
        import asyncio

        async def notify(send, log) -> None:
            asyncio.create_task(send()).add_done_callback(log)
        """,
    )

    def visit_Expr(self, node: ast.Expr, ctx: FileContext) -> None:
        value = node.value
        # ``create_task(...).add_done_callback(...)``: the callback holds no reference.
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "add_done_callback"
            and _starts_task(value.func.value, ctx)
        ):
            value = value.func.value
        if not isinstance(value, ast.Call) or not _starts_task(value, ctx):
            return
        if _existing_task(value, ctx):
            return
        ctx.report(
            value,
            f"the task `{ctx.text(value.func)}(...)` starts is dropped: the event loop keeps"
            " only a weak reference, so it can be garbage-collected before it finishes;"
            " keep a reference (or use `BackgroundTasks` / a `TaskGroup`)",
        )
