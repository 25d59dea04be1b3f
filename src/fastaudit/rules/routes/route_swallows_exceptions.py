"""RTE102 (route-swallows-exceptions): Route catches every exception without re-raising."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from fastaudit.engine.context import FileContext
from fastaudit.engine.walk import child_nodes, walk
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import keyword_value, name_words, status_number
from fastaudit.rules.base import Rule

_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})


@dataclass(slots=True)
class _BroadHandler:
    """A broad handler directly in a route's body, settled when the route is left."""

    handler: ast.ExceptHandler
    keyword: str  # "except" or "except*"
    try_node: ast.Try | ast.TryStar
    route: ast.Call | None  # the route's decorator call
    reraises: bool = False


class BroadExceptInRoute(Rule):
    id = "RTE102"
    name = "route-swallows-exceptions"
    title = "Route catches every exception without re-raising"
    severity = Severity.WARNING
    peers = ("ruff BLE001",)
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
    and a health check, whose job is to report the failure. A broad handler on another
    broad handler's error path (cleanup before that one answers) is that handler's call.
    So are a parse with a plain default (`try: meta = json.loads(raw)` / `except
    Exception: meta = {}`), a best-effort release (`try: await old.close()`), and a
    handler right after which the route answers with an error status.
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
        # Per route being walked (by id): each broad handler directly in its body.
        self._open: dict[int, list[_BroadHandler]] = {}

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        function = ctx.function
        if function is None or not function.is_route or not self.is_broad(node.type, ctx):
            return
        try_node = ctx.parent
        if not isinstance(try_node, (ast.Try, ast.TryStar)):  # always is: the handler's ``try``
            return
        keyword = "except*" if isinstance(try_node, ast.TryStar) else "except"
        self._open.setdefault(id(function.node), []).append(
            _BroadHandler(node, keyword, try_node, function.route)
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
            handler = entry.handler
            if (
                (handler.lineno, handler.col_offset)
                <= where
                <= (
                    handler.end_lineno,
                    handler.end_col_offset,
                )
            ):
                entry.reraises = True

    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self.settle(node, ctx)

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.settle(node, ctx)

    def settle(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        entries = self._open.pop(id(node), [])
        for entry in entries:
            handler, keyword = entry.handler, entry.keyword
            if entry.reraises or _failure_accounted_for(handler, entry.try_node, node, entry.route):
                continue
            if any(
                _inside(entry.try_node, other.handler) for other in entries if other is not entry
            ):
                continue  # cleanup on another handler's error path: that handler decides
            end: ast.AST
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
        stack.extend(child for child in child_nodes(current) if not isinstance(child, _SCOPES))


def _after(node: ast.AST, anchor: ast.stmt) -> bool:
    # Contexts and operators (``Load``, ``Add``) carry no position.
    where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    return where >= (anchor.end_lineno, anchor.end_col_offset)


def _before(node: ast.AST, anchor: ast.stmt) -> bool:
    # Every node with a line has a column too (both are in its ``_attributes``).
    if not hasattr(node, "lineno") or not hasattr(node, "col_offset"):
        return False
    return (node.lineno, node.col_offset) < (anchor.lineno, anchor.col_offset)


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
        if _is_log_call(inner) and isinstance(func, ast.Attribute) and func.attr in _LOG_LEVELS:
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
    code = keyword_value(node, "status_code")
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
        path = keyword_value(route, "path") or (route.args[0] if route.args else None)
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
    parameters = {a.arg for a in walk(node.args) if isinstance(a, ast.arg)}
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


# Last words of a function named for turning an exception into an error answer.
_RAISER_WORDS = frozenset({"handle", "raise", "reraise", "rethrow", "abort", "throw"})


# Methods that release or stop something: their failure is not the route's work.
_CLEANUP = frozenset(
    {"close", "aclose", "cancel", "disconnect", "shutdown", "stop", "terminate", "kill",
     "cleanup", "unlink", "remove", "release", "unsubscribe"}
)  # fmt: skip


def _fallback_value(try_node: ast.Try | ast.TryStar, handler: ast.ExceptHandler) -> bool:
    """``try: meta = json.loads(raw)`` / ``except Exception: meta = {}``: one value
    computed, a plain default in its place when that fails (a literal, an empty
    container, ``None``); what the route makes of the default is its own logic."""
    if len(try_node.body) != 1 or len(handler.body) != 1:
        return False
    tried, fallback = try_node.body[0], handler.body[0]
    if not (isinstance(tried, ast.Assign) and isinstance(fallback, ast.Assign)):
        return False
    if ast.dump(tried.targets[0]) != ast.dump(fallback.targets[0]):
        return False
    value = fallback.value
    return isinstance(value, ast.Constant) or (
        isinstance(value, (ast.List, ast.Dict, ast.Tuple, ast.Set))
        and not getattr(value, "elts", getattr(value, "keys", None))
    )


def _answered_right_after(
    try_node: ast.Try | ast.TryStar, node: ast.FunctionDef | ast.AsyncFunctionDef
) -> bool:
    """``try: await task`` / ``except BaseException: pass`` and then ``return
    JSONResponse(..., status_code=400)``: the statement right after the ``try`` answers
    with an error status, whatever the awaited cleanup raised."""
    for block in walk(node):
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(block, field, None)
            if not isinstance(statements, list) or try_node not in statements:
                continue
            index = statements.index(try_node)
            after = statements[index + 1] if index + 1 < len(statements) else None
            return isinstance(after, ast.Return) and _error_status(after.value)
    return False


def _cleanup_only(try_node: ast.Try | ast.TryStar) -> bool:
    """``try: await old_session.close()``: releasing something, whose failure the route
    can do without (best-effort teardown)."""
    if len(try_node.body) != 1 or not isinstance(try_node.body[0], ast.Expr):
        return False
    value = try_node.body[0].value
    if isinstance(value, ast.Await):
        value = value.value
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _CLEANUP
    )


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    """Whether ``node``'s span lies within ``outer``'s."""
    start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    end = (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)
    outer_start = (getattr(outer, "lineno", 0), getattr(outer, "col_offset", 0))
    outer_end = (getattr(outer, "end_lineno", 0) or 0, getattr(outer, "end_col_offset", 0) or 0)
    return outer_start <= start and end <= outer_end


def _hands_to_raiser(handler: ast.ExceptHandler) -> bool:
    """``except Exception as e: self.handle_exceptions(e)``: the handler ends by handing
    the exception to a function named for raising or handling it (a base class's mapper
    to `HTTPException`s, say). A logger is not one (``log(e)`` still swallows)."""
    if handler.name is None:
        return False
    body = list(handler.body)
    # ``self.handle_exceptions(e)`` then ``return None`` for the type checker: the return
    # is never reached when the call always raises.
    while body and _returns_nothing(body[-1]):
        body.pop()
    if not body:
        return False
    last = body[-1]
    if not isinstance(last, ast.Expr) or not isinstance(last.value, ast.Call):
        return False
    call = last.value
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if not _RAISER_WORDS.intersection(name_words(name)):
        return False
    return any(isinstance(arg, ast.Name) and arg.id == handler.name for arg in call.args)


def _returns_nothing(statement: ast.stmt) -> bool:
    """``pass``, ``return`` or ``return None``."""
    if isinstance(statement, ast.Pass):
        return True
    return isinstance(statement, ast.Return) and (
        statement.value is None
        or (isinstance(statement.value, ast.Constant) and statement.value.value is None)
    )


def _failure_accounted_for(
    handler: ast.ExceptHandler,
    try_node: ast.Try | ast.TryStar,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    route: ast.Call | None,
) -> bool:
    if _answers_with_error_status(handler) or _hands_to_raiser(handler):
        return True
    if _fallback_value(try_node, handler) or _cleanup_only(try_node):
        return True
    if _answered_right_after(try_node, node):
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
