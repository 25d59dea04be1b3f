"""RTE106 (no-content-route-with-body): ``status_code=204`` on a route that declares or
returns a response body."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import keyword_arg, route_label, status_number
from fastaudit.rules.base import Rule

# Statuses whose responses carry no body (FastAPI's ``is_body_allowed_for_status_code``).
_BODYLESS = frozenset({204, 205, 304})


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in (None, "None")


def _is_response(node: ast.expr, ctx: FileContext) -> bool:
    """A ``Response`` class or instance (``Response(status_code=204)``): a body of its
    own making, which FastAPI sends as it is."""
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Subscript):
        target = target.value
    resolved = ctx.resolve(target) or ""
    name = resolved.rpartition(".")[2] or (target.id if isinstance(target, ast.Name) else "")
    return name.endswith("Response") or resolved.startswith(
        ("starlette.responses.", "fastapi.responses.")
    )


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class NoContentRouteWithBody(Rule):
    id = "RTE106"
    name = "no-content-route-with-body"
    title = "`status_code=204` on a route with a response body"
    severity = Severity.WARNING
    peers = ("flake8-fastapi CF011",)
    rationale = """
    A 204 (or 205, 304) response has no body by definition. FastAPI checks it when the
    route is registered: a `response_model=`, or a return annotation it takes as one
    (anything but `None` or a `Response` class), stops the app at startup with
    `AssertionError: Status code 204 must not have a response body`. A route that only
    `return`s a value starts, but FastAPI (since 0.89) drops what it returns, so the
    code building it is dead and a client expecting the data gets nothing; older
    versions sent it with a 204, which HTTP clients and proxies reject. Annotate
    `-> None` and return nothing (or a `Response(status_code=204)`), or pick another
    status. A route annotated `-> Response` returns a response of its own making (built
    by a library, say), which FastAPI sends as it is: it is left alone. flake8-fastapi's
    CF011 asks for `response_class=Response` on every 204 route, which modern FastAPI
    no longer needs; this rule reports the body instead.
    The 36 no-content routes of the calibration set are all written right (the startup
    check teaches the first two cases quickly); the rule says so before the app is run,
    and the third case, a value returned and silently dropped, fails no check at all.
    """
    dont = """
    from fastapi import APIRouter, status

    from app.orders.schemas import OrderOut
    from app.orders.service import cancel_order

    router = APIRouter()


    @router.post("/orders/{order_id}/cancel", status_code=status.HTTP_204_NO_CONTENT)
    async def cancel(order_id: int) -> OrderOut:
        return await cancel_order(order_id)
    """
    do = """
    from fastapi import APIRouter, status

    from app.orders.service import cancel_order

    router = APIRouter()


    @router.post("/orders/{order_id}/cancel", status_code=status.HTTP_204_NO_CONTENT)
    async def cancel(order_id: int) -> None:
        await cancel_order(order_id)
    """
    extra_valid = (
        """
        from fastapi import APIRouter, Response

        router = APIRouter()

        @router.delete("/items/{item_id}", status_code=204, response_class=Response)
        def delete_item(item_id: int) -> Response:
            if item_id < 0:
                return None
            return Response(status_code=204)
        """,
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.delete("/items/{item_id}", status_code=204, response_model=None)
        def delete_item(item_id: int) -> dict:
            def describe() -> dict:
                return {"id": item_id}
            describe()
            return
        """,
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.post("/items", status_code=201)
        def create_item() -> dict:
            return {"id": 1}
        """,
    )
    extra_invalid = (
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.delete("/items/{item_id}", status_code=204, response_model=dict)
        def delete_item(item_id: int):
            pass
        """,
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.delete("/items/{item_id}", status_code="204")
        def delete_item(item_id: int):
            return {"deleted": item_id}
        """,
    )

    def __init__(self) -> None:
        # id() of each 204 route -> (its decorator, the first ``return <value>``).
        self._routes: dict[int, tuple[ast.Call, ast.Return | None]] = {}

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None:
            return
        code = keyword_arg(route, "status_code")
        if code is None or status_number(code.value) not in _BODYLESS:
            return
        model = keyword_arg(route, "response_model")
        label = route_label(route, node)
        status = status_number(code.value)
        if model is not None and not _is_none(model.value):
            ctx.report(
                model,
                f"{label} answers {status} yet declares "
                f"`response_model={one_line(ctx.text(model.value), 50)}`: FastAPI refuses "
                f"to start (a {status} response has no body); drop it",
            )
            return
        returns = node.returns
        if (
            model is None
            and returns is not None
            and not _is_none(returns)
            and not _is_response(returns, ctx)
        ):
            ctx.report(
                returns,
                f"{label} answers {status} yet is annotated "
                f"`-> {one_line(ctx.text(returns), 50)}`, which FastAPI takes as its "
                "response model and refuses to start (a "
                f"{status} response has no body); annotate `-> None`",
            )
            return
        if returns is not None and _is_response(returns, ctx):
            # ``-> Response``: it returns a response of its own making (built by a
            # library, say), which FastAPI sends as it is, status and body included.
            return
        self._routes[id(node)] = (route, None)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        function = ctx.function
        found = self._routes.get(id(function.node)) if function is not None else None
        if found is None or found[1] is not None:
            return
        value = node.value
        if value is None or _is_none(value) or _is_response(value, ctx):
            return
        self._routes[id(function.node)] = (found[0], node)  # type: ignore[union-attr]

    def leave_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        found = self._routes.pop(id(node), None)
        if found is None or found[1] is None:
            return
        route, returned = found
        assert returned is not None and returned.value is not None  # ``return <value>``
        code = keyword_arg(route, "status_code")
        status = status_number(code.value) if code is not None else 204
        ctx.report(
            returned,
            f"{route_label(route, node)} answers {status} yet returns "
            f"`{one_line(ctx.text(returned.value), 50)}`: FastAPI drops it (a {status} "
            "response has no body); return nothing, or pick a status that has a body",
        )

    leave_AsyncFunctionDef = leave_FunctionDef
