"""SEC107 (insecure-session-cookie): a session or token cookie set without `httponly`/`secure`."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine import edit_builders
from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import name_words
from fastaudit.rules.base import Rule

# Words in a cookie's name (or the name of what holds it) that say it carries a secret.
_SECRET_WORDS = frozenset(
    {
        "session",
        "sessionid",
        "sess",
        "sid",
        "token",
        "jwt",
        "auth",
        "authentication",
        "authorization",
        "bearer",
        "apikey",
        "credential",
        "credentials",
    }
)
# A CSRF token in a cookie is meant to be read by the page's JavaScript.
_READABLE_WORDS = frozenset({"csrf", "xsrf"})
# Starlette's ``set_cookie(key, value, max_age, expires, path, domain, secure, httponly,
# samesite, partitioned)``: where each flag sits when passed positionally.
_POSITIONS = {"key": 0, "value": 1, "secure": 6, "httponly": 7, "samesite": 8}


def _argument(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    position = _POSITIONS[name]
    return call.args[position] if len(call.args) > position else None


def _off(node: ast.expr | None) -> bool:
    """Missing, or written as a constant that turns the flag off (``False``, ``None``)."""
    return node is None or (isinstance(node, ast.Constant) and not node.value)


def _words(node: ast.expr) -> list[str]:
    """The words naming a cookie: its literal name, or the name holding it
    (``settings.SESSION_COOKIE_KEY``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return name_words(node.value)
    if isinstance(node, ast.Attribute):
        return name_words(node.attr)
    if isinstance(node, ast.Name):
        return name_words(node.id)
    return []


class InsecureSessionCookie(Rule):
    id = "SEC107"
    name = "insecure-session-cookie"
    title = "Session or token cookie set without `httponly` / `secure`"
    severity = Severity.WARNING
    peers: ClassVar[tuple[str, ...]] = ("fastapi-doctor security/insecure-cookie",)
    rationale = """
    A cookie that carries a session id or a token is the user's login. Without
    `httponly=True`, any script that runs on your pages (an injected one included) can
    read it and send it elsewhere; without `secure=True`, the browser also sends it over
    plain HTTP, where anyone on the network path can copy it. Starlette's
    `set_cookie` turns both off unless asked. `samesite="none"` without `secure` is
    worse: browsers refuse such a cookie outright.

    Reported: `set_cookie(...)` whose name (or the setting that holds the name) says
    session, token, sid, jwt or auth, whose value is not a constant (a flag such as
    `"true"` is not a secret), and whose `httponly` or `secure` is missing or a
    constant `False`; and any cookie with `samesite="none"` and no `secure`. A value
    from configuration (`secure=settings.COOKIE_SECURE`, `secure=not is_local`) is the
    author's decision and is not reported, nor is a CSRF cookie's `httponly` (the page
    must read it). fastapi-doctor's `security/insecure-cookie` covers the same ground;
    ruff and semgrep have no FastAPI cookie rule.

    The fix adds the missing `httponly=True` / `secure=True`. It is unsafe: JavaScript
    that read the cookie stops seeing it, and a deployment served over plain HTTP (a
    local setup without TLS) stops getting it back. Take `secure` from settings when
    both must work.
    """
    dont = """
    from fastapi import APIRouter, Response

    from app.auth import service

    router = APIRouter()


    @router.post("/login")
    async def login(response: Response, form: service.LoginForm):
        token = await service.authenticate(form)
        response.set_cookie("access_token", token, max_age=3600)
        return {"ok": True}
    """
    dont_fixed = """
    from fastapi import APIRouter, Response

    from app.auth import service

    router = APIRouter()


    @router.post("/login")
    async def login(response: Response, form: service.LoginForm):
        token = await service.authenticate(form)
        response.set_cookie("access_token", token, max_age=3600, httponly=True, secure=True)
        return {"ok": True}
    """
    do = """
    from fastapi import APIRouter, Response

    from app.auth import service
    from app.config import settings

    router = APIRouter()


    @router.post("/login")
    async def login(response: Response, form: service.LoginForm):
        token = await service.authenticate(form)
        response.set_cookie(
            "access_token",
            token,
            max_age=3600,
            httponly=True,
            secure=settings.COOKIE_SECURE,
            samesite="lax",
        )
        return {"ok": True}
    """
    fix_safety = (
        "Unsafe: scripts that read the cookie stop seeing it, and plain-HTTP deployments "
        "stop getting it back."
    )
    extra_valid = (
        # Not a secret: a preference, and a flag with a constant value.
        """
        def remember(response, theme, locale):
            response.set_cookie("theme", theme)
            response.set_cookie("locale", value=locale, max_age=86400)
            response.set_cookie("is_access_token_expired", "true")
        """,
        # Clearing a session cookie.
        """
        def logout(response):
            response.set_cookie("session", "", max_age=0)
        """,
        # A double-submit CSRF token is read by the page on purpose.
        """
        def csrf(response, token):
            response.set_cookie("csrf_token", token, secure=True, samesite="strict")
        """,
        # Options passed through from elsewhere.
        """
        def put(response, token, options):
            response.set_cookie("session", token, **options)
        """,
    )
    extra_invalid = (
        # Only `secure` is missing; the name comes from settings.
        """
        from app.config import settings

        def login(response, token):
            response.set_cookie(
                key=settings.SESSION_COOKIE_KEY, value=token, httponly=True
            )
        """,
        # Turned off explicitly.
        """
        def login(response, token):
            response.set_cookie("sid", token, httponly=False, secure=True)
        """,
        # SameSite=None without Secure, on any cookie.
        """
        def track(response, visitor):
            response.set_cookie("visitor", visitor, samesite="none")
        """,
    )

    calls = CallFilter.of(attrs=["set_cookie"])

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "set_cookie"):
            return
        if any(k.arg is None for k in node.keywords) or any(
            isinstance(a, ast.Starred) for a in node.args
        ):
            return
        key = _argument(node, "key")
        value = _argument(node, "value")
        if key is None:
            return
        secure = _argument(node, "secure")
        httponly = _argument(node, "httponly")
        samesite = _argument(node, "samesite")
        words = set(_words(key))
        secret = bool(words & _SECRET_WORDS) and not isinstance(value, (ast.Constant, type(None)))
        missing: list[str] = []
        if secret and not words & _READABLE_WORDS and _off(httponly):
            missing.append("httponly")
        if secret and _off(secure):
            missing.append("secure")
        none_site = (
            isinstance(samesite, ast.Constant)
            and isinstance(samesite.value, str)
            and samesite.value.lower() == "none"
            and _off(secure)
        )
        if not missing and not none_site:
            return
        shown = one_line(ctx.text(key), 40)
        if missing:
            flags = " and ".join(f"`{m}`" for m in missing)
            message = (
                f"cookie {shown} carries a session or token but is set without {flags}: "
                + _consequence(missing)
            )
        else:
            message = (
                f'cookie {shown} is set with `samesite="none"` but without `secure`: '
                "browsers refuse it"
            )
        absent = [m for m in missing if (httponly if m == "httponly" else secure) is None]
        if none_site and secure is None and "secure" not in absent:
            absent.append("secure")
        fix = None
        if absent:
            arguments = ", ".join(f"{m}=True" for m in absent)
            fix = ctx.fix(
                f"add {arguments}",
                edit_builders.add_call_argument(ctx, node, arguments),
                safe=False,
                note=(
                    "scripts that read the cookie stop seeing it, and a site served over "
                    "plain HTTP stops getting it back"
                ),
            )
        ctx.report(node, message, fix=fix)


def _consequence(missing: list[str]) -> str:
    parts = []
    if "httponly" in missing:
        parts.append("any script on the page can read it")
    if "secure" in missing:
        parts.append("the browser also sends it over plain HTTP")
    return " and ".join(parts)
