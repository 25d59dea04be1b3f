"""LIB102 async-asgi-testclient-import: async_asgi_testclient is used for tests."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.model import Severity
from fastaudit.rules.base import Rule
from fastaudit.rules.libraries._shared import _is_module, _shown


class AsyncAsgiTestClientImport(Rule):
    id = "LIB102"
    name = "async-asgi-testclient-import"
    learn_area = "tests"
    title = "async_asgi_testclient is used for tests"
    severity = Severity.WARNING
    rationale = """
    async_asgi_testclient has not kept up with Starlette and FastAPI releases. httpx, the
    client FastAPI's own `TestClient` is built on, talks to an ASGI app in-process through
    `ASGITransport`, so async tests need no extra library: create an
    `httpx.AsyncClient(transport=ASGITransport(app=app), base_url="http://test")`.
    """
    dont = """
    import pytest
    from async_asgi_testclient import TestClient

    from app.main import app


    @pytest.fixture
    async def client():
        async with TestClient(app) as test_client:
            yield test_client
    """
    do = """
    import pytest
    from httpx import ASGITransport, AsyncClient

    from app.main import app


    @pytest.fixture
    async def client():
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as test_client:
            yield test_client
    """
    extra_valid = (
        """
        from fastapi.testclient import TestClient
        """,
        """
        from .async_asgi_testclient import TestClient
        """,
    )
    extra_invalid = (
        """
        import async_asgi_testclient as aat

        client = aat.TestClient(None)
        """,
    )

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        if any(_is_module(alias.name, "async_asgi_testclient") for alias in node.names):
            self._report(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if not node.level and node.module and _is_module(node.module, "async_asgi_testclient"):
            self._report(node, ctx)

    def _report(self, node: ast.stmt, ctx: FileContext) -> None:
        shown = _shown(ctx, node) or "This import"
        ctx.report(
            node,
            f"{shown}: async_asgi_testclient is unmaintained; test through "
            "`httpx.AsyncClient(transport=ASGITransport(app=app))`",
        )
