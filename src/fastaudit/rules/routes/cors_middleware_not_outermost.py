"""RTE107 (cors-middleware-not-outermost): middleware added after ``CORSMiddleware``
wraps it, so the responses it sends itself carry no CORS headers."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import Rule

_CORS = frozenset(
    {"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"}
)
# Middleware that never answers a request by itself: outside CORS, it changes nothing.
_PASS_THROUGH = frozenset(
    {
        "starlette.middleware.gzip.GZipMiddleware",
        "fastapi.middleware.gzip.GZipMiddleware",
        "starlette.middleware.sessions.SessionMiddleware",
        "uvicorn.middleware.proxy_headers.ProxyHeadersMiddleware",
        "brotli_asgi.BrotliMiddleware",
        "asgi_correlation_id.CorrelationIdMiddleware",
        "asgi_correlation_id.middleware.CorrelationIdMiddleware",
        "prometheus_fastapi_instrumentator.PrometheusFastApiInstrumentator",
        "sentry_sdk.integrations.asgi.SentryAsgiMiddleware",
    }
)


def _derives_pass_through(qualname: str, ctx: FileContext) -> bool:
    """A class of this file deriving from pass-through middleware only (a GZip
    middleware adjusted for one browser): it answers no more than its bases do."""
    for info in ctx.classes:
        if info.qualname == qualname:
            return bool(info.bases) and all(base in _PASS_THROUGH for base in info.bases)
    return False


@dataclass(slots=True)
class _Added:
    node: ast.AST
    line: int
    shown: str
    cors: bool
    passes: bool


class CorsMiddlewareNotOutermost(Rule):
    id = "RTE107"
    name = "cors-middleware-not-outermost"
    title = "Middleware added after `CORSMiddleware` runs outside it"
    severity = Severity.WARNING
    peers = ("flake8-fastapi CF008",)
    rationale = """
    Each `app.add_middleware(...)` wraps everything added before it, so the middleware
    added last is the first to see a request and the last to touch the response
    (Starlette inserts it at the front of the stack); in a `middleware=[...]` list the
    first entry is the outermost. When a middleware that can answer by itself (an
    authentication check returning 401, a rate limiter, a redirect, an
    `@app.middleware("http")` function) sits outside `CORSMiddleware`, its responses,
    and its answers to preflight `OPTIONS` requests, leave without CORS headers: the
    browser then reports a CORS failure instead of the real status, and cross-origin
    calls fail. Add `CORSMiddleware` last (or first in the list). Middleware that never
    answers by itself (GZip, sessions, proxy headers, or a class of the same file
    deriving from those alone) may wrap it and is not reported.
    flake8-fastapi's CF008 asks the same of any middleware. The calibration set orders
    its middleware right; public apps read beside it do not (a host check and a
    validation-error middleware answering 400 and 422 outside `CORSMiddleware`).
    """
    dont = """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    from app.auth.middleware import ApiKeyMiddleware

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware, allow_origins=["https://shop.example.com"], allow_methods=["*"]
    )
    app.add_middleware(ApiKeyMiddleware)
    """
    do = """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    from app.auth.middleware import ApiKeyMiddleware

    app = FastAPI()
    app.add_middleware(ApiKeyMiddleware)
    app.add_middleware(
        CORSMiddleware, allow_origins=["https://shop.example.com"], allow_methods=["*"]
    )
    """
    extra_valid = (
        # GZip wraps CORS: it never answers by itself.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        app.add_middleware(GZipMiddleware)
        """,
        # A list puts CORS first: the outermost.
        """
        from fastapi import FastAPI
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        from app.auth import AuthMiddleware

        app = FastAPI(middleware=[Middleware(CORSMiddleware), Middleware(AuthMiddleware)])
        """,
        # Another app's middleware.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        from app.auth import AuthMiddleware

        app = FastAPI()
        admin = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        admin.add_middleware(AuthMiddleware)
        """,
    )
    extra_invalid = (
        """
        from fastapi import FastAPI, Request
        from fastapi.middleware.cors import CORSMiddleware

        def create_app() -> FastAPI:
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=["*"])

            @app.middleware("http")
            async def check_key(request: Request, call_next):
                return await call_next(request)

            return app
        """,
        """
        from fastapi import FastAPI
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        from app.auth import AuthMiddleware

        app = FastAPI(middleware=[Middleware(AuthMiddleware), Middleware(CORSMiddleware)])
        """,
    )

    def __init__(self) -> None:
        # (scope node id, owner as written) -> what was added to it, in order.
        self._added: dict[tuple[int, str], list[_Added]] = {}

    def _scope(self, ctx: FileContext) -> int:
        function = ctx.function
        return id(function.node) if function is not None else 0

    # ``app.add_middleware(...)``, or an app built with ``middleware=[...]``.
    calls = CallFilter.of(
        callees=["starlette.applications.Starlette"], attrs=["add_middleware"], route_owners=True
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "add_middleware":
            cls = (
                node.args[0]
                if node.args
                else getattr(keyword_arg(node, "middleware_class"), "value", None)
            )
            if cls is None:
                return
            key = (self._scope(ctx), ctx.text(func.value))
            self._added.setdefault(key, []).append(self._entry(node, cls, ctx))
            return
        listed = keyword_arg(node, "middleware")
        if listed is not None and isinstance(listed.value, (ast.List, ast.Tuple)):
            made = ctx.resolve(node.func)
            if made == "starlette.applications.Starlette" or ctx.route_owner_class(made) == "app":
                self._check_list(listed.value, ctx)

    def visit_FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
    ) -> None:
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "middleware"
            ):
                key = (self._scope(ctx), ctx.text(decorator.func.value))
                shown = f"`@{one_line(ctx.text(decorator), 40)}` function `{node.name}`"
                self._added.setdefault(key, []).append(
                    _Added(decorator, decorator.lineno, shown, cors=False, passes=False)
                )

    visit_AsyncFunctionDef = visit_FunctionDef

    def _entry(self, node: ast.AST, cls: ast.expr, ctx: FileContext) -> _Added:
        resolved = ctx.resolve(cls) or ""
        name = resolved or (cls.id if isinstance(cls, ast.Name) else "")
        return _Added(
            node,
            getattr(node, "lineno", 0),
            f"`{one_line(ctx.text(cls), 40)}`",
            cors=resolved in _CORS or name == "CORSMiddleware",
            passes=resolved in _PASS_THROUGH or _derives_pass_through(resolved, ctx),
        )

    def _check_list(self, items: ast.List | ast.Tuple, ctx: FileContext) -> None:
        entries = []
        for item in items.elts:
            if isinstance(item, ast.Call) and item.args:
                entries.append(self._entry(item, item.args[0], ctx))
            else:
                return  # ``*common``, a prebuilt entry: the order is not known
        cors = next((i for i, e in enumerate(entries) if e.cors), None)
        if cors is None:
            return
        outside = [e for e in entries[:cors] if not e.passes]
        if outside:
            ctx.report(
                entries[cors].node,
                f"`CORSMiddleware` comes after {_names(outside)} in `middleware=[...]`, "
                f"where the first entry is the outermost: {_why(outside)}; list "
                "`CORSMiddleware` first",
            )

    def finish(self, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return
        for added in self._added.values():
            added.sort(key=lambda a: a.line)
            for index, entry in enumerate(added):
                if not entry.cors:
                    continue
                later = [a for a in added[index + 1 :] if not a.passes and not a.cors]
                if later:
                    ctx.report(
                        entry.node,
                        f"`CORSMiddleware` is added before {_names(later)} (line "
                        f"{later[0].line}), and the middleware added last runs outermost: "
                        f"{_why(later)}; add `CORSMiddleware` last",
                    )


def _names(entries: list[_Added]) -> str:
    shown = [e.shown for e in entries[:2]]
    more = f" and {len(entries) - 2} more" if len(entries) > 2 else ""
    return ", ".join(shown) + more


def _why(entries: list[_Added]) -> str:
    sends = "it sends by itself" if len(entries) == 1 else "they send by themselves"
    return (
        f"responses {sends} (a 401, a redirect, an answer to a preflight) get no CORS "
        "headers and browsers report a CORS error instead"
    )
