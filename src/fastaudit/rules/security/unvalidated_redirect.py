"""SEC109 (unvalidated-redirect): a redirect to a URL taken from the request, unchecked."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import Rule
from fastaudit.rules.security._request_data import Flow, RouteData, call_name, route_data

_REDIRECTS = frozenset(
    {
        "fastapi.responses.RedirectResponse",
        "starlette.responses.RedirectResponse",
    }
)
# Words in the name of a check called for its effect (``validate_redirect(url)``).
_CHECK_WORDS = ("valid", "check", "verify", "safe", "allow", "ensure", "trusted", "sanitiz")


class UnvalidatedRedirect(Rule):
    id = "SEC109"
    name = "unvalidated-redirect"
    title = "Redirect to a URL taken from the request, unchecked"
    severity = Severity.WARNING
    peers: ClassVar[tuple[str, ...]] = (
        "semgrep python.fastapi.security.audit.fastapi-unvalidated-redirect",
        "fastapi-doctor security/unvalidated-redirect",
    )
    rationale = """
    A route that redirects wherever a `next`, `return_to` or `redirect_uri` parameter
    says is an open redirect: a link to your own domain, trusted by the person who
    clicks it, sends them to any site the link's author chose (a look-alike login page,
    a page that receives the OAuth code). Check the target before redirecting: accept
    only relative paths (`/...`, not `//...`), or compare its host with an allow-list
    from settings.

    Reported in a route's own body: `RedirectResponse(url)` whose URL starts with a
    value from a route parameter typed as text or URL, or with what a `Request` reads
    (`request.query_params[...]`, `.headers[...]`, `.cookies`, the body), when the route
    tests none of that data (`if`/`assert` conditions that compare it or call something
    on it; a `validate...`/`check...` call made for its effect). A URL that only ends
    with request data (`f"/items/{item_id}"`, `f"{settings.FRONTEND}/?next={url}"`) goes
    to your own site and is not reported, nor is a value passed through a project
    function first. semgrep's `fastapi-unvalidated-redirect` follows the same sources
    to the same sink; this rule adds the typed-parameter filter and the "own site
    first" case.
    """
    dont = """
    from fastapi import APIRouter
    from fastapi.responses import RedirectResponse

    router = APIRouter()


    @router.get("/login/done")
    async def login_done(next: str = "/"):
        return RedirectResponse(next, status_code=303)
    """
    do = """
    from urllib.parse import urlsplit

    from fastapi import APIRouter
    from fastapi.responses import RedirectResponse

    router = APIRouter()


    @router.get("/login/done")
    async def login_done(next: str = "/"):
        target = urlsplit(next)
        if target.scheme or target.netloc or not next.startswith("/"):
            next = "/"
        return RedirectResponse(next, status_code=303)
    """
    extra_valid = (
        # The client's value only ends the URL: the redirect stays on this site.
        """
        from fastapi import FastAPI
        from fastapi.responses import RedirectResponse

        app = FastAPI()

        @app.get("/short/{code}")
        def short(code: str, ref: str = ""):
            return RedirectResponse(url=f"/items/{code}?ref={ref}")
        """,
        # Checked against settings.
        """
        from fastapi import FastAPI, HTTPException, Request
        from fastapi.responses import RedirectResponse

        from app.config import settings

        app = FastAPI()

        @app.get("/oauth/callback")
        async def callback(request: Request):
            redirect_uri = request.query_params.get("redirect_uri", "/")
            if redirect_uri not in settings.ALLOWED_REDIRECTS:
                raise HTTPException(400, "unknown redirect_uri")
            return RedirectResponse(redirect_uri)
        """,
        # Passed through the project's own check.
        """
        from fastapi import FastAPI
        from fastapi.responses import RedirectResponse

        from app.urls import safe_return_url

        app = FastAPI()

        @app.get("/back")
        def back(return_to: str):
            return RedirectResponse(safe_return_url(return_to))
        """,
        # A number cannot name another site.
        """
        from fastapi import FastAPI
        from fastapi.responses import RedirectResponse

        app = FastAPI()

        @app.get("/page")
        def page(number: int):
            return RedirectResponse(number)
        """,
        # A URL from the database, looked up by the client's code.
        """
        from fastapi import FastAPI
        from fastapi.responses import RedirectResponse

        app = FastAPI()

        @app.get("/s/{code}")
        async def follow(code: str):
            link = await links.get(code)
            return RedirectResponse(link.url)
        """,
    )
    extra_invalid = (
        # A header read off the request.
        """
        from fastapi import FastAPI, Request
        from starlette.responses import RedirectResponse

        app = FastAPI()

        @app.post("/logout")
        async def logout(request: Request):
            back = request.headers.get("referer") or "/"
            return RedirectResponse(url=back)
        """,
        # Only tested for presence.
        """
        from fastapi import APIRouter
        from fastapi.responses import RedirectResponse

        router = APIRouter()

        @router.get("/continue")
        def go_on(redirect_uri: str | None = None):
            if redirect_uri is None:
                redirect_uri = "/home"
            return RedirectResponse(f"{redirect_uri}?done=1")
        """,
    )

    calls = CallFilter.of(callees=_REDIRECTS)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.resolve(node.func) not in _REDIRECTS:
            return
        given = keyword_arg(node, "url")
        url = given.value if given is not None else (node.args[0] if node.args else None)
        if url is None:
            return
        data = route_data(ctx)
        if data is None:
            return
        source = data.origin(url, Flow.LEADING)
        if source is None or _checked(data):
            return
        function = ctx.function
        name = function.name if function is not None else "route"
        ctx.report(
            node,
            f"route `{name}` redirects to a URL taken from {source} without checking it: "
            "a link to this site can send users to any other; accept relative paths only "
            "or check the host against an allow-list",
        )


def _checked(data: RouteData) -> bool:
    """Whether the route tests the request data it redirects with (anything beyond
    "is it there"), or hands it to a check called for its effect."""
    if any(data.reads(test) and not _presence_only(test) for test in data.conditions()):
        return True
    return any(
        any(word in call_name(call).lower() for word in _CHECK_WORDS) and data.reads(call)
        for call in data.effect_calls()
    )


def _presence_only(test: ast.expr) -> bool:
    """``x``, ``not x``, ``x is None``, ``x == ""`` and ``and``/``or`` of such: a test of
    whether a value was given, not of where it leads."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _presence_only(test.operand)
    if isinstance(test, ast.BoolOp):
        return all(_presence_only(value) for value in test.values)
    if isinstance(test, (ast.Name, ast.Attribute, ast.Subscript)):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        other = test.comparators[0]
        return isinstance(test.ops[0], (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and (
            isinstance(other, ast.Constant) and other.value in (None, "")
        )
    return False
