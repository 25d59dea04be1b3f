"""ASY107 (sync-route-without-blocking-work): Sync route that does no blocking work."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.project_index import ANNOTATED_ALIAS
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import DEPENDS_MARKERS, annotated_dependency_aliases
from fastaudit.rules.async_code._shared import SyncFunctionFacts, def_header
from fastaudit.rules.base import Rule


class SyncRouteWithoutBlockingWork(SyncFunctionFacts, Rule):
    id = "ASY107"
    name = "sync-route-without-blocking-work"
    title = "Sync route that does no blocking work"
    severity = Severity.INFO
    rationale = """
    A `def` route is sent to the threadpool, the right place for blocking calls. A route
    whose body makes no call that could block (it builds a dict, checks its arguments,
    raises `HTTPException`) gains nothing there and pays a thread hop per request, while
    holding one of the pool's 40 threads. Declare it `async def`. The body must call only
    builtins, pure standard-library modules, classes of its own module, string methods
    or `HTTPException`; any other call keeps the route unreported. So does returning
    something a dependency handed in (`order = Depends(...)`, or a parameter typed with
    an `Annotated[..., Depends(...)]` alias such as `user: CurrentUser`, defined in the
    same file or in another module of the project): it may be an ORM row whose
    serialisation lazy-loads relationships, and those queries belong in the threadpool,
    not on the event loop. Routes in test files are left alone.
    """
    dont = """
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/health")
    def health() -> dict:
        return {"status": "ok"}
    """
    do = """
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/health")
    async def health() -> dict:
        return {"status": "ok"}
    """
    extra_valid = (
        # Blocking work: exactly what sync routes are for.
        """
        import requests
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/weather")
        def weather() -> dict:
            return requests.get("https://weather.test", timeout=3).json()
        """,
        # An unknown helper might block.
        """
        from fastapi import APIRouter
        from app.reports import build_report
        router = APIRouter()

        @router.get("/report")
        def report() -> dict:
            return build_report()
        """,
        # Not a route.
        """
        def health() -> dict:
            return {"status": "ok"}
        """,
        # Returns a row a dependency loaded: serialising it may lazy-load, keep it sync.
        """
        from fastapi import APIRouter
        from app.deps import CurrentUser
        router = APIRouter()

        @router.get("/me")
        def read_me(user: CurrentUser) -> dict:
            return user
        """,
        # The same through an alias of this file.
        """
        from typing import Annotated
        from fastapi import APIRouter, Depends
        from app.deps import load_case
        from app.models import Case
        router = APIRouter()
        CurrentCase = Annotated[Case, Depends(load_case)]

        @router.get("/cases/{case_id}")
        def read_case(case: CurrentCase):
            return case
        """,
    )
    extra_invalid = (
        # An alias for a query parameter hands in plain data, nothing to lazy-load.
        """
        from typing import Annotated
        from fastapi import APIRouter, Query
        router = APIRouter()
        PageSize = Annotated[int, Query(le=100)]

        @router.get("/page")
        def page(size: PageSize) -> dict:
            return {"size": size}
        """,
        """
        from datetime import datetime, timezone
        from fastapi import FastAPI, HTTPException
        app = FastAPI()

        @app.get("/echo/{word}")
        def echo(word: str) -> dict:
            if not word.isalpha():
                raise HTTPException(status_code=422)
            return {"word": word.upper(), "at": datetime.now(timezone.utc).isoformat()}
        """,
    )

    def __init__(self) -> None:
        # id() of each sync route -> its parameters that may hold loaded rows: None when
        # they may for sure, else the imported alias whose definition the project settles.
        self._loaded_params: dict[int, dict[str, str | None]] = {}
        # id() of each sync route -> what its returned parameters were (as above).
        self._returns_loaded: dict[int, set[str | None]] = {}
        self._aliases: dict[str, bool] | None = None

    def aliases(self, ctx: FileContext) -> dict[str, bool]:
        if self._aliases is None:
            self._aliases = _annotated_aliases(ctx)
        return self._aliases

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        super().visit_FunctionDef(node, ctx)
        if ctx.route_decorator(node) is not None:
            self._loaded_params[id(node)] = _loaded_params(node, ctx, self.aliases(ctx))

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        function = ctx.function
        if function is None or node.value is None:
            return
        params = self._loaded_params.get(id(function.node))
        if not params:
            return
        for inner in walk(node.value):
            if isinstance(inner, ast.Name) and inner.id in params:
                self._returns_loaded.setdefault(id(function.node), set()).add(params[inner.id])

    def finish(self, ctx: FileContext) -> None:
        # Other files' routes may be typed with this file's aliases.
        module = f"{ctx.module}." if ctx.module else ""
        for name, carries in self.aliases(ctx).items():
            ctx.add_fact(ANNOTATED_ALIAS, (module + name, carries))
        if is_test_path(ctx.path):
            return  # a route of a throwaway app in a test
        for _, frame in self.sync_facts(ctx).pure_routes:
            returned = self._returns_loaded.get(id(frame.node), set())
            if None in returned:
                continue  # async, its lazy loads would run on the event loop
            # What it returns was typed with aliases imported from the project: reported
            # only if they all turn out to hold plain request data.
            aliases = sorted(r for r in returned if r is not None)  # no None: skipped above
            when = ("plain-annotated-aliases", " ".join(aliases)) if returned else None
            ctx.report(
                def_header(frame.node),
                f"`def {frame.node.name}` is a sync route whose body makes no call that "
                "could block: FastAPI still runs it in the threadpool; make it `async def`",
                when=when,
            )


def _annotated_aliases(ctx: FileContext) -> dict[str, bool]:
    """The file's module-level ``Annotated`` aliases -> whether their metadata holds
    ``Depends(...)``/``Security(...)``: ``CurrentCase = Annotated[Case, Depends(get)]``
    hands a route what a dependency loaded, ``PageSize = Annotated[int, Query()]`` plain
    request data."""
    return {name: bool(calls) for name, calls in annotated_dependency_aliases(ctx).items()}


# Annotations of parameters that hold plain request data, never loaded rows.
_PLAIN_ANNOTATIONS = ("builtins.", "typing.", "datetime.", "uuid.", "decimal.", "fastapi.")


def _loaded_params(
    node: ast.FunctionDef, ctx: FileContext, aliases: dict[str, bool]
) -> dict[str, str | None]:
    """Parameters of a route that may hold objects loaded by a dependency (ORM rows
    whose serialisation can lazy-load): ``= Depends(...)``, ``Annotated[..., Depends()]``,
    an alias of the file for either (``CurrentCase``), and annotations naming a project
    type. Those map to None; a project name that may be an ``Annotated`` alias defined
    in another file maps to its qualified name, for the project index to settle."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = [
        *zip(positional, defaults, strict=True),
        *zip(args.kwonlyargs, args.kw_defaults, strict=True),
    ]
    found: dict[str, str | None] = {}
    for arg, default in pairs:
        if isinstance(default, ast.Call) and ctx.resolve(default.func) in DEPENDS_MARKERS:
            found[arg.arg] = None
            continue
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript):
            inner = annotation.slice
            extras = inner.elts[1:] if isinstance(inner, ast.Tuple) else []
            if any(
                isinstance(e, ast.Call) and ctx.resolve(e.func) in DEPENDS_MARKERS for e in extras
            ):
                found[arg.arg] = None
        elif isinstance(annotation, ast.Name) and annotation.id in aliases:
            if aliases[annotation.id]:
                found[arg.arg] = None
        elif isinstance(annotation, (ast.Name, ast.Attribute)):
            resolved = ctx.resolve(annotation)
            if resolved is None or resolved.startswith(_PLAIN_ANNOTATIONS):
                continue
            own = resolved.startswith(f"{ctx.module}.") if ctx.module else "." not in resolved
            # A class of this file is no alias; an imported name may be either.
            found[arg.arg] = None if own else resolved
    return found
