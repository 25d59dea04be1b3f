"""RTE105 (duplicate-route): the same method and full path declared twice in one app."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import is_migration_path, is_test_path
from fastaudit.engine.project_index import same_qualname
from fastaudit.model import Finding, Location, Severity
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.route_calls import keyword_arg, route_methods, route_path
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# (qualname, is an app, prefix) of a module-level ``X = APIRouter(prefix=...)`` or
# ``X = FastAPI(...)``; a prefix that is not a literal is kept as its source text.
MADE_FACT = "rte105-made"
# (into, router, prefix, into is an app) of ``into.include_router(router, prefix=...)``.
INCLUDE_FACT = "rte105-include"
# (owner, methods, path, line, column, end_line, end_column, endpoint) of a route.
ROUTE_FACT = "rte105-route"

_APP = "fastapi.FastAPI()"
_ROUTER_CALLS = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter"})
_APP_CALLS = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
# ``{item_id}`` and ``{id}`` match the same URLs; a converter changes what matches.
_PARAM = re.compile(r"\{\s*[^\W\d]\w*\s*(:\s*\w+\s*)?\}")
_MAX_DEPTH = 12


def _shape(path: str) -> str:
    def one(match: re.Match[str]) -> str:
        converter = (match.group(1) or "").replace(" ", "")
        return "{}" if converter in ("", ":str") else "{" + converter + "}"

    return _PARAM.sub(one, path)


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class DuplicateRoute(ProjectRule):
    id = "RTE105"
    name = "duplicate-route"
    title = "The same method and path declared twice in one app"
    severity = Severity.WARNING
    peers = ("fastapi-doctor correctness/duplicate-route",)
    rationale = """
    Starlette tries routes in the order they were registered and the first whose method
    and path match answers. A second `GET /users/{id}`, whether in the same router or
    in another router that ends up under the same prefix, is never reached: its code,
    its dependencies and its documented response are dead, and the OpenAPI document
    lists one of them. The full path is put together the way FastAPI does: the
    router's own `prefix=`, then each `include_router(..., prefix=...)` up to the app
    (a prefix that is not a literal is compared by its source text); parameter names do
    not count (`{id}` and `{user_id}` match the same URLs), converters do. Routes in
    tests, inside functions or under `if` are left alone, as are routers whose way into
    the app cannot be read (built by a function, included in a loop). fastapi-doctor's
    `duplicate-route` compares the paths written on the decorators only. Apps rarely
    keep one for long (none of the calibration set has one); it appears while routers
    are moved, merged or re-prefixed, which is when it is worth a warning.
    """
    dont = """
    # app/users/router.py
    router = APIRouter(prefix="/users")

    @router.get("/{user_id}")
    async def read_user(user_id: int) -> UserOut: ...

    # app/admin/router.py
    router = APIRouter()

    @router.get("/users/{id}")          # the same URL once included at ""
    async def read_user_admin(id: int) -> AdminUserOut: ...
    """
    do = """
    # app/admin/router.py
    router = APIRouter(prefix="/admin")

    @router.get("/users/{id}")          # GET /admin/users/{id}: its own URL
    async def read_user_admin(id: int) -> AdminUserOut: ...
    """
    dont_files = {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI

            from app.admin.router import router as admin_router
            from app.users.router import router as users_router

            app = FastAPI()
            app.include_router(users_router)
            app.include_router(admin_router)
            """,
        "app/users/__init__.py": "",
        "app/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")


            @router.get("/{user_id}")
            async def read_user(user_id: int) -> dict:
                return {"id": user_id}
            """,
        "app/admin/__init__.py": "",
        "app/admin/router.py": """
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/users/{id}")
            async def read_user_admin(id: int) -> dict:
                return {"id": id, "admin": True}
            """,
    }
    do_files = {
        **dont_files,
        "app/admin/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/admin")


            @router.get("/users/{id}")
            async def read_user_admin(id: int) -> dict:
                return {"id": id, "admin": True}
            """,
    }

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        value = node.value
        if (
            not isinstance(value, ast.Call)
            or len(node.targets) != 1
            or not isinstance(node.targets[0], ast.Name)
            or not isinstance(ctx.parent, ast.Module)
            or is_test_path(ctx.path)
        ):
            return
        made = ctx.resolve(value.func)
        if made in _ROUTER_CALLS or made in _APP_CALLS:
            ctx.add_fact(
                MADE_FACT,
                (ctx.qualify(node.targets[0].id), made in _APP_CALLS, _prefix(value, ctx)),
            )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if (
            not isinstance(func, ast.Attribute)
            or func.attr != "include_router"
            or not node.args
            or is_test_path(ctx.path)
        ):
            return
        into, router = _qualified(func.value, ctx), _qualified(node.args[0], ctx)
        if into and router:
            is_app = ctx.resolve(func.value) == _APP
            ctx.add_fact(INCLUDE_FACT, (into, router, _prefix(node, ctx), is_app))

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        if (
            not node.decorator_list
            or not isinstance(ctx.parent, ast.Module)
            or is_test_path(ctx.path)
            or is_migration_path(ctx.path)
        ):
            return
        route = ctx.route_decorator(node)
        if route is None or any(k.arg is None for k in route.keywords):
            return
        path = route_path(route)
        owner = route.func.value if isinstance(route.func, ast.Attribute) else None
        qualified = _qualified(owner, ctx) if owner is not None else None
        methods = route_methods(route)
        if path is None or qualified is None or not methods:
            return
        written = keyword_arg(route, "methods")
        if written is not None and not isinstance(written.value, (ast.List, ast.Tuple, ast.Set)):
            return  # ``api_route(methods=VERBS)``: not known here
        span = ctx.span(path)
        ctx.add_fact(
            ROUTE_FACT,
            (
                qualified,
                tuple(methods),
                str(path.value),
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                node.name,
            ),
        )

    visit_AsyncFunctionDef = visit_FunctionDef

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        made: dict[str, tuple[bool, str]] = {}
        includes: list[tuple[str, str, str, bool]] = []
        routes: list[tuple[str, tuple[str, ...], str, int, int, int, int, str, str]] = []
        for path in project.python_files:
            for qualname, is_app, prefix in file_facts(project, path, MADE_FACT):
                made[qualname] = (is_app, prefix)
            includes.extend(file_facts(project, path, INCLUDE_FACT))
            routes.extend((*fact, path) for fact in file_facts(project, path, ROUTE_FACT))
        mounts = _Mounts(made, includes)
        seen: dict[tuple[str, str, str], tuple[str, int, int, int, int, str, str]] = {}
        findings: list[Finding] = []
        routes.sort(key=lambda r: (r[8], r[3], r[4]))
        for owner, methods, path, line, column, end_line, end_column, endpoint, file in routes:
            reported = False
            for app, prefix in sorted(mounts.places(owner)):
                full = prefix + path
                for method in methods:
                    key = (app, method, _shape(full))
                    here = (file, line, column, end_line, end_column, endpoint, full)
                    first = seen.setdefault(key, here)
                    if first is here or reported or first[:2] == (file, line):
                        continue
                    reported = True
                    findings.append(_finding(self, project, method, here, first))
        return findings


