"""RTE109 (http-exception-in-service): `HTTPException` raised below the routes."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import TYPE_FOLDERS, is_migration_path, is_test_path
from fastaudit.engine.names import same_qualname
from fastaudit.model import Finding, Location, Severity
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.route_calls import (
    DEPENDS_MARKERS,
    HTTP_EXCEPTIONS,
    keyword_arg,
    status_number,
)
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# (raised class, line, column, end_line, end_column, function, status or 0) of a
# ``raise`` in a service-layer module; the class is a project class that may derive
# from HTTPException, or HTTPException itself.
RAISE_FACT = "rte109-raise"

# Modules of the service layer: named so (``service.py``, ``crud_user.py``) or kept in a
# folder of that kind (layout.TYPE_FOLDERS: ``services/``, ``crud/``, ``repositories/``).
_SERVICE_ROLES = frozenset({"service", "repository", "crud"})
_SERVICE_STEMS = frozenset(
    {"service", "services", "repository", "repositories", "crud", "use_cases", "usecases"}
)
_SERVICE_SUFFIXES = ("_service", "_services", "_repository", "_repo", "_crud", "_usecases")
# Parameters that make a function part of the HTTP edge: a request, a response, a
# dependency or a request parameter marker.
_EDGE_TYPES = frozenset(
    {
        "fastapi.Request",
        "fastapi.Response",
        "fastapi.WebSocket",
        "fastapi.requests.HTTPConnection",
        "fastapi.security.SecurityScopes",
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
        "starlette.websockets.WebSocket",
        "starlette.responses.Response",
    }
)
_EDGE_MARKERS = DEPENDS_MARKERS | frozenset(
    f"fastapi.{name}" for name in ("Query", "Path", "Header", "Cookie", "Body", "Form", "File")
)
_ROUTE_MAKERS = frozenset(("APIRouter(", "FastAPI("))
_MAX_DEPTH = 20

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def is_service_module(path: str) -> bool:
    """A module of the service layer by its name or its folder, outside tests."""
    if is_test_path(path) or is_migration_path(path):
        return False
    parts = path.removesuffix(".py").split("/")
    stem, folders = parts[-1], parts[:-1]
    if stem == "__init__" and folders:
        stem, folders = folders[-1], folders[:-1]
    if stem in _SERVICE_STEMS or stem.endswith(_SERVICE_SUFFIXES) or stem.startswith("crud_"):
        return True
    return any(TYPE_FOLDERS.get(folder) in _SERVICE_ROLES for folder in folders)


class HttpExceptionInService(ProjectRule):
    id = "RTE109"
    name = "http-exception-in-service"
    title = "`HTTPException` raised from the service layer"
    severity = Severity.INFO
    default_enabled = False  # a layering choice many apps make on purpose
    peers = ("fastapi-doctor architecture/httpexception-in-service",)
    rationale = """
    A service, repository or CRUD module holds what the application does, apart from
    how it is reached. Raising `HTTPException` there (or a project exception deriving
    from it) puts HTTP into that layer: the service picks status codes and client
    messages, a background job, CLI or test calling it gets an HTTP error to unpick,
    and the same "not found" cannot be a 404 on one route and a 409 on another. The
    usual split is a domain exception (`ItemNotFound`) raised by the service and
    turned into a response at the edge: an exception handler
    (`@app.exception_handler(ItemNotFound)`) or the route. Service-layer modules are
    told by name or folder (`service.py`, `crud_user.py`, `services/`, `crud/`,
    `repositories/`); modules that define routes are left out, as are functions that
    belong to the edge (taking `Depends`/`Security`, a `Request` or a request
    parameter marker). Many apps raise HTTP errors from services on purpose, so this
    is one decision: one finding lists every place, and the rule is opt-in.
    fastapi-doctor's `httpexception-in-service` looks for `HTTPException` in files
    named like services; ours also follows project subclasses of `HTTPException` and
    leaves dependencies alone.
    """
    dont = """
    # app/items/service.py
    from fastapi import HTTPException

    async def get_item(session: AsyncSession, item_id: int) -> Item:
        item = await session.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    """
    do = """
    # app/items/service.py
    class ItemNotFound(Exception):
        pass

    async def get_item(session: AsyncSession, item_id: int) -> Item:
        item = await session.get(Item, item_id)
        if item is None:
            raise ItemNotFound(item_id)
        return item

    # app/main.py
    @app.exception_handler(ItemNotFound)
    async def item_not_found(request: Request, exc: ItemNotFound) -> JSONResponse:
        return JSONResponse({"detail": "Item not found"}, status_code=404)
    """
    dont_files = {
        "app/__init__.py": "",
        "app/items/__init__.py": "",
        "app/items/service.py": """
            from fastapi import HTTPException


            def get_item(items: dict[int, str], item_id: int) -> str:
                if item_id not in items:
                    raise HTTPException(status_code=404, detail="Item not found")
                return items[item_id]
            """,
    }
    do_files = {
        "app/__init__.py": "",
        "app/items/__init__.py": "",
        "app/items/service.py": """
            class ItemNotFound(Exception):
                pass


            def get_item(items: dict[int, str], item_id: int) -> str:
                if item_id not in items:
                    raise ItemNotFound(item_id)
                return items[item_id]
            """,
        "app/main.py": """
            from fastapi import FastAPI, Request
            from fastapi.responses import JSONResponse

            from app.items.service import ItemNotFound

            app = FastAPI()


            @app.exception_handler(ItemNotFound)
            async def item_not_found(request: Request, exc: ItemNotFound) -> JSONResponse:
                return JSONResponse({"detail": "Item not found"}, status_code=404)
            """,
    }

    def __init__(self) -> None:
        self._active = False

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        text = ctx.source.text
        self._active = (
            "raise" in text
            and is_service_module(ctx.path)
            and not any(maker in text for maker in _ROUTE_MAKERS)
            and not any(
                isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
                and ctx.route_decorator(stmt) is not None
                for stmt in node.body
            )
        )

    def visit_Raise(self, node: ast.Raise, ctx: FileContext) -> None:
        if not self._active or node.exc is None:
            return
        exc = node.exc
        call = exc if isinstance(exc, ast.Call) else None
        target = call.func if call is not None else exc
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return
        raised = ctx.resolve(target)
        if raised is None and isinstance(target, ast.Name):
            raised = ctx.qualify(target.id)  # a class defined in this module
        if raised is None:
            return
        raised = raised.removesuffix("()")  # ``raise NOT_FOUND`` bound to an instance
        if raised not in HTTP_EXCEPTIONS and not ctx.is_own(raised):
            return
        function = ctx.function
        if function is not None and _at_the_edge(function.node, ctx):
            return
        status = 0
        if call is not None:
            written = call.args[0] if call.args else keyword_arg(call, "status_code")
            value = written.value if isinstance(written, ast.keyword) else written
            status = status_number(value) or 0
        span = ctx.span(node)
        ctx.add_fact(
            RAISE_FACT,
            (
                raised,
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                function.name if function is not None else "",
                status,
            ),
        )

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        derives = _Derives(project)
        places: list[tuple[str, int, int, int, int, str, str, int]] = []
        for path in sorted(project.python_files):
            for raised, line, column, end_line, end_column, function, status in file_facts(
                project, path, RAISE_FACT
            ):
                if derives.http_exception(raised):
                    places.append(
                        (path, line, column, end_line, end_column, function, raised, status)
                    )
        if not places:
            return []
        labels = [_label(place) for place in places]
        path, line, column, end_line, end_column, *_ = places[0]
        files = len({place[0] for place in places})
        count = f"{len(places)} place{'s' if len(places) > 1 else ''}"
        where = f"in {files} service-layer module{'s' if files > 1 else ''}"
        first = labels[0] + (f"; also {', '.join(labels[1:3])}" if len(places) > 1 else "")
        more = f" and {len(places) - 3} more" if len(places) > 3 else ""
        message = (
            f"HTTP errors are raised {where} ({count}): {first}{more}. Raise domain "
            "exceptions there and turn them into responses at the edge (an exception "
            "handler or the route)"
        )
        finding = project.finding(
            self, path, line, message, column=column, end_line=end_line, end_column=end_column
        )
        detail = message + "\n\nEvery place:\n" + "\n".join(f"  {label}" for label in labels)
        related = tuple(
            Location(p[0], p[1], label) for p, label in zip(places[1:], labels[1:], strict=True)
        )
        return [replace(finding, detail=detail, related=related)]


def _label(place: tuple[str, int, int, int, int, str, str, int]) -> str:
    path, line, _, _, _, function, raised, status = place
    name = raised.rpartition(".")[2]
    what = f"`{name}({status})`" if status else f"`{name}`"
    if raised not in HTTP_EXCEPTIONS:
        what += " (an `HTTPException`)"
    inside = f" in `{function}`" if function else ""
    return f"{what}{inside} ({path}:{line})"


def _at_the_edge(function: FunctionNode | ast.Lambda, ctx: FileContext) -> bool:
    """Whether the function takes what only the HTTP edge hands out: a dependency, a
    request parameter marker, a request or response object."""
    if isinstance(function, ast.Lambda):
        return False
    args = function.args
    for default in (*args.defaults, *args.kw_defaults):
        if isinstance(default, ast.Call) and ctx.resolve(default.func) in _EDGE_MARKERS:
            return True
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        annotation = arg.annotation
        if annotation is None:
            continue
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
            if ctx.resolve(annotation.value) == "typing.Annotated" and any(
                isinstance(marker, ast.Call) and ctx.resolve(marker.func) in _EDGE_MARKERS
                for marker in annotation.slice.elts[1:]
            ):
                return True
            continue
        resolved = ctx.resolve(annotation)
        if resolved in _EDGE_TYPES:
            return True
        if isinstance(annotation, ast.Name) and annotation.id.endswith("Dep"):
            return True  # ``session: SessionDep``: an ``Annotated[..., Depends()]`` alias
    return False


class _Derives:
    """Whether a project class derives from ``HTTPException``, through project classes."""

    def __init__(self, project: ProjectView) -> None:
        self._classes: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        for outcome in project.outcomes.values():
            for info in outcome.classes:
                module, _, name = info.qualname.rpartition(".")
                self._classes[name].append((module, info.bases))
        self._memo: dict[str, bool] = {}

    def http_exception(self, qualname: str, depth: int = 0) -> bool:
        if qualname in HTTP_EXCEPTIONS:
            return True
        if depth > _MAX_DEPTH or not qualname:
            return False
        if qualname in self._memo:
            return self._memo[qualname]
        self._memo[qualname] = False  # a cycle derives from nothing
        module, _, name = qualname.rpartition(".")
        answer = any(
            self.http_exception(base, depth + 1)
            for defined_in, bases in self._classes.get(name, ())
            if not module or same_qualname(defined_in, module)
            for base in bases
        )
        self._memo[qualname] = answer
        return answer
