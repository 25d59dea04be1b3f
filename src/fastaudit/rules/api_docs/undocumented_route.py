"""DOC103 (undocumented-route): Route without summary, description, tags or error responses."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.project_index import DOCUMENTED_ROUTER, INCLUDED, MOUNTED, UNPUBLISHED_APP
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
    `responses=` of the route's router and of every `include_router` above it.
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
        self._hidden_routers: set[str] = set()
        # Router name -> the status codes its ``responses=`` lists (None: not readable).
        self._documented_routers: dict[str, tuple[int, ...] | None] = {}

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        """Note apps without an OpenAPI document and routers kept out of it: their
        routes are documented nowhere (a back office serving HTML)."""
        value = node.value
        if not isinstance(value, ast.Call) or len(node.targets) != 1:
            return
        target = node.targets[0]
        if not isinstance(target, ast.Name) or ctx.function is not None or ctx.class_name:
            return
        made = ctx.route_owner_class(ctx.resolve(value.func))
        if made == "app" and _is_none(keyword_arg(value, "openapi_url")):
            ctx.add_fact(UNPUBLISHED_APP, ctx.qualify(target.id))
        elif made == "router" and _is_false(keyword_arg(value, "include_in_schema")):
            self._hidden_routers.add(target.id)
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
        if isinstance(owner, ast.Name) and owner.id in self._hidden_routers:
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
        if isinstance(owner_node, ast.Name) and owner_node.id in self._documented_routers:
            # Its router lists error responses for all its routes.
            listed = self._documented_routers[owner_node.id]
            undocumented = [c for c in undocumented if listed is not None and c not in listed]
        errors_only = bool(undocumented) and not missing
        if undocumented:
            codes = ", ".join(str(c) for c in undocumented)
            missing.append(f"raises {codes} without listing it in `responses=`")
        if missing:
            # "has no summary...; no tags; raises 409 without...": "has" once, before
            # the first thing missing, not before what it raises.
            said = "; ".join(missing)
            verb = "has " if missing[0].startswith("no ") else ""
            message = f"{route_label(route, node)} {verb}{said}"
            owner = _qualified(owner_node, ctx)
            # Settled once every file is seen: the router may end up in an app that
            # publishes no OpenAPI document, or below a router that lists the errors.
            when = None
            if owner and errors_only:
                when = ("errors-undocumented", f"{owner} {' '.join(map(str, undocumented))}")
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
