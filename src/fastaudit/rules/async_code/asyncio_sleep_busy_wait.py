"""ASY113 (asyncio-sleep-busy-wait): `while` loop that polls a condition with
`await asyncio.sleep(...)`."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules.base import Rule

_SLEEPS = frozenset({"asyncio.sleep", "anyio.sleep", "trio.sleep"})
# Calls a polled condition may make and still be reading in-process state (a flag, a
# task, a queue, the clock of a deadline). Any other call may be asking another system
# (a job API, the database, a file): polling it is the only way, not a busy wait.
_STATE_METHODS = frozenset(
    {"done", "cancelled", "is_set", "empty", "full", "qsize", "locked", "is_alive", "time"}
)
_STATE_CALLEES = frozenset(
    {
        "builtins.len",
        "builtins.any",
        "builtins.all",
        "builtins.bool",
        "builtins.isinstance",
        "time.monotonic",
        "time.time",
        "time.perf_counter",
        "anyio.current_time",
    }
)
_THREAD_MODULES = ("threading.", "multiprocessing.")
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "log"})


class AsyncioSleepBusyWait(Rule):
    id = "ASY113"
    name = "asyncio-sleep-busy-wait"
    title = "`while` loop that polls a condition with `asyncio.sleep`"
    severity = Severity.WARNING
    peers = ("ruff ASYNC110",)
    rationale = """
    A loop whose body only sleeps (`while not self.ready: await asyncio.sleep(0.1)`)
    waits for something another task will do by waking up again and again to look.
    Each wake-up costs a turn of the event loop, and the change is seen up to one
    interval late: a short interval wastes the loop, a long one adds latency to every
    request waiting on it. Let the code that changes the state say so: set an
    `asyncio.Event` and `await event.wait()`, notify an `asyncio.Condition`, or await
    the task or future itself (`await task`, `asyncio.wait(...)`).

    Only loops that do nothing but sleep, check the condition (and count or log) are
    reported, and only when the condition reads this process's state: names,
    attributes, `task.done()`, `event.is_set()`, `queue.empty()`, the clock. A loop that
    does work between sleeps (a periodic job, a retry) or asks another system (a job
    API, the database) whether it is done is polling for real, and is left alone, and
    so is a loop polling a `threading.Event` (or a thread): another thread sets it, and
    cannot set an `asyncio.Event` without the loop's `call_soon_threadsafe`.
    """
    dont = """
    import asyncio


    class ModelHolder:
        def __init__(self) -> None:
            self.model = None

        async def get(self):
            while self.model is None:
                await asyncio.sleep(0.05)
            return self.model
    """
    do = """
    import asyncio


    class ModelHolder:
        def __init__(self) -> None:
            self.model = None
            self.loaded = asyncio.Event()

        def set(self, model) -> None:
            self.model = model
            self.loaded.set()

        async def get(self):
            await self.loaded.wait()
            return self.model
    """
    extra_valid = (
        # A periodic background job: real work between the sleeps.
        """
        import asyncio

        async def refresh_rates(cache):
            while True:
                await cache.reload()
                await asyncio.sleep(60)
        """,
        # A retry loop.
        """
        import asyncio

        async def connect(attempts: int = 5):
            while attempts:
                try:
                    return await open_connection()
                except OSError:
                    attempts -= 1
                    await asyncio.sleep(1)
        """,
        # Asking another system: polling is the only way.
        """
        import asyncio

        async def wait_for_export(client, job_id: str):
            while (await client.job(job_id))["status"] != "done":
                await asyncio.sleep(2)
        """,
        """
        import asyncio
        from pathlib import Path

        async def wait_for_file(path: Path):
            while not path.exists():
                await asyncio.sleep(1)
        """,
        # No condition: a keep-alive that sleeps forever.
        """
        import asyncio

        async def keep_alive():
            while True:
                await asyncio.sleep(3600)
        """,
        # A flag another thread sets: polling is the bridge to the loop.
        """
        import asyncio
        import threading

        def watch(stopped: threading.Event):
            done = threading.Event()

            async def observe():
                while not done.is_set():
                    await asyncio.sleep(0.2)

            worker = threading.Thread(target=stopped.wait)

            async def join():
                while worker.is_alive():
                    await asyncio.sleep(0.1)

            async def until_stopped():
                while not stopped.is_set():
                    await asyncio.sleep(0.1)

            return observe, join, until_stopped
        """,
        # Not in async code.
        """
        import time

        def wait(flag):
            while not flag.ready:
                time.sleep(0.1)
        """,
    )
    extra_invalid = (
        # The exit check inside, with a counter and a log line.
        """
        import logging
        import anyio

        logger = logging.getLogger(__name__)

        async def wait_started(worker, limit: float = 5.0):
            waited = 0.0
            while True:
                if worker.started or waited >= limit:
                    break
                logger.debug("waiting for the worker")
                await anyio.sleep(0.1)
                waited += 0.1
        """,
        # Polling a task instead of awaiting it.
        """
        import asyncio

        async def finish(task: asyncio.Task):
            while not task.done():
                await asyncio.sleep(0.01)
            return task.result()
        """,
        """
        from asyncio import sleep

        async def drain(queue):
            while not queue.empty():
                await sleep(0.1)
        """,
    )

    def visit_While(self, node: ast.While, ctx: FileContext) -> None:
        if not ctx.in_async_body:
            return
        checks: list[ast.expr] = []
        if not _always_true(node.test):
            checks.append(node.test)
        sleeps = 0
        for statement in node.body:
            if _is_sleep(statement, ctx):
                sleeps += 1
            elif _is_exit_check(statement):
                assert isinstance(statement, ast.If)  # for the type checker
                checks.append(statement.test)
            elif not _is_bookkeeping(statement, ctx):
                return  # real work between the sleeps
        if not sleeps or not checks or not all(_reads_state(c, ctx) for c in checks):
            return
        if any(_other_thread(c, ctx) for c in checks):
            return  # set from another thread: no asyncio primitive it could set instead
        polled = " / ".join(f"`{ctx.text(check)}`" for check in checks)
        ctx.report(
            node,
            f"busy wait: this loop only sleeps until {polled} changes, waking the event loop "
            "on every turn and seeing the change up to one interval late; have the code "
            "that changes it set an `asyncio.Event` (or await the task itself)",
            end=node.test,
        )


def _other_thread(expr: ast.expr, ctx: FileContext) -> bool:
    """Whether ``expr`` reads a ``threading`` (or ``multiprocessing``) object: a
    ``threading.Event`` another thread sets, a thread's ``is_alive()``. That thread
    cannot set an ``asyncio.Event`` (not without ``call_soon_threadsafe`` and the loop),
    so polling is how the loop hears of it."""
    for inner in walk(expr):
        if isinstance(inner, (ast.Name, ast.Attribute, ast.Call)):
            value = ctx.resolve(inner)
            if value is not None and value.startswith(_THREAD_MODULES):
                return True
    return False


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value)


def _is_sleep(statement: ast.stmt, ctx: FileContext) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Await)
        and isinstance(statement.value.value, ast.Call)
        and ctx.resolve(statement.value.value.func) in _SLEEPS
    )


def _is_exit_check(statement: ast.stmt) -> bool:
    """``if <condition>: break`` (or ``return <value>``), with no ``else``."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and all(_is_exit(s) for s in statement.body)
    )


def _is_exit(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Break):
        return True
    if isinstance(statement, ast.Return):
        value = statement.value
        return value is None or not any(
            isinstance(inner, (ast.Call, ast.Await)) for inner in walk(value)
        )
    return False


def _is_bookkeeping(statement: ast.stmt, ctx: FileContext) -> bool:
    """What a busy wait does besides sleeping: ``pass``, counting the time waited,
    a log line."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, (ast.Assign, ast.AugAssign)):
        return _reads_state(statement.value, ctx)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr in _LOG_METHODS
            and "log" in ctx.text(func.value).lower()
        )
    return False


def _reads_state(expr: ast.expr, ctx: FileContext) -> bool:
    """Whether ``expr`` only reads this process's state: no ``await``, and no call but
    the few that read a flag, a task, a queue or the clock."""
    for inner in walk(expr):
        if isinstance(inner, (ast.Await, ast.NamedExpr, ast.Lambda)):
            return False
        if isinstance(inner, ast.Call):
            func = inner.func
            if ctx.resolve(func) in _STATE_CALLEES:
                continue
            if isinstance(func, ast.Attribute) and func.attr in _STATE_METHODS:
                continue
            return False
    return True
