"""RTE: how path operations (route functions) are declared and how they fail.

A route is a function decorated with ``@app.get(...)``, ``@router.post(...)`` and the
like (see ``FileContext.route_decorator``). Nested helpers defined inside a route are
not routes themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence

from fastaudit.engine.context import ROUTE_METHODS, FileContext
from fastaudit.engine.edit_builders import remove_call_argument
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import name_words, status_number
from fastaudit.rules.base import Rule

# ``typing`` spellings of the builtin generics: ``List[Item]`` is ``list[Item]``.
_TYPING_ALIASES = {
    "typing.List": "builtins.list",
    "typing.Dict": "builtins.dict",
    "typing.Set": "builtins.set",
    "typing.FrozenSet": "builtins.frozenset",
    "typing.Tuple": "builtins.tuple",
    "typing.Type": "builtins.type",
}
_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})


def _route_calls(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext):
    """Every route decorator call of ``node`` (a function may be both GET and HEAD)."""
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_METHODS
            and ctx.is_app_or_router(decorator.func.value)
        ):
            yield decorator


def _unstring(node: ast.expr) -> ast.expr | None:
    """A string annotation (``-> "Item"``) as the expression it stands for."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return node


def same_type(left: ast.expr | None, right: ast.expr | None, ctx: FileContext) -> bool:
    """Whether two type expressions name the same type, following imports and aliases
    (``schemas.Item`` and ``Item``; ``List[Item]`` and ``list[Item]``). Recurses only
    through the two expressions, which are small."""
    left = _unstring(left) if left is not None else None
    right = _unstring(right) if right is not None else None
    if left is None or right is None:
        return False
    if isinstance(left, (ast.Name, ast.Attribute)) and isinstance(right, (ast.Name, ast.Attribute)):
        resolved_left, resolved_right = ctx.resolve(left), ctx.resolve(right)
        if resolved_left is not None and resolved_right is not None:
            return _TYPING_ALIASES.get(resolved_left, resolved_left) == _TYPING_ALIASES.get(
                resolved_right, resolved_right
            )
        return resolved_left == resolved_right and ast.dump(left) == ast.dump(right)
    if type(left) is not type(right):
        return False
    if isinstance(left, ast.Subscript):
        return same_type(left.value, right.value, ctx) and same_type(  # type: ignore[attr-defined]
            left.slice,
            right.slice,  # type: ignore[attr-defined]
            ctx,
        )
    if isinstance(left, (ast.Tuple, ast.List)):
        others = right.elts  # type: ignore[attr-defined]
        return len(left.elts) == len(others) and all(
            same_type(a, b, ctx) for a, b in zip(left.elts, others, strict=True)
        )
    if isinstance(left, ast.BinOp):
        return (
            isinstance(left.op, ast.BitOr)
            and isinstance(right.op, ast.BitOr)  # type: ignore[attr-defined]
            and same_type(left.left, right.left, ctx)  # type: ignore[attr-defined]
            and same_type(left.right, right.right, ctx)  # type: ignore[attr-defined]
        )
    if isinstance(left, ast.Constant):
        return type(left.value) is type(right.value) and left.value == right.value  # type: ignore[attr-defined]
    return False


