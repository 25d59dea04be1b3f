"""DOC101 (create-route-without-status-code): Creating POST route answers 200 instead of 201."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastaudit.engine.context import ROUTE_METHODS, CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import BACKGROUND_TASKS, keyword_arg, name_words
from fastaudit.rules.api_docs._shared import (
    QUEUE_METHODS,
    FunctionNode,
    has_splat,
    route_label,
    route_methods,
)
from fastaudit.rules.base import Rule

_CREATE_VERBS = frozenset({"create", "add", "new", "register", "insert", "upload", "signup"})
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
    node: FunctionNode
    named: bool  # the function name starts with a create verb
    into: bool = False  # ... and says where to: ``add_items_to_cart`` (nothing new made)
    answers: bool = False  # some ``return`` gives a value
    queued: str = ""  # the first queueing call, as written: ``task.delay(...)``
    background: str = ""  # the first ``BackgroundTasks.add_task(...)``
    persists: bool = False  # ``session.add(...)`` somewhere in the body
    html: bool = False  # answers with a page, a redirect or another response it builds
    built: set[str] = field(default_factory=set)  # names bound to ``Class(...)``
    added: dict[str, str] = field(default_factory=dict)  # name -> ``db.add(name)``
    returned: str = ""  # ``db.add(x)`` of an ``x`` built here and returned


class CreateRouteWithoutStatusCode(Rule):
    id = "DOC101"
    skips_tests = True  # a test's throwaway app has no schema readers (``visit_FunctionDef``)
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
    a `Response` parameter or are annotated `-> Response` or one of its subclasses such
    as `-> JSONResponse` (they set their status
    themselves, or answer with a response whose status FastAPI keeps), routes serving
    several methods (`api_route(..., methods=["GET", "POST"])`, stacked decorators),
    HTML form routes (`response_class=HTMLResponse`, or returning `HTMLResponse`,
    `RedirectResponse` or a template's `TemplateResponse`), and the throwaway apps of
    tests.
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

    calls = CallFilter.of(attrs=[*QUEUE_METHODS, "add_task", "TemplateResponse", "add", "add_all"])

    def __init__(self) -> None:
        self._routes: dict[int, _CreateCandidate] = {}

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        route = ctx.route_decorator(node)
        if route is None or route_methods(route) != ["POST"] or has_splat(route):
            return
        if is_test_path(ctx.path):
            return  # a test's throwaway app: nobody reads its schema
        if keyword_arg(route, "status_code") is not None:
            return
        if any(_is_route_call(d, ctx) for d in node.decorator_list if d is not route):
            return  # ``@router.get`` and ``@router.post`` on one function
        response_class = keyword_arg(route, "response_class")
        if response_class is not None and _is_html_response(response_class.value, ctx):
            return
        if _is_html_response(node.returns, ctx):
            return
        if node.returns is not None and _resolves_to_response(node.returns, ctx):
            # ``-> Response``: it answers with a response of its own making (an OAuth
            # library's, say), whose status FastAPI keeps; the decorator's is unused.
            return
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.annotation is not None and _resolves_to_response(arg.annotation, ctx):
                return
        words = name_words(node.name)
        candidate = _CreateCandidate(route, node, bool(words) and words[0] in _CREATE_VERBS)
        # ``add_ingredients_to_list``: puts things into something that exists already.
        candidate.into = candidate.named and "to" in words[1:]
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
        if func.attr in QUEUE_METHODS and not candidate.queued:
            candidate.queued = f"{ctx.text(func)}(...)"
        elif func.attr == "add_task" and ctx.resolve(func.value) in BACKGROUND_TASKS:
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
        if not (isinstance(value, ast.Constant) and value.value is None):
            candidate.answers = True
        made = value.func if isinstance(value, ast.Call) else value
        resolved = (ctx.resolve(made) or "").removesuffix("()")
        if resolved in _RESPONSES:
            # ``return JSONResponse(...)`` (or a name bound to one): its own status is
            # sent, the decorator's would be unused.
            candidate.html = True
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

    def leave_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        candidate = self._routes.pop(id(node), None)
        if candidate is None or candidate.html:
            return
        if not (candidate.named or candidate.returned):
            return
        label = route_label(candidate.route, node)
        queued = candidate.queued or (not candidate.persists and candidate.background)
        if queued:
            ctx.report(
                candidate.route,
                f"{label} queues work (`{queued}`) but answers 200 OK; add "
                "`status_code=status.HTTP_202_ACCEPTED`",
            )
            return
        if candidate.into and not candidate.returned:
            return  # adds to a resource that exists: 200 fits
        if not candidate.answers and not _is_stub(node) and not _declares_answer(candidate):
            return  # answers nothing (``add_favorite`` setting a flag): no resource to show
        how = f" (`{candidate.returned}`, then returns it)" if not candidate.named else ""
        ctx.report(
            candidate.route,
            f"{label} creates a resource{how} but answers 200 OK; add "
            "`status_code=status.HTTP_201_CREATED`",
        )

    leave_AsyncFunctionDef = leave_FunctionDef


def _declares_answer(candidate: _CreateCandidate) -> bool:
    """A ``response_model=`` or a return annotation other than ``None``: the route says
    it answers with something, whatever its body returns today."""
    returns = candidate.node.returns
    if returns is not None and not (isinstance(returns, ast.Constant) and returns.value is None):
        return True
    return keyword_arg(candidate.route, "response_model") is not None


def _is_stub(node: FunctionNode) -> bool:
    """A body of ``...``, ``pass`` and a docstring: what it returns is not written yet."""
    return all(
        isinstance(statement, ast.Pass)
        or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in node.body
    )


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


# ``Response`` and the classes deriving from it that a route may build and return.
_RESPONSES = frozenset(
    {"fastapi.Response", "starlette.responses.Response"}
    | {
        f"{module}.{name}"
        for module in ("fastapi.responses", "starlette.responses")
        for name in (
            "Response",
            "JSONResponse",
            "ORJSONResponse",
            "UJSONResponse",
            "PlainTextResponse",
            "StreamingResponse",
            "FileResponse",
        )
    }
)


def _resolves_to_response(annotation: ast.expr, ctx: FileContext) -> bool:
    return ctx.resolve(annotation) in _RESPONSES
