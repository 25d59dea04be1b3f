"""DOC103 (undocumented-route): Route without summary, description, tags or error responses."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.project_index import (
    DOCUMENTED_ROUTER,
    INCLUDED,
    MOUNTED,
    ROUTE_DOCS,
    UNPUBLISHED_APP,
    errors_clause,
)
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import HTTP_EXCEPTIONS, keyword_arg, status_number
from fastaudit.rules.api_docs._shared import FunctionNode, has_splat, route_label
from fastaudit.rules.base import Rule


@dataclass(slots=True)
class _Documented:
    route: ast.Call
    node: FunctionNode
    raised: list[int] = field(default_factory=list)


class UndocumentedRoute(Rule):
    id = "DOC103"
    name = "undocumented-route"
    title = "Route without summary, description, tags or error responses"
    severity = Severity.INFO
    default_enabled = False
    peers = ("ruff FAST004", "flake8-fastapi CF009")
    rationale = """
    The interactive docs and generated clients are only as good as what each route
    declares: a `summary=` or `description=` (a docstring becomes the description),
    `tags=` to group routes, and `responses=` for the error statuses it raises. This
    rule is opinionated and off unless selected (`select = ["DOC103"]`). Tags are only
    asked of routes declared on the `FastAPI()` app itself, since routers are usually
    tagged where they are included; error statuses are those raised as
    `HTTPException` directly in the route's body. That last part is what ruff's
    proposed FAST004 and flake8-fastapi's CF009 check; it also counts the
    `responses=` of the route's router and of every `include_router` above it, and
    the 422 FastAPI lists itself for every route with a parameter to validate.
    """
    dont = """
    from fastapi import FastAPI, HTTPException

    app = FastAPI()


    @app.get("/orders/{order_id}")
    async def get_order(order_id: int) -> dict:
        if order_id < 1:
            raise HTTPException(status_code=404)
        return {"id": order_id}
    """
    do = """
    from fastapi import FastAPI, HTTPException, status

    app = FastAPI()


    @app.get(
        "/orders/{order_id}",
        summary="Read one order",
        tags=["orders"],
        responses={status.HTTP_404_NOT_FOUND: {"description": "No such order"}},
    )
    async def get_order(order_id: int) -> dict:
        if order_id < 1:
            raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
        return {"id": order_id}
    """
    extra_valid = (
        # A docstring is the description; routers are tagged at include time.
        """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/health")
        async def health() -> dict:
            '''Liveness probe.'''
            return {}
        """,
        """
        from fastapi import APIRouter, HTTPException
        from app.docs import ERRORS
        router = APIRouter()

        @router.get("/x", description="X.", responses=ERRORS)
        async def x() -> dict:
            raise HTTPException(409)
        """,
    )
    extra_invalid = (
        """
        from fastapi import APIRouter, HTTPException
        router = APIRouter()

        @router.get("/x", summary="X", responses={404: {"description": "gone"}})
        async def x() -> dict:
            raise HTTPException(409, "conflict")
        """,
    )

    calls = CallFilter.of(attrs=["include_router", "mount", "host"])

    def __init__(self) -> None:
        self._routes: dict[int, _Documented] = {}
        self._hidden_routers: set[str] = set()  # object keys (``FileContext.object_key``)
        # Router name -> the status codes its ``responses=`` lists (None: not readable).
        self._documented_routers: dict[str, tuple[int, ...] | None] = {}

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        """Note apps without an OpenAPI document and routers kept out of it: their
        routes are documented nowhere (a back office serving HTML)."""
        value = node.value
        if not isinstance(value, ast.Call) or len(node.targets) != 1:
            return
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            return
        made = ctx.route_owner_class(ctx.resolve(value.func))
        # Also a router a factory function builds (one per login provider).
        key = ctx.binding_key(target.id)
        if made == "router" and key and _is_false(keyword_arg(value, "include_in_schema")):
            self._hidden_routers.add(key)
        if ctx.function is not None or ctx.class_name:
            return
        if made == "app" and _is_none(keyword_arg(value, "openapi_url")):
            ctx.add_fact(UNPUBLISHED_APP, ctx.qualify(target.id))
        responses = keyword_arg(value, "responses")
        if made is not None and responses is not None:
            # Error responses declared once for every route below this router.
            codes = _listed_codes(responses)
            self._documented_routers[target.id] = codes
            ctx.add_fact(DOCUMENTED_ROUTER, (ctx.qualify(target.id), codes))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or not node.args:
            return
        if func.attr == "include_router":
            into, router = _qualified(func.value, ctx), _qualified(node.args[0], ctx)
            if into and router:
                ctx.add_fact(INCLUDED, (into, router))
                responses = keyword_arg(node, "responses")
                if responses is not None:
                    ctx.add_fact(DOCUMENTED_ROUTER, (router, _listed_codes(responses)))
        elif func.attr in ("mount", "host"):
            mounted = node.args[1] if len(node.args) > 1 else keyword_arg(node, "app")
            value = mounted.value if isinstance(mounted, ast.keyword) else mounted
            qualified = _qualified(value, ctx) if value is not None else None
            if qualified:
                ctx.add_fact(MOUNTED, qualified)

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None or has_splat(route) or is_test_path(ctx.path):
            return  # a route of a test's own app documents nothing
        if _is_false(keyword_arg(route, "include_in_schema")):
            return  # not in the docs, by choice
        owner = route.func.value if isinstance(route.func, ast.Attribute) else None
        if owner is not None and ctx.object_key(owner) in self._hidden_routers:
            return
        self._routes[id(node)] = _Documented(route, node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Raise(self, node: ast.Raise, ctx: FileContext) -> None:
        function = ctx.function
        found = self._routes.get(id(function.node)) if function is not None else None
        exc = node.exc
        if found is None or not isinstance(exc, ast.Call):
            return
        if ctx.resolve(exc.func) not in HTTP_EXCEPTIONS:
            return
        code = keyword_arg(exc, "status_code")
        number = status_number(code.value if code else exc.args[0] if exc.args else None)
        if number is not None and number not in found.raised:
            found.raised.append(number)

    def leave_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        found = self._routes.pop(id(node), None)
        if found is None:
            return
        route = found.route
        func = route.func
        assert isinstance(func, ast.Attribute)  # a route decorator: ``owner.verb(...)``
        missing = []
        if (
            keyword_arg(route, "summary") is None
            and keyword_arg(route, "description") is None
            and ast.get_docstring(node) is None
        ):
            missing.append("no summary or description (nor a docstring)")
        if keyword_arg(route, "tags") is None and ctx.route_owner(func.value) == "app":
            missing.append("no tags")
        owner_node = func.value
        undocumented = self._undocumented(route, found.raised)
        if 422 in undocumented and _takes_input(node, ctx):
            # FastAPI lists 422 for every route with a parameter (its validation error).
            undocumented.remove(422)
        if isinstance(owner_node, ast.Name) and owner_node.id in self._documented_routers:
            # Its router lists error responses for all its routes.
            listed = self._documented_routers[owner_node.id]
            undocumented = [c for c in undocumented if listed is not None and c not in listed]
        if undocumented:
            missing.append(errors_clause(undocumented))
        if missing:
            # "has no summary...; no tags; raises 409 without...": "has" once, before
            # the first thing missing, not before what it raises.
            said = "; ".join(missing)
            verb = "has " if missing[0].startswith("no ") else ""
            message = f"{route_label(route, node)} {verb}{said}"
            owner = _qualified(owner_node, ctx)
            # Settled once every file is seen: the router may end up in an app that
            # publishes no OpenAPI document, or below routers that list the errors.
            when = None
            if owner and undocumented:
                when = (ROUTE_DOCS, f"{owner} {' '.join(map(str, undocumented))}")
            elif owner:
                when = ("published-router", owner)
            ctx.report(route, message, when=when)

    leave_AsyncFunctionDef = leave_FunctionDef

    def _undocumented(self, route: ast.Call, raised: list[int]) -> list[int]:
        responses = keyword_arg(route, "responses")
        if responses is None:
            return raised
        if not isinstance(responses.value, ast.Dict):
            return []  # built elsewhere: trust it
        listed = {status_number(k) for k in responses.value.keys if k is not None}
        if any(k is None for k in responses.value.keys):
            return []  # ``{**COMMON, ...}``
        return [code for code in raised if code not in listed]


# Parameters FastAPI fills without validating anything: a route taking only these gets
# no 422 response in its OpenAPI operation.
_UNVALIDATED_TYPES = frozenset(
    {
        "fastapi.BackgroundTasks",
        "fastapi.Request",
        "fastapi.Response",
        "fastapi.WebSocket",
        "fastapi.requests.HTTPConnection",
        "fastapi.security.SecurityScopes",
        "starlette.background.BackgroundTasks",
        "starlette.requests.HTTPConnection",
        "starlette.requests.Request",
        "starlette.responses.Response",
        "starlette.websockets.WebSocket",
    }
)


def _takes_input(node: FunctionNode, ctx: FileContext) -> bool:
    """Whether the route has a parameter FastAPI may validate (a path, query or body
    parameter, or a dependency, which may have its own): then its OpenAPI operation
    lists 422 already. A parameter typed by an alias of another module counts too."""
    args = node.args
    return any(
        arg.annotation is None or ctx.resolve(arg.annotation) not in _UNVALIDATED_TYPES
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)
    )


def _listed_codes(responses: ast.keyword) -> tuple[int, ...] | None:
    """The status codes a ``responses=`` dict lists, or None when it is built elsewhere
    (then it is trusted to list them all)."""
    value = responses.value
    if not isinstance(value, ast.Dict) or any(k is None for k in value.keys):
        return None
    return tuple(c for c in (status_number(k) for k in value.keys) if c is not None)


def _is_none(keyword: ast.keyword | None) -> bool:
    return (
        keyword is not None
        and isinstance(keyword.value, ast.Constant)
        and (keyword.value.value is None)
    )


def _is_false(keyword: ast.keyword | None) -> bool:
    return (
        keyword is not None
        and isinstance(keyword.value, ast.Constant)
        and (keyword.value.value is False)
    )


def _qualified(node: ast.expr, ctx: FileContext) -> str | None:
    """The project-wide name of an app or router: ``pkg.admin.router`` for a name
    imported from there, ``<this module>.router`` for one assigned here."""
    if not isinstance(node, ast.Name):
        return None
    resolved = ctx.resolve(node)
    if resolved is None or resolved.endswith(")"):
        return ctx.qualify(node.id)  # bound in this module (to a call's result)
    return resolved
