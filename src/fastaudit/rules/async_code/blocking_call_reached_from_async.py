"""ASY108 (blocking-call-reached-from-async): Blocking call reached from async code through
project functions.

ASY101-105 and ASY109 see a blocking call written in an ``async def`` body. In an
application it is rarely written there: the route calls a repository method, which calls
``commit()`` on a sync session. During the single walk of each file this rule notes, as
facts, what each module- or class-level sync ``def`` calls (blocking calls, by the
ASY101-105 and ASY109 matchers, and project functions) and which project functions each
``async def`` calls in its own body. The project pass joins them into one call graph and
reports, at the call site in the async function, the shortest chain of sync project
functions (at most ``MAX_DEPTH``) that ends in a blocking call.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar, NamedTuple, TypeVar

from fastaudit.engine.context import FileContext
from fastaudit.engine.names import annotation_value
from fastaudit.engine.project_index import same_qualname
from fastaudit.model import Finding, Severity
from fastaudit.rules import all_rules
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.threadpool_wrap import THREAD_NOTE, note_wrap_fix, wrap_fixes
from fastaudit.rules.async_code._shared import BlockingCallRule
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

_T = TypeVar("_T")

# How many sync project functions a chain may pass through: the async function's callee
# is the first. Deeper chains are rarer and harder to read in a message.
MAX_DEPTH = 4

# Facts noted per file (plain tuples: they are pickled and cached with the outcome).
# A module- or class-level sync def: (qualname, shown name, line, blocking calls as
# (rule id, written callee, line), project calls as (callee qualname, line, written
# callee when it is a method of what a call returned: ``get_session().query``, else "")).
SYNC_FUNCTION_FACT = "reach-sync-function"
# An ``async def``: (qualname, "" when nested in a function; shown name; project calls
# in its body as (callee qualname, line, column, end line, end column, returned)).
ASYNC_FUNCTION_FACT = "reach-async-function"
# (qualname, the value its return annotation promises: ``sqlalchemy.orm.Session()``) of
# a module- or class-level def, so ``session = get_session(); session.query(...)``
# follows the type the project function says it returns.
RETURNS_FACT = "reach-returns"


@cache
def _matchers() -> dict[str, BlockingCallRule]:
    """Every blocking-call rule (ASY101-105, ASY109, and any added later) by id, in id
    order: the first that matches a call names its kind."""
    return {
        rule_id: rule()
        for rule_id, rule in all_rules().items()
        if issubclass(rule, BlockingCallRule)
    }


# Calls whose arguments run in a worker thread, not on the loop.
_THREAD_WRAPPERS = frozenset(
    {
        "starlette.concurrency.run_in_threadpool",
        "fastapi.concurrency.run_in_threadpool",
        "asyncio.to_thread",
        "anyio.to_thread.run_sync",
    }
)
# Callees that are never the project's own: the standard library and the libraries a
# FastAPI app calls most (keeps the facts small; a miss only costs fact space).
_NOT_PROJECT = frozenset(sys.stdlib_module_names) | {
    "builtins",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic_settings",
    "sqlalchemy",
    "sqlmodel",
    "httpx",
    "requests",
    "anyio",
    "typing_extensions",
}


def _blocking_kind(callee: str, node: ast.Call) -> str | None:
    for rule_id, matcher in _matchers().items():
        if matcher.matches(callee, node):
            return rule_id
    return None


def _is_thread_wrapper(callee: str | None, node: ast.Call) -> bool:
    if callee in _THREAD_WRAPPERS:
        return True
    # ``loop.run_in_executor(None, fn)`` whatever ``loop`` resolves to.
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr == "run_in_executor"


def _project_target(callee: str) -> tuple[str, bool] | None:
    """The qualified name a project function would have, and whether it is a method of
    what a call returned; None when ``callee`` is a library's or cannot name a
    definition. ``app.repo.Repo().save`` (a method on an instance, ``self.save``
    included) is ``app.repo.Repo.save``; so is ``app.db.get_repo().save``, whose
    receiver the project pass types by ``get_repo``'s return annotation."""
    if callee.split(".", 1)[0] in _NOT_PROJECT:
        return None
    receiver, dot, method = callee.rpartition(".")
    returned = bool(dot) and receiver.endswith("()") and "()" not in receiver[:-2]
    if returned:
        callee = f"{receiver[:-2]}.{method}"
    if "()" in callee or "." not in callee:
        return None
    return callee, returned


