"""DOC: what a route tells its clients and the OpenAPI schema (status codes, response
models, summaries), and where its work runs (background tasks, sync vs async)."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastaudit.engine.context import ROUTE_METHODS, FileContext, module_name
from fastaudit.engine.project_index import (
    ANNOTATED_ALIAS,
    DOCUMENTED_ROUTER,
    INCLUDED,
    MOUNTED,
    UNPUBLISHED_APP,
)
from fastaudit.model import Finding, Severity, Span
from fastaudit.rules._support.inflect import singular
from fastaudit.rules._support.project_walk import file_facts, is_test_path, text_contains
from fastaudit.rules._support.route_calls import (
    DEPENDS_MARKERS,
    keyword_arg,
    name_words,
    status_number,
)
from fastaudit.rules.base import ProjectRule, Rule

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView

_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, slots=True)
class _At:
    """A position to report at when no single node covers it (a ``def name`` header)."""

    lineno: int
    col_offset: int
    end_lineno: int
    end_col_offset: int


def _def_header(node: _FunctionNode) -> _At:
    keyword = "async def " if isinstance(node, ast.AsyncFunctionDef) else "def "
    width = len((keyword + node.name).encode("utf-8"))
    return _At(node.lineno, node.col_offset, node.lineno, node.col_offset + width)


def _has_splat(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def _methods(route: ast.Call) -> list[str]:
    verb = route.func.attr  # type: ignore[attr-defined]
    if verb != "api_route":
        return [verb.upper()]
    methods = keyword_arg(route, "methods")
    if methods is not None and isinstance(methods.value, (ast.List, ast.Tuple, ast.Set)):
        return [
            e.value.upper()
            for e in methods.value.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return ["GET"]


def _route_label(route: ast.Call, node: _FunctionNode) -> str:
    path_node = route.args[0] if route.args else getattr(keyword_arg(route, "path"), "value", None)
    if isinstance(path_node, ast.Constant) and isinstance(path_node.value, str):
        path = path_node.value or '""'
    else:
        path = "..."
    return f"`{'/'.join(_methods(route))} {path}` (`{node.name}`)"


_RESPONSE_MODULES = ("fastapi.responses.", "starlette.responses.", "fastapi.Response")


# ------------------------------------------------------------------ DOC101
_CREATE_VERBS = frozenset({"create", "add", "new", "register", "insert", "upload", "signup"})
# Calls that hand work to a task queue: Celery, RQ, Arq, Dramatiq, TaskIQ...
_QUEUE_METHODS = frozenset(
    {"delay", "apply_async", "send_task", "enqueue", "enqueue_job", "enqueue_call", "kiq"}
)
_HTML_RESPONSES = frozenset(
    f"{module}.{name}"
    for module in ("fastapi.responses", "starlette.responses")
    for name in ("HTMLResponse", "RedirectResponse")
)
_SESSION_WORDS = frozenset({"db", "session", "database"})


def _session_like(node: ast.expr, ctx: FileContext) -> bool:
    """``db``, ``session``, ``self.db_session``, or a name typed as a session class."""
    resolved = ctx.resolve(node) or ""
    if resolved.startswith(("sqlalchemy.", "sqlmodel.")) and "Session" in resolved:
        return True
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return bool(_SESSION_WORDS.intersection(name_words(name)))


def _is_html_response(node: ast.expr | None, ctx: FileContext) -> bool:
    return node is not None and ctx.resolve(node) in _HTML_RESPONSES


@dataclass(slots=True)
class _CreateCandidate:
    route: ast.Call
    node: _FunctionNode
    named: bool  # the function name starts with a create verb
    queued: str = ""  # the first queueing call, as written: ``task.delay(...)``
    background: str = ""  # the first ``BackgroundTasks.add_task(...)``
    persists: bool = False  # ``session.add(...)`` somewhere in the body
    html: bool = False  # answers with a page or a redirect
    built: set[str] = field(default_factory=set)  # names bound to ``Class(...)``
    added: dict[str, str] = field(default_factory=dict)  # name -> ``db.add(name)``
    returned: str = ""  # ``db.add(x)`` of an ``x`` built here and returned


class CreateRouteWithoutStatusCode(Rule):
    id = "DOC101"
    name = "create-route-without-status-code"
    title = "Creating POST route answers 200 instead of 201"
    severity = Severity.WARNING
    rationale = """
    A route that creates something should say so with `201 Created`: clients, generated
    SDKs and the OpenAPI document rely on the status code, and FastAPI answers `200 OK`
    unless told otherwise. Set `status_code=status.HTTP_201_CREATED` on the decorator. A
    POST route counts as creating when its function name starts with
    create/add/new/register/insert/upload/signup, or when its body builds an object,
    adds it to a database session (`db.add(order)`) and returns it. When the route only
    queues the work (`task.delay(...)`, `.apply_async(...)`, `send_task(...)`,
    `.enqueue(...)`, Arq's `enqueue_job(...)`, or `BackgroundTasks` without writing
    anything itself) the advice is `202 Accepted` instead. Left alone: routes that take
    a `Response` parameter (they set their status themselves), routes serving several
    methods (`api_route(..., methods=["GET", "POST"])`, stacked decorators), and HTML
    form routes (`response_class=HTMLResponse`, or returning `HTMLResponse`,
    `RedirectResponse` or a template's `TemplateResponse`).
    """
    dont = """
    from fastapi import APIRouter

    from app.orders.schemas import OrderIn, OrderOut

    router = APIRouter()


    @router.post("/orders", response_model=OrderOut)
    async def create_order(order: OrderIn):
        ...
    """
    do = """
    from fastapi import APIRouter, status

    from app.orders.schemas import OrderIn, OrderOut

    router = APIRouter()


    @router.post("/orders", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
    async def create_order(order: OrderIn):
        ...
    """
    extra_valid = (
        # An action, not a creation.
        """
        from fastapi import APIRouter
        router = APIRouter()

        @router.post("/auth/login")
        async def login(): ...
        """,
        # Sets the status itself through the Response parameter.
        """
        from fastapi import APIRouter, Response
        router = APIRouter()

        @router.post("/items")
        async def create_item(response: Response):
            response.status_code = 201
        """,
        # A PUT, and a POST on something that is not an app or router.
        """
        from fastapi import APIRouter
        router = APIRouter()
        mailer = object()

        @router.put("/items/{item_id}")
        async def create_or_replace_item(item_id: int): ...

        @mailer.post("/x")
        def create_draft(): ...
        """,
        # A form page: shown with GET, posted back, answered with a redirect.
        """
        from fastapi import APIRouter, Form
        from fastapi.responses import RedirectResponse
        router = APIRouter()

        @router.api_route("/signup", methods=["GET", "POST"])
        async def signup(): ...

        @router.post("/notes")
        async def add_note(text: str = Form(...)):
            return RedirectResponse("/notes", status_code=303)
        """,
        # Queues the work and says so.
        """
        from fastapi import APIRouter, status
        router = APIRouter()

        @router.post("/exports", status_code=status.HTTP_202_ACCEPTED)
        def create_export(kind: str) -> dict:
            return {"job": render_export.delay(kind).id}
        """,
    )
    extra_invalid = (
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.api_route("/users", methods=["POST"])
        def register_user(): ...
        """,
        """
        from fastapi import APIRouter
        router = APIRouter()

        @router.post("/documents")
        async def upload_document(): ...
        """,
        # Created by its body: built, added to the session, returned.
        """
        from fastapi import APIRouter
        router = APIRouter()

        @router.post("/orders")
        async def place_order(sku: str, session: AsyncSession):
            order = Order(sku=sku)
            session.add(order)
            await session.commit()
            return order
        """,
    )

    def __init__(self) -> None:
        self._routes: dict[int, _CreateCandidate] = {}

    def visit_FunctionDef(self, node: _FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None or _methods(route) != ["POST"] or _has_splat(route):
            return
        if keyword_arg(route, "status_code") is not None:
            return
        if any(_is_route_call(d, ctx) for d in node.decorator_list if d is not route):
            return  # ``@router.get`` and ``@router.post`` on one function
        response_class = keyword_arg(route, "response_class")
        if response_class is not None and _is_html_response(response_class.value, ctx):
            return
        if _is_html_response(node.returns, ctx):
            return
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.annotation is not None and _resolves_to_response(arg.annotation, ctx):
                return
        words = name_words(node.name)
        candidate = _CreateCandidate(route, node, bool(words) and words[0] in _CREATE_VERBS)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.annotation is not None and _annotation_is(arg.annotation, ctx, _BACKGROUND):
                candidate.background = f"{arg.arg}: {ctx.text(arg.annotation)}"
        self._routes[id(node)] = candidate

    visit_AsyncFunctionDef = visit_FunctionDef

    def _candidate(self, ctx: FileContext) -> _CreateCandidate | None:
        function = ctx.function
        return self._routes.get(id(function.node)) if function is not None else None

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or not self._routes:
            return
        candidate = self._candidate(ctx)
        if candidate is None:
            return
        if func.attr in _QUEUE_METHODS and not candidate.queued:
            candidate.queued = f"{ctx.text(func)}(...)"
        elif func.attr == "add_task" and ctx.resolve(func.value) in _BACKGROUND_TASKS:
            candidate.background = f"{ctx.text(func)}(...)"
        elif func.attr == "TemplateResponse":
            candidate.html = True
        elif func.attr in ("add", "add_all") and node.args and _session_like(func.value, ctx):
            candidate.persists = True
            added = node.args[0]
            if func.attr == "add" and isinstance(added, ast.Name):
                candidate.added.setdefault(added.id, f"{ctx.text(func)}({added.id})")

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not self._routes:
            return
        candidate = self._candidate(ctx)
        value = node.value
        if candidate is None or not isinstance(value, ast.Call):
            return
        callee = value.func
        name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
        if name[:1].isupper():  # ``order = Order(...)``: a new object
            for target in node.targets:
                if isinstance(target, ast.Name):
                    candidate.built.add(target.id)

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        if not self._routes:
            return
        candidate = self._candidate(ctx)
        value = node.value
        if candidate is None or value is None:
            return
        if isinstance(value, ast.Call) and (
            _is_html_response(value.func, ctx)
            or (isinstance(value.func, ast.Attribute) and value.func.attr == "TemplateResponse")
        ):
            candidate.html = True
        elif (
            isinstance(value, ast.Name)
            and value.id in candidate.built
            and value.id in candidate.added
            and not candidate.returned
        ):
            candidate.returned = candidate.added[value.id]

    def leave_FunctionDef(self, node: _FunctionNode, ctx: FileContext) -> None:
        candidate = self._routes.pop(id(node), None)
        if candidate is None or candidate.html:
            return
        if not (candidate.named or candidate.returned):
            return
        label = _route_label(candidate.route, node)
        queued = candidate.queued or (not candidate.persists and candidate.background)
        if queued:
            ctx.report(
                candidate.route,
                f"{label} queues work (`{queued}`) but answers 200 OK; add "
                "`status_code=status.HTTP_202_ACCEPTED`",
            )
            return
        how = f" (`{candidate.returned}`, then returns it)" if not candidate.named else ""
        ctx.report(
            candidate.route,
            f"{label} creates a resource{how} but answers 200 OK; add "
            "`status_code=status.HTTP_201_CREATED`",
        )

    leave_AsyncFunctionDef = leave_FunctionDef


def _is_route_call(decorator: ast.expr, ctx: FileContext) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_METHODS
        and ctx.is_app_or_router(decorator.func.value)
    )


def _annotation_is(annotation: ast.expr, ctx: FileContext, names: frozenset[str]) -> bool:
    """``BackgroundTasks`` and ``Annotated[BackgroundTasks, ...]``."""
    if isinstance(annotation, ast.Subscript):
        inner = annotation.slice
        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return ctx.resolve(first) in names
    return ctx.resolve(annotation) in names


_BACKGROUND = frozenset({"fastapi.BackgroundTasks", "starlette.background.BackgroundTasks"})


def _resolves_to_response(annotation: ast.expr, ctx: FileContext) -> bool:
    target = ctx.resolve(annotation)
    return target in ("fastapi.Response", "starlette.responses.Response")


# ------------------------------------------------------------------ DOC102
class RouteWithoutResponseModel(Rule):
    id = "DOC102"
    name = "route-without-response-model"
    title = "Route declares no response model or return type"
    severity = Severity.WARNING
    see_also = "FAST001"
    rationale = """
    Without `response_model=` or a return annotation, the OpenAPI schema shows an empty
    response body, generated clients get `Any`, and FastAPI returns whatever the function
    returns: an ORM object serialises every column, including the ones nobody meant to
    expose. Annotate the return type (`-> OrderOut`) or pass `response_model=`. A route
    that never returns a value should say so: `-> None`, and `status_code=204`, or `202`
    when it only queues work (`BackgroundTasks`, `.delay(...)`), so clients expect no
    body. Routes that answer 204/3xx, set `response_class=`, return a `Response` object,
    or are hidden from the schema are left alone.
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

    def __init__(self) -> None:
        self._routes: dict[int, tuple[ast.Call, _FunctionNode]] = {}
        # Routes (by id) that answer with a value somewhere, and those that queue work.
        self._valued: set[int] = set()
        self._queues: set[int] = set()

    def visit_FunctionDef(self, node: _FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None or node.returns is not None or _has_splat(route):
            return
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
            func.attr in _QUEUE_METHODS
            or (func.attr == "add_task" and ctx.resolve(func.value) in _BACKGROUND_TASKS)
        ):
            self._queues.add(route)

    def leave_FunctionDef(self, node: _FunctionNode, ctx: FileContext) -> None:
        found = self._routes.pop(id(node), None)
        if found is None:
            return
        route, _ = found
        label = _route_label(route, node)
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


# ------------------------------------------------------------------ DOC103
_HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)


@dataclass(slots=True)
class _Documented:
    route: ast.Call
    node: _FunctionNode
    raised: list[int] = field(default_factory=list)


class UndocumentedRoute(Rule):
    id = "DOC103"
    name = "undocumented-route"
    title = "Route without summary, description, tags or error responses"
    severity = Severity.INFO
    default_enabled = False
    rationale = """
    The interactive docs and generated clients are only as good as what each route
    declares: a `summary=` or `description=` (a docstring becomes the description),
    `tags=` to group routes, and `responses=` for the error statuses it raises. This
    rule is opinionated and off unless selected (`select = ["DOC103"]`). Tags are only
    asked of routes declared on the `FastAPI()` app itself, since routers are usually
    tagged where they are included; error statuses are those raised as
    `HTTPException` directly in the route's body.
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
        made = ctx.resolve(value.func)
        if made == "fastapi.FastAPI" and _is_none(keyword_arg(value, "openapi_url")):
            ctx.add_fact(UNPUBLISHED_APP, ctx.qualify(target.id))
        elif made == "fastapi.APIRouter" and _is_false(keyword_arg(value, "include_in_schema")):
            self._hidden_routers.add(target.id)
        responses = keyword_arg(value, "responses")
        if made in ("fastapi.APIRouter", "fastapi.FastAPI") and responses is not None:
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

    def visit_FunctionDef(self, node: _FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None or _has_splat(route) or is_test_path(ctx.path):
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
        if ctx.resolve(exc.func) not in _HTTP_EXCEPTIONS:
            return
        code = keyword_arg(exc, "status_code")
        number = status_number(code.value if code else exc.args[0] if exc.args else None)
        if number is not None and number not in found.raised:
            found.raised.append(number)

    def leave_FunctionDef(self, node: _FunctionNode, ctx: FileContext) -> None:
        found = self._routes.pop(id(node), None)
        if found is None:
            return
        route = found.route
        missing = []
        if (
            keyword_arg(route, "summary") is None
            and keyword_arg(route, "description") is None
            and ast.get_docstring(node) is None
        ):
            missing.append("no summary or description (nor a docstring)")
        if (
            keyword_arg(route, "tags") is None
            and ctx.resolve(route.func.value) == "fastapi.FastAPI()"
        ):  # type: ignore[attr-defined]
            missing.append("no tags")
        owner_node = route.func.value  # type: ignore[attr-defined]
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
            message = f"{_route_label(route, node)} {verb}{said}"
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


# ------------------------------------------------------------------ RTE103
_BACKGROUND_TASKS = frozenset(
    {"fastapi.BackgroundTasks()", "starlette.background.BackgroundTasks()"}
)
_MONEY_WORDS = frozenset(
    {
        "charge", "payment", "pay", "invoice", "refund", "payout", "billing", "bill",
        "transfer", "withdraw", "withdrawal", "settle", "settlement", "capture", "debit",
        "ledger", "reconcile", "chargeback", "disburse", "disbursement", "remit", "remittance",
    }
)  # fmt: skip
_NOTICE_WORDS = frozenset(
    {"email", "mail", "notify", "notification", "log", "sms", "message", "slack", "receipt",
     "alert", "audit", "push", "track", "metric", "analytics"}
)  # fmt: skip


class CriticalWorkInBackgroundTasks(Rule):
    id = "RTE103"
    name = "critical-work-in-background-tasks"
    title = "Money-moving work handed to `BackgroundTasks`"
    severity = Severity.INFO
    rationale = """
    `BackgroundTasks` run in the same worker process, after the response is sent, once:
    no retry, no record, and nothing survives a restart or a crash. That is fine for a
    welcome e-mail, not for charging a card or issuing a refund. Hand such work to a
    task queue with retries and visibility (Celery, Arq, RQ, Dramatiq). The check is
    deliberately narrow: it looks only at the name of the function given to
    `add_task(...)` on a `BackgroundTasks` parameter, and reports it when a word of that
    name is about moving money (charge, payment, invoice, refund, payout, transfer,
    settlement...) and none is about a notice (email, notify, receipt, log...).
    """
    dont = """
    from fastapi import APIRouter, BackgroundTasks

    from app.billing.service import charge_card

    router = APIRouter()


    @router.post("/subscriptions/{plan}", status_code=202)
    async def subscribe(plan: str, tasks: BackgroundTasks) -> dict:
        tasks.add_task(charge_card, plan)
        return {"plan": plan}
    """
    do = """
    from fastapi import APIRouter

    from app.billing.worker import charge_card  # an Arq/Celery task

    router = APIRouter()


    @router.post("/subscriptions/{plan}", status_code=202)
    async def subscribe(plan: str) -> dict:
        await charge_card.enqueue(plan)
        return {"plan": plan}
    """
    extra_valid = (
        """
        from fastapi import BackgroundTasks

        async def signup(tasks: BackgroundTasks):
            tasks.add_task(send_payment_receipt_email, "a@b.test")
            tasks.add_task(send_welcome_email, "a@b.test")
        """,
        # Not FastAPI's BackgroundTasks.
        """
        async def enqueue(scheduler):
            scheduler.add_task(charge_card, 10)
        """,
    )
    extra_invalid = (
        """
        from starlette.background import BackgroundTasks

        def close_order(bg: BackgroundTasks):
            bg.add_task(billing.issueRefund, 3)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "add_task" and node.args):
            return
        if ctx.resolve(func.value) not in _BACKGROUND_TASKS:
            return
        task = node.args[0]
        if isinstance(task, ast.Name):
            name = task.id
        elif isinstance(task, ast.Attribute):
            name = task.attr
        else:
            return
        words = [singular(w) for w in name_words(name)]
        money = next((w for w in words if w in _MONEY_WORDS), None)
        if money is None or any(w in _NOTICE_WORDS for w in words):
            return
        ctx.report(
            node,
            f"`{ctx.text(func)}({ctx.text(task)}, ...)` runs `{name}` as a background task; "
            f"its name contains `{money}`, which reads like moving money: background tasks "
            "are not retried and are lost if the worker stops; use a task queue",
        )


# ------------------------------------------------------------------ ASY106 / ASY107
_PURE_BUILTINS = frozenset(
    f"builtins.{name}"
    for name in (
        "len", "int", "str", "float", "bool", "dict", "list", "set", "tuple", "frozenset",
        "bytes", "isinstance", "issubclass", "min", "max", "sum", "sorted", "reversed", "any",
        "all", "range", "enumerate", "zip", "abs", "round", "getattr", "hasattr", "repr", "map",
        "filter", "divmod", "hash", "iter", "next", "format", "type", "callable", "chr", "ord",
    )
)  # fmt: skip
_PURE_CALLEES = _PURE_BUILTINS | _HTTP_EXCEPTIONS
_PURE_MODULES = (
    "math.", "re.", "json.", "uuid.", "hmac.", "secrets.", "hashlib.", "base64.", "string.",
    "itertools.", "functools.", "operator.", "datetime.", "decimal.", "enum.", "typing.",
    "collections.", "dataclasses.", "textwrap.", "fractions.", "zoneinfo.", "ipaddress.",
    "urllib.parse.", "fastapi.status.", "starlette.status.",
)  # fmt: skip
_PURE_RECEIVERS = (
    *(f"builtins.{t}()." for t in ("str", "dict", "list", "set", "tuple", "int", "float")),
    "fastapi.Request().headers.", "fastapi.Request().query_params.",
    "fastapi.Request().cookies.", "fastapi.Request().path_params.", "fastapi.Request().url.",
)  # fmt: skip
# Methods that are string manipulation whatever the receiver (never I/O).
_STRING_METHODS = frozenset(
    {
        "split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title",
        "capitalize", "startswith", "endswith", "replace", "removeprefix", "removesuffix",
        "partition", "rpartition", "isdigit", "isalnum", "isalpha", "splitlines", "zfill",
    }
)  # fmt: skip


def _pure_call(node: ast.Call, ctx: FileContext) -> bool:
    """True for calls that certainly do no I/O: builtins, pure stdlib modules, the
    file's own classes, methods of plain values, ``HTTPException``."""
    callee = ctx.resolve(node.func)
    if callee is None:
        func = node.func
        return isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS
    if callee in _PURE_CALLEES or callee.startswith(_PURE_MODULES + _PURE_RECEIVERS):
        return True
    if callee.startswith("builtins.") and callee.endswith(("Error", "Exception", "Warning")):
        return True
    func = node.func
    # A class defined in this module: building an object does no I/O.
    return isinstance(func, ast.Name) and callee == (ctx.qualify(func.id))


@dataclass(slots=True)
class _SyncFunction:
    node: ast.FunctionDef
    route: ast.Call | None
    module_level: bool
    pure: bool = True


class _SyncFunctionFacts:
    """Walk state shared by ASY106/ASY107 and their project pass: which sync functions
    make no call that could block, and which names ``Depends(...)`` refers to."""

    def _facts(self) -> None:
        self.frames: dict[int, _SyncFunction] = {}
        self.pure_functions: dict[str, tuple[Span, _SyncFunction]] = {}
        self.pure_routes: list[tuple[Span, _SyncFunction]] = []
        self.local_refs: set[str] = set()
        self.imported_refs: set[str] = set()

    def _frame(self, ctx: FileContext) -> _SyncFunction | None:
        function = ctx.function
        return self.frames.get(id(function.node)) if function is not None else None

    def _taint(self, ctx: FileContext) -> None:
        frame = self._frame(ctx)
        if frame is not None:
            frame.pure = False

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._taint(ctx)  # a nested def: too clever to judge, keep the outer as is
        module_level = ctx.function is None and ctx.class_name is None
        self.frames[id(node)] = _SyncFunction(node, ctx.route_decorator(node), module_level)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._taint(ctx)

    def visit_Lambda(self, node: ast.Lambda, ctx: FileContext) -> None:
        self._taint(ctx)

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._taint(ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.resolve(node.func) in DEPENDS_MARKERS:
            target = (
                node.args[0]
                if node.args
                else getattr(keyword_arg(node, "dependency"), "value", None)
            )
            if isinstance(target, ast.Name):
                found, value = ctx.lookup(target.id)
                if found and value is None:
                    self.local_refs.add(target.id)
                elif value is not None and not value.endswith("()"):
                    self.imported_refs.add(value)
        frame = self._frame(ctx)
        if frame is not None and frame.pure and not _pure_call(node, ctx):
            frame.pure = False

    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        frame = self.frames.pop(id(node), None)
        if frame is None or not frame.pure:
            return
        span = ctx.span(_def_header(node))
        if frame.route is not None:
            self.pure_routes.append((span, frame))
        elif frame.module_level:
            self.pure_functions[node.name] = (span, frame)


def _dependency_message(name: str, used_in: str) -> str:
    return (
        f"`def {name}` is a sync dependency ({used_in}) whose body makes no call that "
        "could block, yet FastAPI runs it in the threadpool on every request; make it "
        "`async def`"
    )


# Noted once per file by ASY106: the qualified names ``Depends(...)``/``Security(...)``
# name outside the file (files that spell ``Depends(``/``Security(`` only), and the pure
# module-level sync functions no ``Depends`` of the file names: (name, line, column,
# end_line, end_column).
DEPENDS_IMPORTED_FACT = "depends-imported"
PURE_FUNCTIONS_FACT = "pure-sync-functions"


class SyncDependencyWithoutBlockingWork(_SyncFunctionFacts, ProjectRule):
    id = "ASY106"
    name = "sync-dependency-without-blocking-work"
    title = "Sync dependency that does no blocking work"
    severity = Severity.INFO
    rationale = """
    FastAPI runs a `def` dependency in its threadpool (40 threads by default) so that
    blocking work cannot stall the event loop. A dependency that only reads its
    parameters, checks a header or raises `HTTPException` pays a thread hop on every
    request for nothing, and competes with the routes that really need threads. Make it
    `async def`. A function counts as a dependency when `Depends(...)`/`Security(...)`
    names it, in its own file or in another; its body must call only builtins, pure
    standard-library modules, classes of its own module, string methods or
    `HTTPException`. Anything else (a database, a cache, an unknown helper) keeps it
    sync and unreported.
    """
    dont = """
    from typing import Annotated

    from fastapi import Depends, Header, HTTPException

    from app.config import settings


    def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
        if x_api_key != settings.API_KEY:
            raise HTTPException(status_code=401)


    ApiKey = Depends(require_api_key)
    """
    do = """
    async def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
        if x_api_key != settings.API_KEY:
            raise HTTPException(status_code=401)
    """
    dont_files = {
        "app/dependencies.py": """
            from typing import Annotated

            from fastapi import Header, HTTPException

            from app.config import settings


            def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
                if x_api_key.strip() != settings.API_KEY:
                    raise HTTPException(status_code=401)
            """,
        "app/orders/router.py": """
            from fastapi import APIRouter, Depends

            from app.dependencies import require_api_key

            router = APIRouter(dependencies=[Depends(require_api_key)])
            """,
    }
    do_files = {
        "app/dependencies.py": """
            from typing import Annotated

            from fastapi import Header, HTTPException

            from app.config import settings


            async def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
                if x_api_key.strip() != settings.API_KEY:
                    raise HTTPException(status_code=401)


            def load_user(token: str):
                return fetch_user(token)
            """,
        "app/orders/router.py": """
            from fastapi import APIRouter, Depends

            from app.dependencies import load_user, require_api_key

            router = APIRouter(dependencies=[Depends(require_api_key), Depends(load_user)])
            """,
    }
    extra_valid = (
        # Does I/O (a session, an unknown helper): sync is right.
        """
        from fastapi import Depends
        from app.database import SessionLocal

        def get_db():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()

        def current_user(token: str):
            return decode_and_load(token)

        async def route(db=Depends(get_db), user=Depends(current_user)): ...
        """,
        # Pure, but not used as a dependency.
        """
        def pagination(skip: int = 0, limit: int = 50) -> dict:
            return {"skip": skip, "limit": min(limit, 100)}
        """,
        # Already async.
        """
        from fastapi import Depends

        async def pagination(skip: int = 0) -> dict:
            return {"skip": skip}

        async def route(page=Depends(pagination)): ...
        """,
        # ``.get`` on an unknown object may be a database or cache call.
        """
        from fastapi import Depends

        def cached_flag(cache, name: str):
            return cache.get(name)

        async def route(flag=Depends(cached_flag)): ...
        """,
    )
    extra_invalid = (
        """
        from typing import Annotated
        from fastapi import Depends

        def pagination(skip: int = 0, limit: int = 50) -> dict:
            return {"skip": skip, "limit": min(limit, 100)}

        Page = Annotated[dict, Depends(pagination)]
        """,
    )

    def __init__(self) -> None:
        self._facts()

    def finish(self, ctx: FileContext) -> None:
        for name in sorted(self.local_refs):
            found = self.pure_functions.get(name)
            if found is not None:
                _, frame = found
                ctx.report(
                    _def_header(frame.node),
                    _dependency_message(name, "named in `Depends(...)` in this file"),
                )
        # Facts for the project pass (dependencies used across files).
        if self.imported_refs and text_contains(ctx, "Depends(", "Security("):
            ctx.add_fact(DEPENDS_IMPORTED_FACT, tuple(sorted(self.imported_refs)))
        pure = tuple(
            (name, span.line, span.column, span.end_line, span.end_column)
            for name, (span, _) in self.pure_functions.items()
            if name not in self.local_refs
        )
        if pure:
            ctx.add_fact(PURE_FUNCTIONS_FACT, pure)

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        """Dependencies defined in one module and named in `Depends` in another."""
        referenced: dict[str, str] = {}  # qualified name -> first file naming it
        for path in project.python_files:
            if is_test_path(path):
                continue
            for refs in file_facts(project, path, DEPENDS_IMPORTED_FACT):
                for qualified in refs:
                    referenced.setdefault(qualified, path)
        if not referenced:
            return []
        modules = {module_name(path)[0]: path for path in project.python_files}
        suffixes = _module_suffixes(modules)
        findings = []
        for qualified, user in sorted(referenced.items()):
            module, _, name = qualified.rpartition(".")
            path = _module_path(modules, module, suffixes)
            if path is None:
                continue
            pure = {
                item[0]: item
                for found in file_facts(project, path, PURE_FUNCTIONS_FACT)
                for item in found
            }
            if name not in pure:
                continue
            _, line, column, end_line, end_column = pure[name]
            findings.append(
                project.finding(
                    self,
                    path,
                    line,
                    _dependency_message(name, f"named in `Depends(...)` in {user}"),
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
            )
        return findings


def _module_path(
    modules: dict[str, str], module: str, suffixes: dict[str, list[str]] | None = None
) -> str | None:
    """The file of ``module``; ``suffixes`` (from :func:`_module_suffixes`) makes the
    src-layout look-up a dict look-up instead of a pass over every module."""
    if module in modules:
        return modules[module]
    # ``app.deps`` imported in a src layout lives in module ``src.app.deps``.
    if suffixes is not None:
        matches = suffixes.get(module, [])
    else:
        matches = [path for name, path in modules.items() if name.endswith("." + module)]
    return matches[0] if len(matches) == 1 else None


def _module_suffixes(modules: dict[str, str]) -> dict[str, list[str]]:
    """Every proper dotted suffix of every module name -> the files of those modules:
    ``src.app.deps`` gives ``app.deps`` and ``deps``."""
    found: dict[str, list[str]] = defaultdict(list)
    for name, path in modules.items():
        index = name.find(".")
        while index >= 0:
            found[name[index + 1 :]].append(path)
            index = name.find(".", index + 1)
    return found


class SyncRouteWithoutBlockingWork(_SyncFunctionFacts, Rule):
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
        self._facts()
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
        for inner in ast.walk(node.value):
            if isinstance(inner, ast.Name) and inner.id in params:
                self._returns_loaded.setdefault(id(function.node), set()).add(params[inner.id])

    def finish(self, ctx: FileContext) -> None:
        # Other files' routes may be typed with this file's aliases.
        module = f"{ctx.module}." if ctx.module else ""
        for name, carries in self.aliases(ctx).items():
            ctx.add_fact(ANNOTATED_ALIAS, (module + name, carries))
        if is_test_path(ctx.path):
            return  # a route of a throwaway app in a test
        for _, frame in self.pure_routes:
            returned = self._returns_loaded.get(id(frame.node), set())
            if None in returned:
                continue  # async, its lazy loads would run on the event loop
            # What it returns was typed with aliases imported from the project: reported
            # only if they all turn out to hold plain request data.
            when = ("plain-annotated-aliases", " ".join(sorted(returned))) if returned else None
            ctx.report(
                _def_header(frame.node),
                f"`def {frame.node.name}` is a sync route whose body makes no call that "
                "could block: FastAPI still runs it in the threadpool; make it `async def`",
                when=when,
            )


def _annotated_aliases(ctx: FileContext) -> dict[str, bool]:
    """The file's module-level ``Name = Annotated[T, ...]`` aliases (also spelled
    ``Name: TypeAlias = ...`` or ``type Name = ...``) -> whether their metadata holds
    ``Depends(...)``/``Security(...)``: ``CurrentCase = Annotated[Case, Depends(get)]``
    hands a route what a dependency loaded, ``PageSize = Annotated[int, Query()]`` plain
    request data."""
    found: dict[str, bool] = {}
    type_alias = getattr(ast, "TypeAlias", None)  # Python 3.12+
    for stmt in ctx.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            name, value = stmt.target.id, stmt.value
        elif type_alias is not None and isinstance(stmt, type_alias):
            name, value = stmt.name.id, stmt.value  # type: ignore[attr-defined]
        else:
            continue
        if isinstance(value, ast.Subscript) and ctx.resolve(value.value) == "typing.Annotated":
            inner = value.slice
            extras = inner.elts[1:] if isinstance(inner, ast.Tuple) else []
            found[name] = any(
                isinstance(e, ast.Call) and ctx.resolve(e.func) in DEPENDS_MARKERS for e in extras
            )
    return found


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
