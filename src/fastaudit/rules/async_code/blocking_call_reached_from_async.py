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
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import facts, is_migration_file, is_test_path
from fastaudit.engine.names import annotation_value, value_of
from fastaudit.model import Finding, Location, Severity, Span
from fastaudit.rules._support.route_calls import depends_provider
from fastaudit.rules._support.sync_sessions import SYNC_SESSION_PROVIDER, generator_item
from fastaudit.rules._support.threadpool_wrap import THREAD_NOTE, hands_to_thread, wrap_fixes
from fastaudit.rules.async_code._reach import (
    ASKS_LOOP_FACT,
    ASYNC_FUNCTION_FACT,
    ATTRIBUTE_FACT,
    BASES_FACT,
    CONFIGURED,
    GENERATOR_FACT,
    LOOP_CALLS,
    MODULE_VALUE_FACT,
    RETURNS_FACT,
    SPAWNED_FACT,
    SPAWNERS,
    SYNC_FUNCTION_FACT,
    AsyncCall,
    Graph,
    Step,
    blocking_kind,
    configured_matcher,
    matchers,
    might_be_project,
    written_name,
)
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# Values not worth noting as what a module name, an attribute or a function holds: they
# never lead to a blocking call or to the project's code.
_PLAIN_VALUES = ("builtins.", "typing.", "fastapi.", "pydantic.", "logging.")
# What a ``Depends`` parameter's annotation says when it says nothing about the value.
_UNTYPED = frozenset({None, "builtins.object()", "typing.Any()"})


# How many async functions must reach blocking work through one sync function before
# their findings are reported as one, at that function: with one or two, each call keeps
# its finding and its wrap (two places are read as easily as one); from three on, the
# list repeats one decision, which belongs in the function they share.
GROUPED_CALLERS = 3


def _caller_of_label(label: str) -> str:
    """``X`` of a chain link's label, "`X` calls ..."."""
    return label.split("`", 2)[1] if label.count("`") >= 2 else label


def _caller_of(finding: Finding) -> str:
    """The async function a per-call finding's chain starts in."""
    return _caller_of_label(finding.related[0].label) if finding.related else ""


def _common_tail(chains: list[tuple[Location, ...]]) -> tuple[Location, ...]:
    """The links every chain ends with (the way from the shared function down); never
    the call sites, which differ."""
    shortest = min(len(chain) for chain in chains) - 1
    size = 0
    while size < shortest and len({chain[-size - 1] for chain in chains}) == 1:
        size += 1
    return chains[0][len(chains[0]) - size :] if size else ()


def _through(finding: Finding, shared: int) -> str:
    """How a call site reaches the shared function, when through others of its own."""
    links = finding.related[1 : len(finding.related) - shared]
    names = [_caller_of_label(place.label) for place in links]
    return f" (through {' -> '.join(f'`{name}`' for name in names)})" if names else ""


def _worth_noting(value: str | None) -> bool:
    return value is not None and value.endswith("()") and not value.startswith(_PLAIN_VALUES)


def _off_loop(ctx: FileContext) -> bool:
    """Tests and migrations never run on the server's loop and nothing the app runs
    calls into them: their functions are not noted (a large app's tests hold most of
    its async functions)."""
    return is_test_path(ctx.path) or is_migration_file(ctx)