# ``matches`` of the ASY101-105 and ASY109 detectors takes the call node; none reads it.
_NO_NODE = ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=[])


# (callee qualname, line, column, end line, end column, a method of a returned value)
_AsyncCall = tuple[str, int, int, int, int, bool]
# (qualname, shown name, calls): an ``ASYNC_FUNCTION_FACT``.
_AsyncFact = tuple[str, str, tuple[_AsyncCall, ...]]


@dataclass(slots=True)
class _Frame:
    qualname: str  # "" for a def nested in a function: nothing can call it by name
    shown: str
    line: int
    is_async: bool
    blocking: list[tuple[str, str, int]] = field(default_factory=list)
    sync_calls: list[tuple[str, int, str]] = field(default_factory=list)
    async_calls: list[_AsyncCall] = field(default_factory=list)


class _Function(NamedTuple):
    """A sync project function in the call graph."""

    path: str
    qualname: str
    shown: str
    line: int
    blocking: tuple[tuple[str, str, int], ...]
    calls: tuple[tuple[str, int, str], ...]


class _Step(NamedTuple):
    """The shortest way from a function to a blocking call: ``depth`` functions long,
    through ``via`` (None: the function itself makes the call) called at ``line``."""

    depth: int
    via: int | None
    line: int


def _tail(qualname: str) -> str:
    """The last two dotted parts: a src layout (``src.app.x.f``) keeps them."""
    return ".".join(qualname.rsplit(".", 2)[-2:])


