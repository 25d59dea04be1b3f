"""DOC102 (route-without-response-model): Route declares no response model or return type."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import BACKGROUND_TASKS, keyword_arg, status_number
from fastaudit.rules.api_docs._shared import QUEUE_METHODS, FunctionNode, has_splat, route_label
from fastaudit.rules.base import Rule

_RESPONSE_MODULES = ("fastapi.responses.", "starlette.responses.", "fastapi.Response")


class RouteWithoutResponseModel(Rule):
    id = "DOC102"
    skips_tests = True  # a test's throwaway app has no schema readers (``visit_FunctionDef``)
    name = "route-without-response-model"
    title = "Route declares no response model or return type"
    severity = Severity.WARNING
    rationale = """
    Without `response_model=` or a return annotation, the OpenAPI schema shows an empty
    response body, generated clients get `Any`, and FastAPI returns whatever the function
    returns: an ORM object serialises every column, including the ones nobody meant to
    expose. Annotate the return type (`-> OrderOut`) or pass `response_model=`. A route
    that never returns a value should say so: `-> None`, and `status_code=204`, or `202`
    when it only queues work (`BackgroundTasks`, `.delay(...)`), so clients expect no
    body. Routes that answer 204/3xx, set `response_class=`, return a `Response` object,
    or are hidden from the schema are left alone, as are the throwaway apps of tests.
    """
    dont = """
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int):
        return await load_order(order_id)
    """
    do = """
    from fastapi import APIRouter

    from app.orders.schemas import OrderOut

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int) -> OrderOut:
        return await load_order(order_id)
    """
    extra_valid = (
        """
        from fastapi import APIRouter, status
        router = APIRouter()

        @router.delete("/orders/{order_id}", status_code=status.HTTP_204_NO_CONTENT)
        async def delete_order(order_id: int): ...
        """,
        """
        from fastapi import APIRouter
        from fastapi.responses import HTMLResponse
        router = APIRouter()

        @router.get("/", response_class=HTMLResponse)
        async def home():
            return "<h1>hi</h1>"
        """,
        """
        from fastapi import APIRouter
        from fastapi.responses import FileResponse
        router = APIRouter()

        @router.get("/report")
        async def report():
            return FileResponse("report.pdf")
        """,
        """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/internal", include_in_schema=False)
        async def internal():
            return {}

        @router.get("/raw", response_model=None)
        async def raw():
            return {}
        """,
    )
    extra_invalid = (
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.post("/login")
        def login():
            return {"token": "t"}
        """,
        # Returns nothing, and the schema does not say so.
        """
        from fastapi import APIRouter, BackgroundTasks
        router = APIRouter()

        @router.post("/reports/{report_id}/rebuild")
        def rebuild(report_id: int, tasks: BackgroundTasks):
            tasks.add_task(rebuild_report, report_id)
        """,
    )

    calls = CallFilter.of(attrs=[*QUEUE_METHODS, "add_task"])

    def __init__(self) -> None:
        self._routes: dict[int, tuple[ast.Call, FunctionNode]] = {}
        # Routes (by id) that answer with a value somewhere, and those that queue work.
        self._valued: set[int] = set()
        self._queues: set[int] = set()

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None or node.returns is not None or has_splat(route):
            return
        if is_test_path(ctx.path):
            return  # a test's throwaway app: nobody reads its schema
        for name in ("response_model", "response_class"):
            if keyword_arg(route, name) is not None:
                return
        hidden = keyword_arg(route, "include_in_schema")
        if hidden is not None and isinstance(hidden.value, ast.Constant) and not hidden.value.value:
            return
        code = keyword_arg(route, "status_code")
        number = status_number(code.value) if code is not None else None
        if number is not None and (number == 204 or 300 <= number < 400):
            return
        self._routes[id(node)] = (route, node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _route_id(self, ctx: FileContext) -> int | None:
        function = ctx.function
        if function is None or id(function.node) not in self._routes:
            return None
        return id(function.node)

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        route = self._route_id(ctx)
        if route is None:
            return
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            self._valued.add(route)
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            callee = ctx.resolve(value.func) or ""
            if callee.startswith(_RESPONSE_MODULES) or _hands_on_the_request(value, ctx):
                del self._routes[route]
        elif isinstance(value, ast.Name):
            # ``response = RedirectResponse(...)``, a cookie set on it, then returned.
            bound = ctx.resolve(value) or ""
            if bound.endswith(")") and bound.startswith(_RESPONSE_MODULES):
                del self._routes[route]

    def visit_Yield(self, node: ast.Yield, ctx: FileContext) -> None:
        route = self._route_id(ctx)
        if route is not None:
            self._valued.add(route)

    visit_YieldFrom = visit_Yield

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or not self._routes:
            return
        route = self._route_id(ctx)
        if route is not None and (
            func.attr in QUEUE_METHODS
            or (func.attr == "add_task" and ctx.resolve(func.value) in BACKGROUND_TASKS)
        ):
            self._queues.add(route)

    def leave_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        found = self._routes.pop(id(node), None)
        if found is None:
            return
        route, _ = found
        label = route_label(route, node)
        if id(node) in self._valued:
            ctx.report(
                route,
                f"{label} declares neither `response_model=` nor a return annotation: the "
                "schema shows no response body and nothing filters what it returns",
            )
            return
        # Nothing to describe: the fix is saying so, and answering without a body.
        advice = ""
        if keyword_arg(route, "status_code") is None:
            advice = (
                " and set `status_code=202` (it queues work)"
                if id(node) in self._queues
                else " and set `status_code=204`"
            )
        ctx.report(route, f"{label} returns nothing: annotate it `-> None`{advice}")

    leave_AsyncFunctionDef = leave_FunctionDef


_REQUEST_TYPES = frozenset({"fastapi.Request", "starlette.requests.Request"})


def _hands_on_the_request(call: ast.Call, ctx: FileContext) -> bool:
    """``return await handler.handle(request)``: the route hands the raw request to an
    adapter (a Slack or webhook SDK, a GraphQL app) that builds the response itself, a
    ``Response`` no response model would describe."""
    function = ctx.function
    if function is None:
        return False
    node = function.node
    requests = {
        arg.arg
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
        if arg.annotation is not None and ctx.resolve(arg.annotation) in _REQUEST_TYPES
    }
    passed = [*call.args, *(k.value for k in call.keywords)]
    return any(isinstance(a, ast.Name) and a.id in requests for a in passed)