class RedundantResponseModel(Rule):
    id = "RTE101"
    name = "redundant-response-model"
    title = "`response_model=` repeats the route's return annotation"
    severity = Severity.INFO
    see_also = "FAST001"
    fix_safety = (
        "Safe: since FastAPI 0.89 a route without `response_model=` takes its response "
        "model from the return annotation, which here is the same type, so validation, "
        "filtering and the OpenAPI schema are unchanged. Unsafe while the project's lock "
        "or declared floor admits an older FastAPI."
    )
    rationale = """
    FastAPI reads the response model from the return annotation, so `response_model=X`
    on a route already annotated `-> X` says the same thing twice. Sooner or later one
    copy is edited and the other is not, and the decorator quietly wins over what the
    signature (and your type checker) claims. Keep the annotation and drop the keyword;
    keep `response_model=` only where it differs on purpose, such as returning an ORM
    row that must be filtered through a public schema.
    """
    dont = """
    from fastapi import APIRouter

    from app.catalog.schemas import Product
    from app.catalog.service import load_product

    router = APIRouter()


    @router.get("/products/{product_id}", response_model=Product)
    async def read_product(product_id: int) -> Product:
        return await load_product(product_id)
    """
    dont_fixed = """
    from fastapi import APIRouter

    from app.catalog.schemas import Product
    from app.catalog.service import load_product

    router = APIRouter()


    @router.get("/products/{product_id}")
    async def read_product(product_id: int) -> Product:
        return await load_product(product_id)
    """
    do = """
    from fastapi import APIRouter

    from app.catalog.schemas import Product
    from app.catalog.service import load_product

    router = APIRouter()


    @router.get("/products/{product_id}")
    async def read_product(product_id: int) -> Product:
        return await load_product(product_id)
    """
    extra_valid = (
        # A different model on purpose: the ORM row is filtered through the schema.
        """
        from fastapi import APIRouter

        from app.catalog.models import ProductRow
        from app.catalog.schemas import ProductPublic

        router = APIRouter()

        @router.get("/products/{product_id}", response_model=ProductPublic)
        def read_product(product_id: int) -> ProductRow:
            return ProductRow.get(product_id)
        """,
        # No return annotation: response_model is the only declaration.
        """
        from fastapi import APIRouter

        from app.catalog.schemas import Product

        router = APIRouter()

        @router.get("/products", response_model=list[Product])
        def list_products():
            return []
        """,
        # Not a route decorator, even if it takes the same keyword.
        """
        from app.cache import cached

        from app.catalog.schemas import Product

        @cached(response_model=Product)
        def product_from_cache(key: str) -> Product:
            return Product.load(key)
        """,
        # Same spelling, different objects: two modules' `Item`.
        """
        from fastapi import FastAPI

        from app import legacy, schemas

        app = FastAPI()

        @app.get("/items/{item_id}", response_model=legacy.Item)
        def read_item(item_id: int) -> schemas.Item:
            return schemas.Item(id=item_id)
        """,
        """
        from fastapi import FastAPI
        from fastapi.responses import Response

        app = FastAPI()

        @app.get("/ping", response_model=None)
        def ping() -> Response:
            return Response("pong")
        """,
    )
    extra_invalid = (
        """
        from typing import List

        from fastapi import APIRouter

        from app.schemas import Item

        router = APIRouter(prefix="/items")

        @router.get(
            "/",
            status_code=200,
            response_model=list[Item],
        )
        def list_items() -> List[Item]:
            return []
        """,
        """
        import fastapi

        from app import schemas
        from app.schemas import Item

        app = fastapi.FastAPI()

        @app.api_route("/items", methods=["PUT"], response_model=schemas.Item)
        async def replace_item(item: Item) -> "Item":
            return item
        """,
        """
        from fastapi import APIRouter

        from app.schemas import Item

        admin_router = APIRouter()

        @admin_router.post("/items", response_model=Item | None)
        async def create_item(item: Item) -> Item | None:
            return item
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self.check(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.check(node, ctx)

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        returns = node.returns
        if returns is None:
            return
        for decorator in _route_calls(node, ctx):
            keyword = next((k for k in decorator.keywords if k.arg == "response_model"), None)
            if keyword is None:
                continue
            value = keyword.value
            if isinstance(value, ast.Constant) and value.value is None:
                continue  # `response_model=None` switches inference off on purpose
            if not same_type(value, returns, ctx):
                continue
            edit = remove_call_argument(ctx, decorator, keyword)
            fix = None
            if edit is not None:
                between = _unwrapped_decorators_below(node, decorator, ctx)
                fix = ctx.fix(
                    "Remove `response_model=`",
                    edit,
                    safe=not between,
                    note=(
                        f"`@{one_line(ctx.text(between[0]), 40)}` sits between the route "
                        "decorator and the function without visibly using `functools.wraps`: "
                        "FastAPI may then not see the return annotation, and the response "
                        "model would be lost"
                    )
                    if between
                    else "",
                )
            ctx.report(
                keyword,
                f"`response_model={one_line(ctx.text(value), 60)}` on route `{node.name}` "
                f"repeats its return annotation `-> {one_line(ctx.text(returns), 60)}`",
                fix=fix,
            )


def _unwrapped_decorators_below(
    node: ast.FunctionDef | ast.AsyncFunctionDef, route: ast.Call, ctx: FileContext
) -> list[ast.expr]:
    """Decorators applied before the route decorator (listed below it) whose wrapper is
    not seen to copy the function's metadata with ``functools.wraps``: FastAPI reads the
    return annotation from what the route decorator receives."""
    below = node.decorator_list[node.decorator_list.index(route) + 1 :]
    local = {
        stmt.name: stmt
        for stmt in ctx.tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    unknown: list[ast.expr] = []
    for decorator in below:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        definition = local.get(target.id) if isinstance(target, ast.Name) else None
        if definition is None or not _uses_wraps(definition, ctx):
            unknown.append(decorator)
    return unknown


def _uses_wraps(definition: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    for inner in ast.walk(definition):
        if inner is definition or not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in inner.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ctx.resolve(call) == "functools.wraps":
                return True
    return False


class BroadExceptInRoute(Rule):
    id = "RTE102"
    name = "route-swallows-exceptions"
    title = "Route catches every exception without re-raising"
    severity = Severity.WARNING
    see_also = "BLE001"
    rationale = """
    `except Exception:` (or a bare `except:`) around a route's work catches the bugs
    along with the failures you meant to handle: a typo, a broken query, a timeout all
    become the same quiet response, often a 200, and never reach your error tracking or
    FastAPI's 500 handling. Catch the specific exceptions the code can recover from and
    turn them into `HTTPException` with a meaningful status; let everything else
    propagate (re-raise after logging if you must). Cross-cutting error responses belong
    in `app.exception_handler(...)`, not in every route.

    Not reported, because the failure is not passed off as success: a handler that
    answers with an error status; one that logs the error (warning or above, or an
    error tracker) and tells the caller (an error toast, the error in the answer); a
    logged, best-effort extra the route does without (a preview looked up into a
    variable that already holds a fallback, a notification after the route's work);
    and a health check, whose job is to report the failure.
    """
    dont = """
    import logging

    from fastapi import APIRouter

    from app.billing import service
    from app.billing.schemas import Charge

    router = APIRouter()
    logger = logging.getLogger(__name__)


    @router.post("/charges")
    async def create_charge(charge: Charge):
        try:
            return await service.capture(charge)
        except Exception:
            logger.warning("charge failed")
            return {"captured": False}
    """
    do = """
    from fastapi import APIRouter, HTTPException, status

    from app.billing import service
    from app.billing.errors import CardDeclined
    from app.billing.schemas import Charge

    router = APIRouter()


    @router.post("/charges")
    async def create_charge(charge: Charge):
        try:
            return await service.capture(charge)
        except CardDeclined as exc:
            raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, "card declined") from exc
    """
    extra_valid = (
        # Logging and re-raising keeps the error visible.
        """
        import logging

        from fastapi import FastAPI

        app = FastAPI()
        log = logging.getLogger("api")

        @app.delete("/sessions/{sid}")
        def end_session(sid: str):
            try:
                return drop(sid)
            except Exception:
                log.exception("could not end %s", sid)
                raise
        """,
        # Translating into an HTTP error is a re-raise too.
        """
        from fastapi import APIRouter, HTTPException

        router = APIRouter()

        @router.get("/rates")
        async def rates():
            try:
                return await fetch_rates()
            except BaseException as exc:
                raise HTTPException(503, "rates unavailable") from exc
        """,
        # A specific exception is a decision, not a blanket.
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/ratio")
        def ratio(a: int, b: int):
            try:
                return {"ratio": a / b}
            except (ZeroDivisionError, ValueError):
                return {"ratio": None}
        """,
        # Not a route: a background helper may decide to swallow.
        """
        def refresh_cache():
            try:
                rebuild()
            except Exception:
                pass
        """,
        # A helper defined inside a route is not the route's body.
        """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/report")
        def report():
            def safe_total():
                try:
                    return total()
                except Exception:
                    return 0
            return {"total": safe_total()}
        """,
        # A project class that shadows the builtin name.
        '''
        from fastapi import APIRouter

        from app.errors import Exception

        router = APIRouter()

        @router.get("/doc")
        def doc():
            """except Exception: pass"""
            try:
                return load()
            except Exception:
                return None
        ''',
        # A health check exists to report the failure.
        """
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/health")
        def health():
            try:
                ping_database()
            except:
                return {"db": "down"}
            return {"db": "up"}
        """,
        # A best-effort extra: logged, and the page renders without it.
        """
        import logging

        from fastapi import APIRouter

        router = APIRouter()
        logger = logging.getLogger(__name__)

        @router.get("/invoices/{iid}")
        async def invoice(iid: int):
            invoice = await invoices.get(iid)
            pdf_url: str | None = None
            try:
                pdf_url = await storage.signed_url(invoice.pdf_path)
            except Exception:
                logger.exception("no signed URL for invoice %s", iid)
            return {"invoice": invoice, "pdf_url": pdf_url}
        """,
        # Logged with its traceback and shown to the user as an error.
        """
        import logging

        from fastapi import APIRouter, Request

        router = APIRouter()
        logger = logging.getLogger(__name__)

        @router.post("/tickets")
        async def open_ticket(request: Request):
            try:
                await tickets.open(request)
            except Exception as e:
                logger.exception("ticket failed")
                await add_toast(request, f"Failed to open ticket: {e}", "error")
                return
            await add_toast(request, "Ticket opened.", "success")
        """,
    )
    extra_invalid = (
        # A failed count answered as "none in stock".
        """
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/stock/{sku}")
        def stock(sku: str):
            try:
                count = warehouse.count(sku)
            except:
                return {"sku": sku, "count": 0}
            return {"sku": sku, "count": count}
        """,
        # An error toast on a page answered with 200, and nothing logged: the user sees
        # it once, error tracking never does.
        """
        from fastapi import APIRouter, Request

        router = APIRouter()

        @router.post("/orders/{oid}/void")
        async def void(oid: int, request: Request):
            try:
                await orders.void(oid)
            except Exception as e:
                await add_toast(request, f"Failed to void order: {e}", "error")
            return render_order(request, oid)
        """,
        """
        import builtins

        from fastapi import APIRouter

        router = APIRouter()

        @router.put("/profile")
        async def update_profile(data: dict):
            try:
                await save(data)
            except (KeyError, builtins.Exception) as exc:
                def later():
                    raise exc
                schedule(later)
            return data
        """,
    )

    def __init__(self) -> None:
        # Per route being walked: [handler, re-raises?, "except"/"except*", try, route
        # decorator] for each broad handler directly in its body.
        self._open: dict[int, list[list]] = {}

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        function = ctx.function
        if function is None or not function.is_route or not self.is_broad(node.type, ctx):
            return
        keyword = "except*" if isinstance(ctx.parent, ast.TryStar) else "except"
        self._open.setdefault(id(function.node), []).append(
            [node, False, keyword, ctx.parent, function.route]
        )

    def visit_Raise(self, node: ast.Raise, ctx: FileContext) -> None:
        function = ctx.function
        if function is None:
            return
        handlers = self._open.get(id(function.node))
        if not handlers:
            return
        # The walk is depth-first, so a ``raise`` inside a handler comes after the
        # handler and before the function is left; a raise in a nested def belongs to
        # that def (another ``ctx.function``) and does not count.
        where = (node.lineno, node.col_offset)
        for entry in handlers:
            handler = entry[0]
            if (
                (handler.lineno, handler.col_offset)
                <= where
                <= (
                    handler.end_lineno,
                    handler.end_col_offset,
                )
            ):
                entry[1] = True

    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self.settle(node, ctx)

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.settle(node, ctx)

    def settle(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        for handler, reraises, keyword, try_node, route in self._open.pop(id(node), ()):
            if reraises or _failure_accounted_for(handler, try_node, node, route):
                continue
            if handler.type is None:
                shown = f"bare `{keyword}:`"
                end = ast.Pass(
                    lineno=handler.lineno,
                    col_offset=handler.col_offset,
                    end_lineno=handler.lineno,
                    end_col_offset=handler.col_offset + len(keyword),
                )
            else:
                shown = f"`{keyword} {one_line(ctx.text(handler.type), 60)}`"
                end = handler.type
            ctx.report(
                handler,
                f"{shown} in route `{node.name}` swallows every error without re-raising",
                end=end,
            )

    @staticmethod
    def is_broad(caught: ast.expr | None, ctx: FileContext) -> bool:
        if caught is None:
            return True
        if isinstance(caught, ast.Tuple):
            return any(ctx.resolve(element) in _BROAD for element in caught.elts)
        return ctx.resolve(caught) in _BROAD


# ------------------------------------------------------------------ RTE102 helpers
# What RTE102 is about is a failure of the route's work turned into a success answer
# that nobody hears of. A broad handler is accounted for when the caller is told (an
# error status; an error message, if the failure is also logged), when the failing step
# was a logged best-effort extra the route does without, or when reporting the failure
# is the route's whole job (a health check).

# Logging calls that leave a trace someone reads: warning and up (debug and info are
# usually off in production), on anything named like a logger.
_LOG_LEVELS = frozenset({"exception", "error", "warning", "warn", "critical", "fatal"})
# Error trackers called directly (Sentry, Rollbar, New Relic, Bugsnag).
_TRACKER_CALLS = frozenset({"capture_exception", "report_exc_info", "notice_error"})
_LOGGER_WORDS = frozenset({"log", "logs", "logger", "logging", "structlog"})
# Routes whose job is to say whether something works (not plain "live" or "ready",
# which name live scores and ready orders as often as probes).
_HEALTH_WORDS = frozenset(
    {
        "health",
        "healthz",
        "healthcheck",
        "ping",
        "readyz",
        "readiness",
        "livez",
        "liveness",
        "heartbeat",
    }
)
# Message levels for a toast / flash shown to the user (``add_toast(req, msg, "error")``)
# and dict keys that carry an error back in the payload.
_ERROR_LEVELS = frozenset({"error", "danger", "critical"})
_ERROR_KEYS = ("error", "detail")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Every node under ``nodes`` outside nested functions, lambdas and classes (their
    code runs elsewhere, if at all)."""
    stack: list[ast.AST] = list(reversed(nodes))
    while stack:
        current = stack.pop()
        yield current
        stack.extend(
            child for child in ast.iter_child_nodes(current) if not isinstance(child, _SCOPES)
        )


def _after(node: ast.AST, anchor: ast.AST) -> bool:
    # Contexts and operators (``Load``, ``Add``) carry no position.
    where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    return where >= (anchor.end_lineno, anchor.end_col_offset)  # type: ignore[attr-defined]


def _before(node: ast.AST, anchor: ast.AST) -> bool:
    if not hasattr(node, "lineno"):
        return False
    return (node.lineno, node.col_offset) < (anchor.lineno, anchor.col_offset)  # type: ignore[attr-defined]


def _stored(nodes: Iterable[ast.AST]) -> set[str]:
    """Names given a value among ``nodes`` (``x: int`` alone gives none)."""
    nodes = list(nodes)
    names: set[str] = set()
    bare = {id(n.target) for n in nodes if isinstance(n, ast.AnnAssign) and n.value is None}
    for n in nodes:
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and id(n) not in bare:
            names.add(n.id)
    return names


def _read(nodes: Iterable[ast.AST]) -> set[str]:
    return {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _is_log_call(call: ast.Call) -> bool:
    """``logger.error(...)``, ``self.log.warning(...)``, ``structlog.get_logger().info(...)``:
    a method called on something named like a logger (by whole words: not ``catalog``)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value.func if isinstance(func.value, ast.Call) else func.value
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return bool(_LOGGER_WORDS.intersection(name_words(name)))


def _logs(handler: ast.ExceptHandler) -> bool:
    """The handler leaves a trace of the failure: a log record at warning or above, or a
    report to an error tracker."""
    for inner in _own(handler.body):
        if not isinstance(inner, ast.Call):
            continue
        func = inner.func
        if _is_log_call(inner) and func.attr in _LOG_LEVELS:  # type: ignore[attr-defined]
            return True
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in _TRACKER_CALLS:
            return True
    return False


def _error_status(node: ast.expr | None) -> bool:
    """``JSONResponse(..., status_code=503)``, ``Response(status_code=status.HTTP_502_...)``
    or ``PlainTextResponse("down", 500)``: the caller is answered with a failure."""
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return False
    code = next((k.value for k in node.keywords if k.arg == "status_code"), None)
    callee = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    callee = node.func.id if isinstance(node.func, ast.Name) else callee
    if code is None and callee.endswith("Response") and len(node.args) >= 2:
        code = node.args[1]
    number = status_number(code)
    return number is not None and number >= 400


def _answers_with_error_status(handler: ast.ExceptHandler) -> bool:
    for inner in _own(handler.body):
        if isinstance(inner, ast.Return) and _error_status(inner.value):
            return True
        # ``response.status_code = 503`` on the injected Response.
        if isinstance(inner, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "status_code" for t in inner.targets
        ):
            number = status_number(inner.value)
            if number is not None and number >= 400:
                return True
    return False


def _tells_caller(
    handler: ast.ExceptHandler,
    try_node: ast.Try | ast.TryStar,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
) -> bool:
    """The handler passes the failure on to whoever called: an error-level toast or
    flash message, or an answer carrying the exception or an ``error``/``detail``."""
    own = list(_own(handler.body))
    # The exception and what the handler derives from it (``error = repr(e)``).
    derived = {handler.name} if handler.name else set()
    for inner in own:
        if isinstance(inner, ast.Assign) and _read(_own([inner.value])) & derived:
            derived |= _stored(_own(inner.targets))
    for inner in own:
        if isinstance(inner, ast.Call) and not _is_log_call(inner):
            arguments = [*inner.args, *(k.value for k in inner.keywords)]
            if any(
                (isinstance(a, ast.Constant) and str(a.value).lower() in _ERROR_LEVELS)
                or (isinstance(a, ast.Attribute) and a.attr.lower() in _ERROR_LEVELS)
                for a in arguments
            ):
                return True
    answers = [n.value for n in own if isinstance(n, ast.Return) and n.value is not None]
    for answer in answers:
        parts = list(_own([answer]))
        if _read(parts) & derived:
            return True
        for part in parts:
            if isinstance(part, ast.Dict) and any(
                isinstance(k, ast.Constant)
                and isinstance(k.value, str)
                and k.value.lower().startswith(_ERROR_KEYS)
                for k in part.keys
            ):
                return True
    # A handler that falls through may leave what it derived for the answer after the
    # ``try`` (``error = str(e)`` ... ``return render(form, error=error)``).
    later = derived - {handler.name}
    return bool(later) and any(
        isinstance(n, ast.Return)
        and n.value is not None
        and _after(n, try_node)
        and _read(_own([n.value])) & later
        for n in _own(node.body)
    )


def _is_health_check(route: ast.Call | None, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    words = name_words(node.name)
    if route is not None:
        path = route.args[0] if route.args else None
        path = next((k.value for k in route.keywords if k.arg == "path"), path)
        if isinstance(path, ast.Constant) and isinstance(path.value, str):
            words += name_words(path.value)
    return bool(_HEALTH_WORDS.intersection(words))


def _side_step(
    try_node: ast.Try | ast.TryStar, node: ast.FunctionDef | ast.AsyncFunctionDef
) -> bool:
    """The ``try`` is a best-effort extra, not the route's work: it answers nothing
    itself, whatever it fills in and the route reads later has a value from before the
    ``try`` (``preview_url = None``), and either it only looks something up or the route
    answers with what it built before the ``try`` (a notification after the update)."""
    body = list(_own(try_node.body))
    if any(isinstance(n, ast.Return) for n in body):
        return False
    route_nodes = list(_own(node.body))
    parameters = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    earlier = _stored(n for n in route_nodes if _before(n, try_node)) | parameters
    later = _read(n for n in route_nodes if _after(n, try_node))
    # ``_`` is thrown away by convention (``url, _ = ...``), whatever reads it later.
    if (_stored(body) & later) - earlier - {"_"}:
        return False
    effects = any(
        isinstance(n, ast.Expr) and isinstance(n.value, (ast.Call, ast.Await)) for n in body
    )
    if not effects:
        return True
    built_before = earlier - parameters
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and _after(n, try_node)
        and _read(_own([n.value])) & built_before
        for n in route_nodes
    )


def _failure_accounted_for(
    handler: ast.ExceptHandler,
    try_node: ast.Try | ast.TryStar,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    route: ast.Call | None,
) -> bool:
    if _answers_with_error_status(handler):
        return True
    if _is_health_check(route, node) and not all(
        isinstance(s, (ast.Pass, ast.Continue))
        or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in handler.body
    ):
        return True
    if not _logs(handler):
        return False
    if _tells_caller(handler, try_node, node):
        return True
    answers = any(isinstance(n, ast.Return) for n in _own(handler.body))
    return not answers and _side_step(try_node, node)