class _Graph:
    """The sync project functions and who calls whom, from the facts of every file."""

    def __init__(self, view: ProjectView) -> None:
        self.functions: list[_Function] = []
        # Every module- or class-level def by its last two dotted parts: (qualname,
        # index into ``functions`` or None for an ``async def``).
        self._by_tail: dict[str, list[tuple[str, int | None]]] = {}
        # (path, the ``ASYNC_FUNCTION_FACT``) of each ``async def`` making project calls.
        self.async_defs: list[tuple[str, _AsyncFact]] = []
        # What each def's return annotation promises, by the def's last two dotted parts.
        self._returns: dict[str, list[tuple[str, str]]] = {}
        for path in view.python_files:
            for qualname, value in file_facts(view, path, RETURNS_FACT):
                self._returns.setdefault(_tail(qualname), []).append((qualname, value))
            for qualname, shown, line, blocking, calls in file_facts(
                view, path, SYNC_FUNCTION_FACT
            ):
                index = len(self.functions)
                self.functions.append(_Function(path, qualname, shown, line, blocking, calls))
                self._by_tail.setdefault(_tail(qualname), []).append((qualname, index))
            for fact in file_facts(view, path, ASYNC_FUNCTION_FACT):
                qualname = fact[0]
                if qualname:
                    self._by_tail.setdefault(_tail(qualname), []).append((qualname, None))
                if fact[2]:
                    self.async_defs.append((path, fact))

    def targets(self, callee: str, returned: bool = False) -> list[int]:
        """The sync functions ``callee`` may name; none when it names an ``async def``
        (awaited: another matter) or nothing of the project's. ``Repo(...)`` runs
        ``Repo.__init__``; ``get_repo().save`` (``returned``) is the ``save`` of the
        project class ``get_repo`` says it returns."""
        found = self._matches(callee) or self._matches(callee + ".__init__")
        if not found and returned:
            through = self.through_return(callee)
            target = _project_target(through) if through is not None else None
            if target is not None:
                found = self._matches(target[0])
        if any(index is None for _, index in found):
            return []
        return [index for _, index in found if index is not None]

    def through_return(self, callee: str) -> str | None:
        """``app.db.get_session.query`` (the ``query`` of what ``get_session()``
        returns) as the method of the value ``get_session``'s return annotation
        promises: ``sqlalchemy.orm.Session().query``; None when that is unknown."""
        receiver, _, method = callee.rpartition(".")
        values = {value for _, value in _best_matches(self._returns, receiver)}
        return f"{values.pop()}.{method}" if len(values) == 1 else None

    def _matches(self, callee: str) -> list[tuple[str, int | None]]:
        return _best_matches(self._by_tail, callee)

    def blocking_of(self, index: int) -> list[tuple[str, str, int]]:
        """The blocking calls ``functions[index]`` makes itself: those the walk saw, and
        methods of values its project callees say they return (``get_session().query``)."""
        function = self.functions[index]
        found = list(function.blocking)
        for callee, line, written in function.calls:
            if not written or self._matches(callee):
                continue
            through = self.through_return(callee)
            kind = _blocking_kind(through, _NO_NODE) if through is not None else None
            if kind is not None:
                found.append((kind, written, line))
        return found

    def shortest(self) -> dict[int, _Step]:
        """For each function that reaches a blocking call through at most ``MAX_DEPTH``
        sync functions, its first step on the shortest way there. One breadth-first
        search backwards from every function that blocks itself: linear in the calls,
        and cycles end it like any visited function."""
        callers: dict[int, list[tuple[int, int]]] = {}
        for index, function in enumerate(self.functions):
            for callee, line, written in function.calls:
                for target in self.targets(callee, bool(written)):
                    if target != index:
                        callers.setdefault(target, []).append((index, line))
        best: dict[int, _Step] = {}
        queue: deque[int] = deque()
        for index in range(len(self.functions)):
            blocking = self.blocking_of(index)
            if blocking:
                best[index] = _Step(1, None, min(b[2] for b in blocking))
                queue.append(index)
        while queue:
            index = queue.popleft()
            step = best[index]
            if step.depth >= MAX_DEPTH:
                continue
            for caller, line in callers.get(index, ()):
                if caller not in best:
                    best[caller] = _Step(step.depth + 1, index, line)
                    queue.append(caller)
        return best

    def chain(self, start: int, best: dict[int, _Step]) -> Iterator[tuple[int, _Step]]:
        index: int | None = start
        while index is not None:
            step = best[index]
            yield index, step
            index = step.via


def _best_matches(by_tail: dict[str, list[tuple[str, _T]]], qualname: str) -> list[tuple[str, _T]]:
    """The entries naming ``qualname`` (a src layout's ``src.app.x.f`` names
    ``app.x.f``); only the exact ones when there are any."""
    candidates = [
        item for item in by_tail.get(_tail(qualname), ()) if same_qualname(item[0], qualname)
    ]
    exact = [item for item in candidates if item[0] == qualname]
    return exact or candidates