def _attribute_path(node: ast.expr) -> tuple[str, list[str]] | None:
    """``repo.session.commit`` -> ("repo", ["session", "commit"])."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and parts:
        return node.id, parts[::-1]
    return None


@dataclass(slots=True)
class _Frame:
    qualname: str  # "" for a def nested in a function: nothing can call it by name
    shown: str
    line: int
    is_async: bool
    blocking: list[tuple[str, str, int]] = field(default_factory=list)
    sync_calls: list[tuple[str, int, str]] = field(default_factory=list)
    async_calls: list[AsyncCall] = field(default_factory=list)
    # What ``return``/``yield`` statements give (None: something unknown).
    returns: set[str | None] = field(default_factory=set)
    # Parameters filled by ``Depends(fn)`` with no telling annotation: name -> ``fn``.
    depends: dict[str, str] = field(default_factory=dict)
    # A sync def asking for the running loop or task (see ``ASKS_LOOP_FACT``).
    asks_loop: bool = False
    # A generator function: calling it only makes the generator (``GENERATOR_FACT``).
    generator: bool = False


class BlockingCallReachedFromAsync(ProjectRule):
    id = "ASY108"
    name = "blocking-call-reached-from-async"
    title = "Blocking call reached from async code through project functions"
    severity = Severity.WARNING
    peers = ("flake8-async ASYNC200",)
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
    `anyio.to_thread.run_sync` or `loop.run_in_executor` are not reported. Values
    other modules settle are followed too: a `Depends(get_repo)` parameter is what
    `get_repo` returns or yields, `self.repo` what `__init__` stored, an imported
    `pwd_context` or `SessionLocal` what its module made, so a call on them written in
    the async function itself is reported here. A library the project knows to block
    (an internal SDK) is listed in `[tool.fastaudit] blocking-calls`, with the async
    alternative to suggest, and followed the same way. When three or more async
    functions reach blocking work through the same sync function (the deepest one on
    their chains that async code calls itself, such as a client factory), that is one
    decision: it is reported once, at that function's blocking link, with every call
    site listed as a related location and counted in the message, and no per-call wrap.
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
        f"Unsafe: the fix wraps the call in `await run_in_threadpool(...)`; it {THREAD_NOTE}. "
        "No wrap is offered when the function called, or one it calls, asks for the "
        "running loop or task (`asyncio.get_running_loop`, `current_task`, "
        "`sniffio.current_async_library`): a worker thread has none, so it would do "
        "something else there. A finding standing for three or more async callers of "
        "one function offers no wrap: the remedy belongs in that function."
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
        if ctx.function is None and not self._classes and not _off_loop(ctx):
            bases = tuple(
                base
                for base in (ctx.resolve(b) for b in node.bases)
                if base is not None and might_be_project(base)
            )
            if bases:
                ctx.add_fact(BASES_FACT, (ctx.qualify(node.name), bases))
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
        if _off_loop(ctx):
            return
        # Only a def at module level or in a module-level class can be called by name
        # from elsewhere (``ctx.function`` is still the enclosing one here).
        named = ctx.function is None and len(self._classes) <= 1
        shown = f"{self._classes[-1]}.{node.name}" if self._classes else node.name
        if named:
            frame = _Frame(ctx.qualify(shown), shown, node.lineno, is_async)
            returns = annotation_value(generator_item(node.returns, ctx), ctx.resolve)
            if _worth_noting(returns):
                ctx.add_fact(RETURNS_FACT, (frame.qualname, returns))
                frame.returns.add(None)  # settled: what the body returns is not asked
        elif is_async:
            frame = _Frame("", node.name, node.lineno, is_async)
        else:
            return
        if is_async:
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                if annotation_value(arg.annotation, ctx.resolve) in _UNTYPED:
                    provider = depends_provider(ctx, node, arg.arg)
                    if provider is not None:
                        frame.depends[arg.arg] = provider
        self._frames[id(node)] = frame

    def _frame(self, ctx: FileContext) -> _Frame | None:
        function = ctx.function
        return self._frames.get(id(function.node)) if function is not None else None

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        frame = self._frame(ctx)
        if frame is not None and frame.qualname and node.value is not None:
            frame.returns.add(value_of(node.value, ctx.resolve))

    def visit_Yield(self, node: ast.Yield, ctx: FileContext) -> None:
        frame = self._frame(ctx)
        if frame is not None:
            frame.generator = True
        self.visit_Return(ast.Return(value=node.value), ctx)

    def visit_YieldFrom(self, node: ast.YieldFrom, ctx: FileContext) -> None:
        frame = self._frame(ctx)
        if frame is not None:
            frame.generator = True

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        self._note_binding(node.targets, node.value, None, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        self._note_binding([node.target], node.value, node.annotation, ctx)

    def _note_binding(
        self,
        targets: list[ast.expr],
        value: ast.expr | None,
        annotation: ast.expr | None,
        ctx: FileContext,
    ) -> None:
        """What a module-level name, a class attribute or ``self.x`` holds, when it is a
        value a call made (``SessionLocal = sessionmaker()``, ``self.repo = repo`` with
        ``repo: Repo``): read by the project pass for callees other files write."""
        # Where nothing would be noted whatever the value, it is not worked out: in a
        # test or a migration, in a function that is not a method of a top-level class.
        function = ctx.function
        if function is None:
            if _off_loop(ctx) or len(self._classes) > 1:
                return
        else:
            frame = self._frames.get(id(function.node))
            if frame is None or not frame.qualname or len(self._classes) != 1:
                return
            if not any(
                isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) for t in targets
            ):
                return  # only ``self.x = ...`` is noted in a method
        held = value_of(value, ctx.resolve) if value is not None else None
        if not _worth_noting(held):
            held = annotation_value(annotation, ctx.resolve)
        if held is None or not _worth_noting(held):
            return
        if function is None:
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if not self._classes:
                for name in names:
                    ctx.add_fact(MODULE_VALUE_FACT, (ctx.qualify(name), held))
            elif len(self._classes) == 1:
                for name in names:
                    ctx.add_fact(ATTRIBUTE_FACT, (ctx.qualify(self._classes[0]), name, held))
            return
        owner = ctx.qualify(self._classes[0])
        for target in targets:
            # ``self.repo = ...`` in a method: ``self`` is an instance of the class.
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and ctx.resolve(target.value) == f"{owner}()"
            ):
                ctx.add_fact(ATTRIBUTE_FACT, (owner, target.attr, held))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        frame = self._frame(ctx)
        if frame is None:
            return  # not in a function of ours: a class body, a decorator, module level
        callee = ctx.resolve(node.func)
        func = node.func
        if callee is None and isinstance(func, ast.Name) and ctx.is_module_binding(func.id):
            # A function of this module: its name binds no value (see ``engine.names``).
            callee = ctx.qualify(func.id)
        if hands_to_thread(callee, node):
            # ``run_in_threadpool(fn, x)`` runs ``fn`` in a thread: a reference, not a call,
            # so nothing of it is noted. A call written in its arguments
            # (``run_in_threadpool(fn(x))``) still runs here, on the loop, and is noted
            # like any other.
            return
        through = ""
        if frame.depends:
            # ``repo.save()`` where ``repo=Depends(get_repo)`` (untyped, or typed ``Any``):
            # the value ``get_repo`` returns, which the project pass knows.
            path = _attribute_path(func)
            if path is not None and path[0] in frame.depends:
                through = path[0]
                callee = ".".join([f"{frame.depends[through]}()", *path[1]])
        if callee is None:
            return
        if not frame.is_async and callee in LOOP_CALLS:
            frame.asks_loop = True
            return
        kind = blocking_kind(callee, node)
        if frame.is_async:
            parent = ctx.parent
            spawner = (
                parent.func.attr
                if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
                else getattr(getattr(parent, "func", None), "id", None)
            )
            if spawner in SPAWNERS and isinstance(parent, ast.Call) and node in parent.args:
                # ``asyncio.create_task(poll())``: the task outlives its caller (a
                # lifespan starting a listener that then runs while serving).
                ctx.add_fact(SPAWNED_FACT, callee)
            # A blocking call written here is ASY101-105's or ASY109's.
            if kind is None and _notable(callee, ctx):
                span = ctx.span(node)
                frame.async_calls.append(
                    (
                        callee,
                        span.line,
                        span.column,
                        span.end_line,
                        span.end_column,
                        ctx.text(func),
                        through,
                    )
                )
        elif kind is not None:
            frame.blocking.append((kind, ctx.text(func), node.lineno))
        elif _notable(callee, ctx):
            frame.sync_calls.append((callee, node.lineno, ctx.text(func)))

    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        frame = self._frames.pop(id(node), None)
        if frame is None or not frame.qualname:
            return
        self._note_returns(frame, ctx)
        if frame.asks_loop:
            ctx.add_fact(ASKS_LOOP_FACT, frame.qualname)
        if frame.generator:
            ctx.add_fact(GENERATOR_FACT, frame.qualname)
        if frame.blocking or frame.sync_calls or frame.asks_loop:
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
        if frame is None:
            return
        if frame.qualname:
            self._note_returns(frame, ctx)
        # Noted even without calls: a callee that is an ``async def`` is not followed.
        if frame.qualname or frame.async_calls:
            ctx.add_fact(
                ASYNC_FUNCTION_FACT, (frame.qualname, frame.shown, tuple(frame.async_calls))
            )

    @staticmethod
    def _note_returns(frame: _Frame, ctx: FileContext) -> None:
        """A function with no telling return annotation returns what every ``return``
        and ``yield`` in it gives, when that is one value (``yield SessionLocal()``)."""
        if len(frame.returns) == 1:
            (value,) = frame.returns
            if value is not None and _worth_noting(value):
                ctx.add_fact(RETURNS_FACT, (frame.qualname, value))

    # --------------------------------------------------------- the project pass
    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        graph = Graph.of(project)
        best = graph.shortest()
        # ``Depends(get_db)`` parameters ASY104 already reports at the call when
        # ``get_db`` hands out a sync session.
        providers = {provider for _, provider in facts(project, SYNC_SESSION_PROVIDER)}
        findings: list[Finding] = []
        # Findings whose call may not go to a thread: the function asks for the loop.
        unwrappable: set[tuple[str, Span]] = set()
        # Each finding through sync functions, with the first function of its chain.
        reached_through: list[tuple[int, int]] = []
        for path, (_, caller, calls) in graph.async_defs:
            for callee, line, column, end_line, end_column, written, through in calls:
                site = Span(line, column, end_line, end_column)
                direct = graph.blocking(callee)
                start: int | None = None
                if direct is not None:
                    value = graph.value(callee)
                    if through and callee.split("()", 1)[0] in providers:
                        continue
                    message, detail, related = self._describe_direct(
                        graph, direct, caller, written, through, value, path, site, callee
                    )
                else:
                    reached = [t for t in graph.targets(callee) if t in best]
                    if not reached:
                        continue
                    start = min(reached, key=lambda t: (best[t].depth, t))
                    asks_loop = next((t for t in graph.targets(callee) if graph.asks_loop(t)), None)
                    message, detail, related = self._describe(
                        graph, best, start, caller, path, site, asks_loop
                    )
                    if asks_loop is not None or any(
                        graph.is_generator(t) for t in graph.targets(callee)
                    ):
                        # In a thread, a generator function only makes its generator:
                        # the work runs as the caller iterates, on the loop.
                        unwrappable.add((path, site))
                finding = project.finding(
                    self,
                    path,
                    line,
                    message,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
                if start is not None:
                    reached_through.append((len(findings), start))
                findings.append(replace(finding, detail=detail, related=related))
        # The sync functions async code calls itself. A chain is keyed by the deepest of
        # them it passes through: below it the functions are shared with sync callers,
        # above it each caller's own way in; making that one function async (or moving
        # its blocking part out) settles every async caller whose chain goes through it.
        entries = {start for _, start in reached_through}
        for position, start in reached_through:
            key = start
            for index, _ in graph.chain(start, best):
                if index in entries:
                    key = index
            findings[position] = replace(findings[position], decision=graph.functions[key].qualname)
        return self._with_fixes(project, findings, unwrappable)

    @classmethod
    def merge(cls, findings: list[Finding]) -> list[Finding]:
        """Chains through one sync function (the ``decision`` key) from at least
        ``GROUPED_CALLERS`` async functions, as one finding at that function's link of
        the chain, every call site in ``related``; fewer stay one finding per call, each
        with its wrap."""
        callers = {(f.path, _caller_of(f)) for f in findings}
        if len(callers) < GROUPED_CALLERS:
            return findings
        shared = _common_tail([f.related for f in findings])
        if not shared:
            return findings
        head = shared[0]
        helper = _caller_of_label(head.label)
        names = " -> ".join(f"`{_caller_of_label(place.label)}`" for place in shared)
        chain = f"{names} -> {shared[-1].label.split(' calls ', 1)[1]}"
        shown = sorted({name for _, name in callers})
        listed = ", ".join(f"`{name}`" for name in shown[:2])
        more = f" and {len(shown) - 2} more" if len(shown) > 2 else ""
        message = (
            f"{chain} runs on the event loop for {len(callers)} async functions "
            f"({listed}{more}): make `{helper}` async or move its blocking part out of "
            "it, one change for every caller"
        )
        sites = tuple(
            replace(f.related[0], label=f.related[0].label + _through(f, len(shared)))
            for f in findings
        )
        detail = "\n".join(
            [
                message,
                "",
                "A thread wrap at each call would repeat that decision at every caller, "
                "so none is offered.",
                "",
                f"The chain, from `{helper}` to the blocking call:",
                *(f"  {place.path}:{place.line}  {place.label}" for place in shared),
                "",
                f"The {len(sites)} calls on the event loop that reach it:",
                *(f"  {place.path}:{place.line}  {place.label}" for place in sites),
            ]
        )
        first = findings[0]
        merged = replace(
            first,
            path=head.path,
            span=head.span or Span(head.line, 1, head.line, 1),
            message=message,
            detail=detail,
            related=(*shared, *sites),
            fix=None,
        )
        return [merged]

    @staticmethod
    def _with_fixes(
        project: ProjectView, findings: list[Finding], unwrappable: set[tuple[str, Span]]
    ) -> list[Finding]:
        """Each finding with its wrap in ``await run_in_threadpool(...)``, computed for
        the files that have findings only (see ``wrap_fixes``); none for a call of a
        function that asks for the running loop."""
        spans: dict[str, set[Span]] = {}
        for finding in findings:
            if (finding.path, finding.span) in unwrappable:
                continue
            spans.setdefault(finding.path, set()).add(finding.span)
        spans = {path: wanted for path, wanted in spans.items() if wanted}
        fixes = wrap_fixes(project, spans)
        return [
            replace(f, fix=fixes[f.path].get(f.span) if f.path in fixes else None) for f in findings
        ]

    @staticmethod
    def _kind(rule: str, graph: Graph) -> tuple[str, str]:
        """How a chain's blocking call is named ("(ASY104: a sync database call)"), and
        the remedy besides a thread: CPU-bound work has no async form; a call the
        project lists as blocking has the async alternative it names, if any."""
        if rule.startswith(CONFIGURED):
            pattern = rule.removeprefix(CONFIGURED)
            alternative = graph.configured.get(pattern, "")
            remedy = f"use `{alternative}`, or " if alternative else ""
            return f"(`{pattern}` in blocking-calls)", remedy
        matcher = matchers()[rule]
        remedy = "make the chain async, or " if matcher.has_async_form else ""
        return f"({rule}: {matcher.kind})", remedy

    def _describe_direct(
        self,
        graph: Graph,
        rule: str,
        caller: str,
        written: str,
        through: str,
        value: str,
        path: str,
        site: Span,
        callee: str,
    ) -> tuple[str, str, tuple[Location, ...]]:
        """A blocking call written in the async function: on a value only other files
        settle (an imported ``pwd_context``, ``SessionLocal``, a ``Depends`` value), or
        one the project lists in ``blocking-calls`` as written (``zlib.compress``)."""
        kind, remedy = self._kind(rule, graph)
        settled = through or value != callee
        if through:
            where = f" (`{through}` comes from `Depends`)"
        elif settled:
            where = " (another module says so)"
        else:
            where = ""
        message = (
            f"`{caller}` calls `{written}` {kind} on the event loop{where}: {remedy}"
            "call it through `await run_in_threadpool(...)`"
        )
        place = Location(path, site.line, f"`{caller}` calls `{written}` {kind}", site)
        origin = (
            [f"`{written}` is `{value}`, from what the project's other modules define."]
            if settled
            else []
        )
        detail = "\n".join(
            [
                message,
                "",
                *origin,
                "The chain, from the event loop to the blocking call:",
                f"  {place.path}:{place.line}  {place.label}",
            ]
        )
        return message, detail, (place,)

    def _describe(
        self,
        graph: Graph,
        best: dict[int, Step],
        start: int,
        caller: str,
        path: str,
        site: Span,
        asks_loop: int | None = None,
    ) -> tuple[str, str, tuple[Location, ...]]:
        """The message, the detail (the message and the chain as text) and the chain's
        links as locations: the call in the async function, each function's call of the
        next, the blocking call. When the called function (``asks_loop``) asks for the
        running loop, a thread is not offered: there it would find none."""
        steps = list(graph.chain(start, best))
        chain = [(graph.functions[i], step) for i, step in steps]
        index = steps[-1][0]
        last, step = chain[-1]
        # The first blocking call written in the last function (its step's line).
        rule, written, _ = next(b for b in graph.blocking_of(index) if b[2] == step.line)
        kind, remedy = self._kind(rule, graph)
        first = chain[0][0].shown
        names = " -> ".join(f"`{function.shown}`" for function, _ in chain)
        if asks_loop is None:
            advice = f"{remedy}call `{first}` through `await run_in_threadpool(...)`"
        else:
            asker = graph.functions[asks_loop].shown
            why = (
                f"`{asker}` or a function it calls asks for the running event loop, "
                "which a worker thread does not have"
            )
            if remedy:
                advice = f"{remedy.removesuffix(', or ')} (not in a worker thread: {why})"
            else:
                advice = f"move the blocking call out of the chain (not to a thread: {why})"
        message = f"`{caller}` calls {names} -> `{written}` {kind} on the event loop: {advice}"
        related = [Location(path, site.line, f"`{caller}` calls `{first}`", site)]
        for (function, link), (following, _) in pairwise(chain):
            related.append(
                Location(function.path, link.line, f"`{function.shown}` calls `{following.shown}`")
            )
        related.append(Location(last.path, step.line, f"`{last.shown}` calls `{written}` {kind}"))
        links = [f"  {place.path}:{place.line}  {place.label}" for place in related]
        detail = "\n".join(
            [message, "", "The chain, from the event loop to the blocking call:", *links]
        )
        return message, detail, tuple(related)


def _notable(callee: str, ctx: FileContext) -> bool:
    """Whether the project pass may need the call: one to the project's own code, or one
    the project lists in ``blocking-calls`` (a library's or the standard library's name
    included: ``zlib.compress``)."""
    if might_be_project(callee):
        return True
    matcher = _configured(ctx.options.blocking_calls)
    return matcher is not None and matcher.fullmatch(written_name(callee)) is not None


@functools.cache
def _configured(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return configured_matcher(dict.fromkeys(patterns, ""))
