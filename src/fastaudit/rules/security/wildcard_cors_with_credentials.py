"""SEC101 wildcard-cors-with-credentials: `CORSMiddleware` allowing every origin with
credentials."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.project_index import AMBIENT_CREDENTIALS
from fastaudit.model import Severity
from fastaudit.rules._support.project_walk import text_contains
from fastaudit.rules.base import Rule
from fastaudit.rules.security._shared import (
    has_star_kwargs,
    is_true,
    keyword,
    module_literal,
    string_value,
)

_CORS = frozenset(
    {"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"}
)
_MIDDLEWARE = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
# Origins of sites the app does not know: a regex that accepts them accepts any site.
_STRANGERS = ("https://attacker.invalid", "http://evil.example")


def _wildcard_origins(value: ast.expr) -> bool:
    """``["*"]``, ``("*",)``, ``{"*"}`` or ``"*"``: Starlette allows every origin when
    ``"*"`` is in ``allow_origins``."""
    if string_value(value) == "*":
        return True
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return any(string_value(item) == "*" for item in value.elts)
    return False


def _wildcard_regex(value: ast.expr) -> bool:
    pattern = string_value(value)
    if pattern is None:
        return False
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(compiled.fullmatch(origin) for origin in _STRANGERS)


class WildcardCorsWithCredentials(Rule):
    id = "SEC101"
    name = "wildcard-cors-with-credentials"
    title = "`CORSMiddleware` allows every origin with credentials"
    severity = Severity.ERROR
    peers: ClassVar[tuple[str, ...]] = ("semgrep python.fastapi.security.wildcard-cors",)
    rationale = """
    Browsers refuse `Access-Control-Allow-Origin: *` on a request that carries cookies
    or an `Authorization` header, so `allow_origins=["*"]` with `allow_credentials=True`
    looks harmless. It is not: with credentials on, Starlette's `CORSMiddleware` answers
    a preflight, and any request that sends a cookie, with the caller's own `Origin`
    echoed back and `Access-Control-Allow-Credentials: true`. Every website a logged-in
    user visits can then call the API as that user and read the answers. The same holds
    for an `allow_origin_regex` that accepts any origin (`".*"`). Name the origins that
    may send credentials (a list read from settings is fine), or keep the wildcard and
    turn credentials off for a public, cookie-free API. Reported only where the browser
    has something to attach: a project with no cookie, session middleware or HTTP
    Basic/Digest auth anywhere (its users send a bearer token from JavaScript) is left
    alone, the setting there merely pointless.

    Only literal wildcards are reported (also through a constant of the same module):
    origins from settings are the deployment's decision. semgrep's
    `python.fastapi.security.wildcard-cors` reports `allow_origins=["*"]` alone, with or
    without credentials; this rule reports the combination that actually leaks user
    data. No automatic fix: only you know which origins are yours.
    """
    dont = """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from starlette.middleware.sessions import SessionMiddleware

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SESSION_SECRET)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    """
    do = """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from starlette.middleware.sessions import SessionMiddleware

    from app.config import settings

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=settings.SESSION_SECRET)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.CORS_ORIGINS,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    """
    extra_valid = (
        # No cookie, session or Basic auth anywhere: the browser has nothing to attach
        # (a bearer token is sent by the page's own code).
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
        """,
        # A public API: any origin, no credentials.
        """
        from fastapi import FastAPI
        from starlette.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False)
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        """,
        # Named origins, or a regex that only admits the app's own sites.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com"],
            allow_origin_regex=r"https://.*\\.example\\.com",
            allow_credentials=True,
        )
        """,
        # Credentials decided by settings, origins from a comprehension over settings.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        from app.config import settings

        app = FastAPI()
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_credentials=settings.CORS_CREDENTIALS,
        )
        app.add_middleware(
            CORSMiddleware,
            allow_origins=[str(o) for o in settings.ORIGINS],
            allow_credentials=True,
        )
        """,
        # Another middleware.
        """
        from fastapi import FastAPI
        from fastapi.middleware.trustedhost import TrustedHostMiddleware

        app = FastAPI()
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=["*"], allow_credentials=True)
        """,
    )
    extra_invalid = (
        # The Middleware list given to the app, and a module constant.
        """
        from fastapi import FastAPI
        from fastapi.middleware import Middleware
        from fastapi.middleware.cors import CORSMiddleware

        ORIGINS = ["*"]

        app = FastAPI(
            middleware=[
                Middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)
            ]
        )


        @app.get("/me")
        def me(session_id: str = Cookie()) -> dict:
            return {"session": session_id}
        """,
        # A regex that admits every origin.
        """
        from starlette.applications import Starlette
        from starlette.middleware.cors import CORSMiddleware

        app = Starlette()
        app.add_middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)
        app.add_middleware(SessionMiddleware, secret_key="from-settings")
        """,
        # The middleware wrapped around an app by hand.
        """
        from fastapi import FastAPI
        from starlette.middleware.cors import CORSMiddleware

        api = FastAPI()
        app = CORSMiddleware(api, allow_origins="*", allow_credentials=True)


        @api.post("/login")
        def login(response: Response) -> None:
            response.set_cookie("token", issue_token())
        """,
    )

    calls = CallFilter.of(callees=_CORS | _MIDDLEWARE, attrs=["add_middleware"])

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        callee = ctx.resolve(func)
        if callee in _CORS:
            pass  # CORSMiddleware(app, ...)
        elif (callee in _MIDDLEWARE) or (
            isinstance(func, ast.Attribute) and func.attr == "add_middleware"
        ):
            if not node.args or ctx.resolve(node.args[0]) not in _CORS:
                return
        else:
            return
        if has_star_kwargs(node):
            return
        credentials = keyword(node, "allow_credentials")
        if credentials is None or not is_true(module_literal(ctx, credentials)):
            return
        origins = keyword(node, "allow_origins")
        regex = keyword(node, "allow_origin_regex")
        if origins is not None and _wildcard_origins(module_literal(ctx, origins)):
            what = f"`allow_origins={ctx.text(origins)}`"
        elif regex is not None and _wildcard_regex(module_literal(ctx, regex)):
            what = f"`allow_origin_regex={ctx.text(regex)}`"
        else:
            return
        if len(what) > 60:
            what = "an origin wildcard"
        ctx.report(
            node,
            f"`CORSMiddleware` with {what} and `allow_credentials=True` echoes any site's "
            "origin and allows credentials: every website a user visits can call this API "
            "as that user; list the allowed origins (from settings) or turn credentials off",
            # Only where the browser has credentials to attach: cookies or Basic auth
            # somewhere in the project (a bearer token in JavaScript is not sent by itself).
            when=(AMBIENT_CREDENTIALS, ""),
        )

    def finish(self, ctx: FileContext) -> None:
        if not is_test_path(ctx.path) and text_contains(
            ctx, "cookie", "Cookie", "HTTPBasic", "HTTPDigest", "SessionMiddleware"
        ):
            ctx.add_fact(AMBIENT_CREDENTIALS, True)
