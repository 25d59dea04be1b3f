"""TST104: `httpx.AsyncClient(app=app)`, the shortcut httpx deprecated and then removed."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.edit_builders import add_import
from fastaudit.model import Fix, Severity
from fastaudit.rules._support.project_walk import text_contains
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import Rule

_ASYNC_CLIENTS = frozenset({"httpx.AsyncClient", "httpx._client.AsyncClient"})


class HttpxClientAppShortcut(Rule):
    id = "TST104"
    name = "httpx-client-app-shortcut"
    title = "`httpx.AsyncClient(app=...)`: the shortcut httpx removed"
    severity = Severity.WARNING
    fix_safety = (
        "Safe when every httpx the project can install (its lock, else its declarations) "
        "is 0.18 or later, where `ASGITransport(app=)` exists: `app=` was only ever a "
        "shortcut for that transport. Unsafe otherwise (an older or undeclared httpx), "
        "with the reason in the note (see `project/deps/policy.py`)."
    )
    rationale = """
    `AsyncClient(app=app)` was a shortcut for `AsyncClient(transport=ASGITransport(app=app))`.
    httpx 0.27 deprecated it and 0.28 removed it: on a current httpx the test client
    raises `TypeError: AsyncClient.__init__() got an unexpected keyword argument 'app'`,
    so every test using the fixture fails after an upgrade. Pass the transport yourself;
    it behaves exactly as the shortcut did (same transport, same defaults, proxies from
    the environment ignored either way). The fix rewrites the argument and imports
    `ASGITransport` the way the file imports httpx (`httpx.ASGITransport` after
    `import httpx`). A call that passes both `app=` and `transport=` is reported without
    a fix: httpx used the transport and ignored `app=`, so the right edit is to drop
    `app=`, which the reader should confirm. No peer checks this: ruff and
    flake8-async have no httpx-API rule (flake8-async ASYNC127 only flags importing
    httpx at all). The sync `httpx.Client(app=...)` (a WSGI shortcut) is not reported:
    a FastAPI app is not a WSGI app, so such a call is not testing one.
    """
    dont = """
    import pytest
    from httpx import AsyncClient


    @pytest.fixture
    async def client(app):  # the app fixture builds the application
        async with AsyncClient(app=app, base_url="http://test") as ac:
            yield ac
    """
    dont_fixed = """
    import pytest
    from httpx import ASGITransport, AsyncClient


    @pytest.fixture
    async def client(app):  # the app fixture builds the application
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:
            yield ac
    """
    extra_valid = (
        """
        import httpx
        from httpx import ASGITransport, AsyncClient, Client

        options = {"app": app}
        a = AsyncClient(transport=ASGITransport(app=app))
        b = AsyncClient(**options)
        c = Client(app=wsgi_app)
        d = httpx.get("https://example.com", params={"app": 1})
        """,
    )
    extra_invalid = (
        # Both: httpx used the transport; reported without a fix.
        """
        from httpx import ASGITransport, AsyncClient

        client = AsyncClient(app=app, transport=ASGITransport(app=app))
        """,
    )

    calls = CallFilter.of(callees=_ASYNC_CLIENTS)

    def __init__(self) -> None:
        self._from_imports: list[ast.ImportFrom] = []

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if isinstance(ctx.parent, ast.Module) and not node.level:
            self._from_imports.append(node)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.keywords or not text_contains(ctx, "app"):
            return
        app = keyword_arg(node, "app")
        if app is None or ctx.resolve(node.func) not in _ASYNC_CLIENTS:
            return
        if any(k.arg is None for k in node.keywords):
            return  # ``**options`` may hold a transport: not told from here
        shown = ctx.text(node.func)
        fix: Fix | None = None
        if keyword_arg(node, "transport") is not None:
            message = (
                f"`{shown}(app=..., transport=...)`: httpx ignored `app=` when given a "
                "transport, and 0.28 rejects it; drop `app=`"
            )
        else:
            transport, import_edit = add_import(
                ctx, "httpx", "ASGITransport", merge_into=self._from_imports
            )
            value = ctx.text(app.value)
            fix = ctx.fix(
                f"Pass `transport={transport}(app={value})`",
                ctx.replace(app, f"transport={transport}(app={value})"),
                import_edit,
            )
            message = (
                f"`{shown}(app=...)` is the shortcut httpx deprecated in 0.27 and removed "
                f"in 0.28; pass `transport=ASGITransport(app={value})`"
                if len(value) <= 40
                else f"`{shown}(app=...)` is the shortcut httpx deprecated in 0.27 and "
                "removed in 0.28; pass `transport=ASGITransport(app=...)`"
            )
        ctx.report(node, message, fix=fix)
