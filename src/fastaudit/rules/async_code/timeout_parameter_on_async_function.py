"""ASY112 (timeout-parameter-on-async-function): Async function that enforces its own
`timeout` parameter."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.engine.walk import own_statements, walk
from fastaudit.model import Finding, Severity
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.route_calls import keyword_value
from fastaudit.rules.async_code._dependency_refs import DependencyNames, DependencyRefs
from fastaudit.rules.async_code._shared import def_header
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# Per file: (qualname, shown name, what enforces the timeout, line, column, end line,
# end column) of each candidate, for the project pass to drop the dependencies.
CANDIDATE_FACT = "timeout-parameter-candidate"

# Calls that turn a number of seconds into a deadline on what they wrap: where that
# number goes (position, keyword).
_DEADLINES: dict[str, tuple[int | None, str]] = {
    "asyncio.wait_for": (1, "timeout"),
    "asyncio.timeout": (0, "delay"),
    "asyncio.timeouts.timeout": (0, "delay"),
    "asyncio.wait": (None, "timeout"),
    "asyncio.as_completed": (None, "timeout"),
    "anyio.fail_after": (0, "delay"),
    "anyio.move_on_after": (0, "delay"),
    "async_timeout.timeout": (0, "delay"),
    "trio.fail_after": (0, "seconds"),
    "trio.move_on_after": (0, "seconds"),
}
# Clocks a hand-made deadline is counted from: ``deadline = time.monotonic() + timeout``.
_CLOCKS = frozenset({"time.monotonic", "time.time", "time.perf_counter", "anyio.current_time"})
# Route decorators beyond the HTTP methods ``route_decorator`` knows.
_OTHER_ENDPOINTS = frozenset({"websocket", "route", "api_websocket_route", "websocket_route"})
_TRIVIAL_BASES = frozenset(
    {
        "builtins.object",
        "abc.ABC",
        "typing.Protocol",
        "typing.Generic",
        "typing_extensions.Protocol",
    }
)
_OVERRIDE = frozenset({"typing.override", "typing_extensions.override"})


# Calls ``timeout`` may be handed to without configuring anything else: builtins
# (``min(timeout, 5)``), sleeps, and the message of a log line or an exception.
_PASSIVE = frozenset({"asyncio.sleep", "anyio.sleep", "trio.sleep"})
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Timeout", "Warning")
# Deadlines that give up silently: the function goes on after them.
_SILENT = frozenset({"anyio.move_on_after", "trio.move_on_after"})


@dataclass(slots=True)
class _Candidate:
    node: ast.AsyncFunctionDef
    qualname: str
    shown: str
    enforced_by: str = ""
    # Why a caller's cancel scope could not replace the parameter (see ``_keeps``).
    kept_for: str = ""
    silent_scopes: list[ast.With] = field(default_factory=list)


class TimeoutParameterOnAsyncFunction(DependencyRefs, ProjectRule):
    id = "ASY112"
    name = "timeout-parameter-on-async-function"
    title = "Async function that enforces its own `timeout` parameter"
    severity = Severity.INFO
    peers = ("ruff ASYNC109",)
    rationale = """
    An `async def` that takes `timeout` and wraps its own awaits in
    `asyncio.wait_for(..., timeout)` (or `asyncio.timeout`, `anyio.fail_after`, a
    `time.monotonic() + timeout` deadline) makes every caller pass a number down, and
    the numbers do not add up: a route that calls two such helpers with 5 s each may
    wait 10 s. Asyncio (3.11+) and anyio let the caller scope a deadline instead:
    `async with asyncio.timeout(5):` around the calls cancels whatever is awaited inside,
    however deep, so one budget covers the whole request. Drop the parameter and let
    callers wrap the call.

    Narrower than ruff's ASYNC109 on purpose: only a `timeout` the function enforces
    itself is reported. A `timeout` handed on to a library (an `httpx` client's per-read
    timeout, a Redis lock's lifetime) configures that library and is left alone, and so
    are the parameters of routes and dependencies (`Depends(...)`, in any file of the
    project: there `timeout` is a query or body parameter of the API), `__call__`
    methods, `@override`s and methods of classes with a base class (module-level or
    defined inside a function), whose signature a library or base class fixes. Nor is
    a `timeout` that is part of the function's result rather than only a deadline: one
    also handed on to another call (`client.pause(run_id, timeout_seconds=timeout)`, a
    server-side deadline), one whose value means something (`if timeout == 0: return
    job`), or one enforced by `anyio.move_on_after(timeout)` after which a value is
    returned (the job as it stands on timeout): a caller's cancel scope would lose
    that value.
    """
    dont = """
    import asyncio

    from app.clients import inventory


    async def reserve_stock(sku: str, quantity: int, timeout: float = 5.0) -> bool:
        return await asyncio.wait_for(inventory.reserve(sku, quantity), timeout)


    async def place_order(sku: str) -> bool:
        return await reserve_stock(sku, 1, timeout=2.0)
    """
    do = """
    import asyncio

    from app.clients import inventory


    async def reserve_stock(sku: str, quantity: int) -> bool:
        return await inventory.reserve(sku, quantity)


    async def place_order(sku: str) -> bool:
        async with asyncio.timeout(2.0):
            return await reserve_stock(sku, 1)
    """
    dont_files = {
        "app/stock.py": """
            import asyncio
            import time

            from app.clients import inventory


            async def wait_for_stock(sku: str, timeout: float) -> bool:
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    if await inventory.available(sku):
                        return True
                    await asyncio.sleep(0.5)
                return False
            """,
    }
    do_files = {
        "app/stock.py": """
            import asyncio

            import httpx

            from app.clients import inventory


            async def stock_level(sku: str, timeout: float = 3.0) -> int:
                # Handed on to the client: its per-read timeout, not a deadline.
                async with httpx.AsyncClient(timeout=timeout) as client:
                    response = await client.get(f"https://stock.test/{sku}")
                return response.json()["level"]


            async def reserve(sku: str) -> bool:
                async with asyncio.timeout(2.0):
                    return await inventory.reserve(sku, 1)
            """,
        "app/dependencies.py": """
            import asyncio

            from app.clients import inventory


            async def stock_guard(sku: str, timeout: float = 2.0) -> bool:
                return await asyncio.wait_for(inventory.available(sku), timeout)
            """,
        "app/routes.py": """
            import asyncio

            from fastapi import APIRouter, Depends

            from app.clients import inventory
            from app.dependencies import stock_guard

            router = APIRouter()


            @router.get("/stock/{sku}", dependencies=[Depends(stock_guard)])
            async def check_stock(sku: str, timeout: float = 2.0) -> dict:
                async with asyncio.timeout(timeout):
                    return {"level": await inventory.level(sku)}
            """,
    }

    def __init__(self) -> None:
        self._refs_init()
        self._candidates: dict[int, _Candidate] = {}
        self._classes: list[tuple[ast.ClassDef, bool]] = []  # (class, has a real base)
        self._found: list[_Candidate] = []

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        bases = [ctx.resolve(base) for base in node.bases]
        self._classes.append((node, any(base not in _TRIVIAL_BASES for base in bases)))

    def leave_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._classes.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        args = node.args
        if not any(
            arg.arg == "timeout" for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)
        ):
            return
        if _is_endpoint(node, ctx) or node.name == "__call__":
            return
        if any(ctx.resolve(d) in _OVERRIDE for d in node.decorator_list):
            return
        shown = node.name
        if self._classes and ctx.parent is self._classes[-1][0]:
            # A method, of a module-level class or one defined inside a function.
            owner, has_base = self._classes[-1]
            if has_base:
                return  # the signature may be a base class's or a library's
            shown = f"{owner.name}.{node.name}"
        qualname = ctx.qualify(shown) if ctx.function is None else ""
        self._candidates[id(node)] = _Candidate(node, qualname, shown)

    def _candidate(self, ctx: FileContext) -> _Candidate | None:
        function = ctx.function
        return self._candidates.get(id(function.node)) if function is not None else None

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        super().visit_Call(node, ctx)
        candidate = self._candidate(ctx)
        if candidate is None:
            return
        callee = ctx.resolve(node.func)
        seconds = _seconds_argument(node, callee)
        if seconds is not None:
            if not candidate.enforced_by and any(_is_timeout(n) for n in walk(seconds)):
                candidate.enforced_by = f"`{ctx.text(node.func)}(...)`"
        elif not candidate.kept_for and _hands_on(node, callee):
            # ``client.pause(timeout_seconds=timeout)``: the number also configures
            # something else (a server-side deadline, a lock's lifetime).
            candidate.kept_for = "handed on"

    def visit_With(self, node: ast.With, ctx: FileContext) -> None:
        """``with anyio.move_on_after(timeout):`` without ``as``: nothing asks whether
        it fired, the function just goes on (see ``_returns_after``)."""
        candidate = self._candidate(ctx)
        if candidate is None:
            return
        for item in node.items:
            call = item.context_expr
            if (
                item.optional_vars is None
                and isinstance(call, ast.Call)
                and ctx.resolve(call.func) in _SILENT
                and any(_is_timeout(n) for a in (*call.args, *call.keywords) for n in walk(a))
            ):
                candidate.silent_scopes.append(node)

    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        """``if timeout == 0: return run``: a timeout of 0 answers at once."""
        candidate = self._candidate(ctx)
        if candidate is None or candidate.kept_for:
            return
        if _compares_timeout_to_number(node.test) and _returns_value(node.body):
            candidate.kept_for = "special value"

    def visit_BinOp(self, node: ast.BinOp, ctx: FileContext) -> None:
        candidate = self._candidate(ctx)
        if candidate is None or candidate.enforced_by or not isinstance(node.op, ast.Add):
            return
        for clock, other in ((node.left, node.right), (node.right, node.left)):
            if _is_timeout(other) and isinstance(clock, ast.Call) and _is_clock(clock, ctx):
                candidate.enforced_by = f"a deadline `{ctx.text(node)}`"

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        candidate = self._candidates.pop(id(node), None)
        if candidate is None or not candidate.enforced_by or candidate.kept_for:
            return
        if any(_returns_after(node, scope) for scope in candidate.silent_scopes):
            return  # on timeout it returns what it has: part of its result
        self._found.append(candidate)

    def finish(self, ctx: FileContext) -> None:
        self.note_dependency_refs(ctx)
        for candidate in self._found:
            span = ctx.span(def_header(candidate.node))
            ctx.add_fact(
                CANDIDATE_FACT,
                (
                    candidate.qualname,
                    candidate.shown,
                    candidate.enforced_by,
                    span.line,
                    span.column,
                    span.end_line,
                    span.end_column,
                ),
            )

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        dependencies = DependencyNames(project)
        findings = []
        for path in project.python_files:
            for fact in file_facts(project, path, CANDIDATE_FACT):
                qualname, shown, enforced_by, line, column, end_line, end_column = fact
                if qualname and qualname in dependencies:
                    continue  # FastAPI fills ``timeout`` from the request
                findings.append(
                    project.finding(
                        self,
                        path,
                        line,
                        f"`async def {shown}` takes `timeout` and enforces it itself "
                        f"({enforced_by}): let callers scope the deadline with "
                        "`async with asyncio.timeout(...)` (or `anyio.fail_after`), "
                        "which also covers everything awaited around the call",
                        column=column,
                        end_line=end_line,
                        end_column=end_column,
                    )
                )
        return findings


def _is_endpoint(node: ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    if ctx.route_decorator(node) is not None:
        return True
    return any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in _OTHER_ENDPOINTS
        and ctx.is_app_or_router(d.func.value)
        for d in node.decorator_list
    )


def _is_timeout(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "timeout"


def _seconds_argument(node: ast.Call, callee: str | None) -> ast.expr | None:
    """The argument giving the seconds of a deadline call (``wait_for(aw, 5)``'s 5)."""
    where = _DEADLINES.get(callee) if callee is not None else None
    if where is None:
        return None
    position, keyword = where
    if position is not None and len(node.args) > position:
        return node.args[position]
    return keyword_value(node, keyword)


def _is_clock(call: ast.Call, ctx: FileContext) -> bool:
    if ctx.resolve(call.func) in _CLOCKS:
        return True
    # ``loop.time()`` on whatever ``loop`` is (``asyncio.get_running_loop()``).
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "time" and not call.args


def _hands_on(call: ast.Call, callee: str | None) -> bool:
    """``timeout`` itself is an argument of ``call``, which is not a deadline, a sleep,
    a builtin, a log line or an exception being built."""
    if not any(_is_timeout(a) for a in (*call.args, *(k.value for k in call.keywords))):
        return False
    if callee is not None and (callee.startswith("builtins.") or callee in _PASSIVE):
        return False
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name not in _LOG_METHODS and not name.endswith(_EXCEPTION_SUFFIXES)


def _compares_timeout_to_number(test: ast.expr) -> bool:
    """``timeout == 0``, ``timeout <= 0`` (not ``timeout is None``)."""
    return any(
        isinstance(node, ast.Compare)
        and any(_is_timeout(side) for side in (node.left, *node.comparators))
        and any(
            isinstance(side, ast.Constant)
            and isinstance(side.value, int | float)
            and not isinstance(side.value, bool)
            for side in (node.left, *node.comparators)
        )
        and all(isinstance(op, ast.Eq | ast.LtE) for op in node.ops)
        for node in walk(test)
    )


def _returns_value(statements: list[ast.stmt]) -> bool:
    return any(
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for node in own_statements(statements)
    )


def _returns_after(function: ast.AsyncFunctionDef, scope: ast.With) -> bool:
    """A value is returned after ``scope`` ends: on timeout the function hands back
    what it has (the job as it stands, the state seen so far), which a caller's cancel
    scope would turn into a cancellation."""
    end = scope.end_lineno or scope.lineno
    return any(
        isinstance(node, ast.Return)
        and node.lineno > end
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for node in own_statements(function.body)
    )