def _finding(
    rule: DuplicateRoute,
    project: ProjectView,
    method: str,
    here: tuple[str, int, int, int, int, str, str],
    first: tuple[str, int, int, int, int, str, str],
) -> Finding:
    file, line, column, end_line, end_column, endpoint, full = here
    other_file, other_line, *_, other_endpoint, _ = first
    finding = project.finding(
        rule,
        file,
        line,
        f"`{method} {full}` (`{endpoint}`) is already declared by `{other_endpoint}` "
        f"({other_file}:{other_line}): both answer the same requests and only the one "
        "registered first ever runs",
        column=column,
        end_line=end_line,
        end_column=end_column,
    )
    label = f"`{other_endpoint}` declares `{method} {full}` first"
    return replace(finding, related=(Location(other_file, other_line, label),))


class _Mounts:
    """Where each router ends up: (app, the prefix before its routes' paths)."""

    def __init__(
        self, made: dict[str, tuple[bool, str]], includes: list[tuple[str, str, str, bool]]
    ) -> None:
        self.made = made
        self.includes = includes
        included = {router for _, router, _, _ in includes}
        # An app: built by ``FastAPI()``, or something routers are included into that
        # is itself included nowhere (``app = create_app()``).
        self.apps = {name for name, (is_app, _) in made.items() if is_app}
        for into, _, _, into_is_app in includes:
            if into_is_app or not any(same_qualname(into, r) for r in included):
                self.apps.add(into)
        self._memo: dict[str, set[tuple[str, str]]] = {}

    def _own_prefix(self, router: str) -> str | None:
        for name, (is_app, prefix) in self.made.items():
            if same_qualname(name, router):
                return "" if is_app else prefix
        return None

    def places(self, owner: str, depth: int = 0) -> set[tuple[str, str]]:
        if owner in self._memo:
            return self._memo[owner]
        self._memo[owner] = set()  # a cycle reaches nothing
        found: set[tuple[str, str]] = set()
        app = next((a for a in self.apps if same_qualname(a, owner)), None)
        if app is not None:
            found.add((app, ""))
        elif depth < _MAX_DEPTH:
            own = self._own_prefix(owner)
            if own is not None:
                for into, router, prefix, _ in self.includes:
                    if same_qualname(router, owner):
                        for root, above in self.places(into, depth + 1):
                            found.add((root, above + prefix + own))
        self._memo[owner] = found
        return found


def _prefix(call: ast.Call, ctx: FileContext) -> str:
    keyword = keyword_arg(call, "prefix")
    if keyword is None:
        return ""
    value = keyword.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return "⟨" + " ".join(ctx.text(value).split()) + "⟩"


def _qualified(node: ast.expr, ctx: FileContext) -> str | None:
    """The project-wide name of an app or router: ``pkg.admin.router`` for a name
    imported from there, ``<this module>.router`` for one assigned here."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        resolved = ctx.resolve(node)  # ``users.router`` after ``from app import users``
        return resolved if resolved and not resolved.endswith(")") else None
    if not isinstance(node, ast.Name):
        return None
    resolved = ctx.resolve(node)
    if resolved is None or resolved.endswith(")"):
        return ctx.qualify(node.id)  # bound in this module (to a call's result)
    return resolved