class BlockingCallReachedFromAsync(ProjectRule):
    id = "ASY108"
    name = "blocking-call-reached-from-async"
    title = "Blocking call reached from async code through project functions"
    severity = Severity.WARNING
    rationale = """
    An `async def` route or dependency runs on the event loop, and so does every sync
    function it calls. When a repository method, a service or a small helper makes a
    blocking call (a sync database session, `requests`, `time.sleep`, file I/O, a child
    process, password hashing), the whole worker waits for it, exactly as if the call
    were written in the route. ASY101-105 and ASY109 see calls written in the
    `async def` itself; this rule follows calls into the project's own sync functions
    and methods, across modules, through at most four of them, and reports the call in
    the async function with the chain that ends in the blocking call. ruff's ASYNC
    rules (and flake8-async) only see calls written in the async body, so there is no
    ruff equivalent. Make the chain async (an async client, `AsyncSession`), call the
    sync function with `await run_in_threadpool(fn, ...)`, or make the route a plain
    `def`. Calls handed to `run_in_threadpool`, `asyncio.to_thread`,
    `anyio.to_thread.run_sync` or `loop.run_in_executor` are not reported.
    """
    dont = """
    import requests
    from fastapi import APIRouter

    router = APIRouter()


    def fetch_rates(currency: str) -> dict:
        return requests.get(f"https://rates.test/{currency}", timeout=3).json()


    @router.get("/prices/{currency}")
    async def prices(currency: str):
        return {"rates": fetch_rates(currency)}
    """
    do = """
    import requests
    from fastapi import APIRouter
    from fastapi.concurrency import run_in_threadpool

    router = APIRouter()


    def fetch_rates(currency: str) -> dict:
        return requests.get(f"https://rates.test/{currency}", timeout=3).json()


    @router.get("/prices/{currency}")
    async def prices(currency: str):
        return {"rates": await run_in_threadpool(fetch_rates, currency)}
    """
    dont_files: ClassVar[dict[str, str]] = {
        "app/orders/repository.py": """
            from sqlalchemy.orm import Session

            from app.orders.models import Order


            class OrderRepository:
                def save(self, session: Session, order: Order) -> Order:
                    session.add(order)
                    session.commit()
                    return order
            """,
        "app/orders/router.py": """
            from typing import Annotated

            from fastapi import APIRouter, Depends
            from sqlalchemy.orm import Session

            from app.database import get_session
            from app.orders.models import Order
            from app.orders.repository import OrderRepository

            router = APIRouter()


            @router.post("/orders")
            async def create_order(session: Annotated[Session, Depends(get_session)]):
                return OrderRepository().save(session, Order())
            """,
    }
    fix_safety = (
        f"Unsafe: the fix wraps the call in `await run_in_threadpool(...)`; it {THREAD_NOTE}."
    )
    dont_fixed_files: ClassVar[dict[str, str] | None] = {
        "app/orders/repository.py": dont_files["app/orders/repository.py"],
        "app/orders/router.py": """
            from typing import Annotated

            from fastapi import APIRouter, Depends
            from fastapi.concurrency import run_in_threadpool
            from sqlalchemy.orm import Session

            from app.database import get_session
            from app.orders.models import Order
            from app.orders.repository import OrderRepository

            router = APIRouter()


            @router.post("/orders")
            async def create_order(session: Annotated[Session, Depends(get_session)]):
                return await run_in_threadpool(OrderRepository().save, session, Order())
            """,
    }
    do_files: ClassVar[dict[str, str]] = {
        "app/orders/repository.py": dont_files["app/orders/repository.py"],
        "app/orders/router.py": """
            from typing import Annotated

            from fastapi import APIRouter, Depends
            from sqlalchemy.orm import Session

            from app.database import get_session
            from app.orders.models import Order
            from app.orders.repository import OrderRepository

            router = APIRouter()


            @router.post("/orders")
            def create_order(session: Annotated[Session, Depends(get_session)]):
                return OrderRepository().save(session, Order())
            """,
    }

    def __init__(self) -> None:
        self._frames: dict[int, _Frame] = {}
        self._classes: list[str] = []

    # ------------------------------------------------------------------ the walk
    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._classes.append(node.name)

    def leave_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._open(node, ctx, is_async=False)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._open(node, ctx, is_async=True)

    def _open(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext, *, is_async: bool
    ) -> None:
        # Only a def at module level or in a module-level class can be called by name
        # from elsewhere (``ctx.function`` is still the enclosing one here).
        named = ctx.function is None and len(self._classes) <= 1
        shown = f"{self._classes[-1]}.{node.name}" if self._classes else node.name
        if named:
            qualname = ctx.qualify(shown)
            self._frames[id(node)] = _Frame(qualname, shown, node.lineno, is_async)
            returns = annotation_value(node.returns, ctx.resolve)
            if returns is not None and not returns.startswith(("builtins.", "typing.")):
                ctx.add_fact(RETURNS_FACT, (qualname, returns))
        elif is_async:
            self._frames[id(node)] = _Frame("", node.name, node.lineno, is_async)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        callee = ctx.resolve(node.func)
        func = node.func
        if callee is None and isinstance(func, ast.Name) and ctx.is_module_binding(func.id):
            # A function of this module: its name binds no value (see ``engine.names``).
            callee = ctx.qualify(func.id)
        if _is_thread_wrapper(callee, node):
            # ``run_in_threadpool(fn, x)`` runs ``fn`` in a thread: a reference, not a call,
            # so nothing of it is noted. A call written in its arguments
            # (``run_in_threadpool(fn(x))``) still runs here, on the loop, and is noted
            # like any other.
            return
        function = ctx.function
        frame = self._frames.get(id(function.node)) if function is not None else None
        if frame is None or callee is None:
            return
        kind = _blocking_kind(callee, node)
        if frame.is_async:
            # A blocking call written here is ASY101-105's or ASY109's.
            if kind is None:
                target = _project_target(callee)
                if target is not None:
                    span = ctx.span(node)
                    frame.async_calls.append(
                        (
                            target[0],
                            span.line,
                            span.column,
                            span.end_line,
                            span.end_column,
                            target[1],
                        )
                    )
                    note_wrap_fix(ctx, node, span)
        elif kind is not None:
            frame.blocking.append((kind, ctx.text(node.func), node.lineno))
        else:
            target = _project_target(callee)
            if target is not None:
                written = ctx.text(node.func) if target[1] else ""
                frame.sync_calls.append((target[0], node.lineno, written))

    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        frame = self._frames.pop(id(node), None)
        if frame is not None and frame.qualname and (frame.blocking or frame.sync_calls):
            ctx.add_fact(
                SYNC_FUNCTION_FACT,
                (
                    frame.qualname,
                    frame.shown,
                    frame.line,
                    tuple(frame.blocking),
                    tuple(frame.sync_calls),
                ),
            )

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        frame = self._frames.pop(id(node), None)
        # Noted even without calls: a callee that is an ``async def`` is not followed.
        if frame is not None and (frame.qualname or frame.async_calls):
            ctx.add_fact(
                ASYNC_FUNCTION_FACT, (frame.qualname, frame.shown, tuple(frame.async_calls))
            )

    # --------------------------------------------------------- the project pass
    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        graph = _Graph(project)
        best = graph.shortest()
        if not best:
            return []
        findings: list[Finding] = []
        for path, (_, caller, calls) in graph.async_defs:
            for callee, line, column, end_line, end_column, returned in calls:
                reached = [t for t in graph.targets(callee, returned) if t in best]
                if not reached:
                    continue
                start = min(reached, key=lambda t: (best[t].depth, t))
                message, detail = self._describe(graph, best, start, caller, path, line)
                finding = project.finding(
                    self,
                    path,
                    line,
                    message,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
                finding = replace(finding, fix=wrap_fixes(project, path).get(finding.span))
                findings.append(replace(finding, detail=detail))
        return findings

    def _describe(
        self,
        graph: _Graph,
        best: dict[int, _Step],
        start: int,
        caller: str,
        path: str,
        line: int,
    ) -> tuple[str, str]:
        steps = list(graph.chain(start, best))
        chain = [(graph.functions[i], step) for i, step in steps]
        index = steps[-1][0]
        last, step = chain[-1]
        # The first blocking call written in the last function (its step's line).
        rule, written, _ = next(b for b in graph.blocking_of(index) if b[2] == step.line)
        kind = f"({rule}: {_matchers()[rule].kind})"
        first = chain[0][0].shown
        names = " -> ".join(f"`{function.shown}`" for function, _ in chain)
        # CPU-bound work has no async form: a thread is the only way off the loop.
        remedy = "make the chain async, or " if _matchers()[rule].has_async_form else ""
        message = (
            f"`{caller}` calls {names} -> `{written}` {kind} on the event loop: {remedy}"
            f"call `{first}` through `await run_in_threadpool(...)`"
        )
        links = [f"  {path}:{line}  `{caller}` calls `{first}`"]
        for (function, link), (following, _) in pairwise(chain):
            links.append(
                f"  {function.path}:{link.line}  `{function.shown}` calls `{following.shown}`"
            )
        links.append(f"  {last.path}:{step.line}  `{last.shown}` calls `{written}` {kind}")
        detail = "\n".join(
            [message, "", "The chain, from the event loop to the blocking call:", *links]
        )
        return message, detail
