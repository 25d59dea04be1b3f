"""TST103: the database session mocked in an integration test."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules.base import Rule

_MOCKS = frozenset(
    f"{module}.{name}"
    for module in ("unittest.mock", "mock")
    for name in ("Mock", "MagicMock", "AsyncMock", "NonCallableMagicMock", "create_autospec")
)
_MOCKER_METHODS = frozenset({"Mock", "MagicMock", "AsyncMock", "create_autospec"})
_SESSION_TYPES = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlmodel.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
        "sqlalchemy.orm.scoped_session",
        "databases.Database",
    }
)
_FILLER = frozenset({"mock", "mocked", "fake", "stub", "dummy", "async", "sync", "get", "the"})
_SESSION_WORDS = ({"db"}, {"session"}, {"db", "session"}, {"database"}, {"database", "session"})
_CLIENT_PARAMS = frozenset({"client", "async_client", "api_client", "test_client", "ac"})
_CLIENT_MODULES = ("fastapi.testclient", "starlette.testclient", "httpx", "async_asgi_testclient")


def _session_name(name: str) -> bool:
    words = {w for w in re.split(r"_+", name.lower()) if w} - _FILLER
    return words in _SESSION_WORDS


@dataclass(slots=True)
class _Mocked:
    node: ast.AST
    written: str
    why: str
    test: int | None = None  # id() of the test function it is made in, if any


class MockedDatabaseInIntegrationTest(Rule):
    id = "TST103"
    name = "mocked-database-in-integration-test"
    title = "Database session mocked in an integration test"
    severity = Severity.WARNING
    rationale = """
    A test that drives the app through a test client is an integration test: its value
    is running the real path, SQL included. With the session replaced by a `MagicMock`,
    queries never run, so a wrong join, a missing constraint or a migration that was
    never applied all pass. Use a real database (a container, or a throwaway schema
    per test run) and `app.dependency_overrides[get_db]` to hand the app its session;
    keep mocks for the services outside your control. A file counts as an integration
    test when it imports a test client (`TestClient`, `httpx`), a test takes a
    `client` fixture, or it lives under `integration/`/`e2e/`; a mock counts as the
    session when its `spec` is a session class, or it is assigned to a name like
    `db`/`session`/`db_session`, or installed as the override of a `get_db`-like
    dependency. Outside `integration/`/`e2e/`, a mock made inside a test function is
    only reported when that test drives the app (takes or uses a `client`, builds a
    test client, or sets `dependency_overrides`): a unit test that hands an
    `AsyncMock()` session to a service is a unit test, whatever else its file holds.
    """
    dont = """
    from unittest.mock import AsyncMock

    from sqlalchemy.ext.asyncio import AsyncSession

    from app.database import get_session
    from app.main import app


    async def test_create_order(client):
        session = AsyncMock(spec=AsyncSession)
        app.dependency_overrides[get_session] = lambda: session
        response = await client.post("/orders", json={"sku": "A-1"})
        assert response.status_code == 201
    """
    do = """
    from app.database import get_session
    from app.main import app


    async def test_create_order(client, db_session):  # db_session: a real, rolled-back session
        app.dependency_overrides[get_session] = lambda: db_session
        response = await client.post("/orders", json={"sku": "A-1"})
        assert response.status_code == 201
    """
    extra_valid = (
        # A unit test of a service (no client): mocking the session is its business.
        """
        from unittest.mock import MagicMock
        from sqlalchemy.orm import Session

        def test_total():
            db = MagicMock(spec=Session)
            assert compute_total(db, []) == 0
        """,
        # A unit test of a service next to integration tests in the same file.
        """
        from unittest.mock import AsyncMock
        from fastapi.testclient import TestClient
        from sqlalchemy.ext.asyncio import AsyncSession

        async def test_place_order():
            session = AsyncMock(spec=AsyncSession)
            await place_order(session, sku="A-1")

        def test_health(client):
            assert client.get("/health").status_code == 200
        """,
        # An integration test mocking an outside service, not the database.
        """
        from unittest.mock import MagicMock
        from fastapi.testclient import TestClient

        def test_payment(client):
            gateway = MagicMock()
            user_session = MagicMock()
            app.dependency_overrides[get_gateway] = lambda: gateway
        """,
    )
    extra_invalid = (
        """
        from unittest import mock
        from fastapi.testclient import TestClient

        def test_list(monkeypatch):
            db_session = mock.MagicMock()
            client = TestClient(app)
        """,
        """
        def test_list(client, mocker):
            app.dependency_overrides[get_db] = lambda: mocker.MagicMock()
        """,
    )

    # Every mock it reports is made by a call of ``Mock``, ``MagicMock``, ``AsyncMock``,
    # ``NonCallableMagicMock`` or ``create_autospec`` (from ``unittest.mock``/``mock``,
    # or ``mocker.``): a file spelling none of them has none.
    needs_text = ("Mock", "create_autospec")

    def __init__(self) -> None:
        self._mocked: list[_Mocked] = []
        self._client_fixture = False
        self._has_tests = False
        # id() of each test function -> does it drive the app (a client, overrides)?
        self._drives_app: dict[int, bool] = {}

    def _test_function(self, ctx: FileContext) -> int | None:
        function = ctx.function
        if function is None or id(function.node) not in self._drives_app:
            return None
        return id(function.node)

    def _add(self, node: ast.AST, written: str, why: str, ctx: FileContext) -> None:
        self._mocked.append(_Mocked(node, written, why, self._test_function(ctx)))

    def _drives(self, ctx: FileContext) -> None:
        test = self._test_function(ctx)
        if test is not None:
            self._drives_app[test] = True

    def _mock_call(self, node: ast.expr | None, ctx: FileContext) -> ast.Call | None:
        if not isinstance(node, ast.Call):
            return None
        if ctx.resolve(node.func) in _MOCKS:
            return node
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _MOCKER_METHODS
            and isinstance(func.value, ast.Name)
            and func.value.id == "mocker"
        ):
            return node
        return None

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        if node.name.startswith("test"):
            self._has_tests = True
            args = node.args
            takes_client = any(a.arg in _CLIENT_PARAMS for a in (*args.args, *args.kwonlyargs))
            if takes_client:
                self._client_fixture = True
            if ctx.function is None:  # a test, not a helper nested in one
                self._drives_app[id(node)] = takes_client

    def visit_Name(self, node: ast.Name, ctx: FileContext) -> None:
        if node.id in _CLIENT_PARAMS:
            self._drives(ctx)  # a module-level or conftest client used in the test

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if node.attr == "dependency_overrides":
            self._drives(ctx)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if self._mock_call(node, ctx) is None:
            if (ctx.resolve(node.func) or "").startswith(_CLIENT_MODULES):
                self._drives(ctx)  # ``TestClient(app)``, ``AsyncClient(...)`` in the test
            return
        spec = next((k.value for k in node.keywords if k.arg in ("spec", "spec_set")), None)
        if spec is None and node.args:
            spec = node.args[0]
        if spec is not None and ctx.resolve(spec) in _SESSION_TYPES:
            self._add(node, ctx.text(node), f"its spec is `{ctx.text(spec)}`", ctx)

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        value = node.value
        mock = self._mock_call(value, ctx)
        if mock is not None and not self._has_session_spec(mock, ctx):
            for target in node.targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name and _session_name(name):
                    self._add(mock, ctx.text(mock), f"it is assigned to `{name}`", ctx)
                    return
        for target in node.targets:
            if not (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "dependency_overrides"
            ):
                continue
            key = target.slice
            key_name = key.id if isinstance(key, ast.Name) else getattr(key, "attr", "")
            if not key_name or not _session_name(key_name):
                continue
            body = value.body if isinstance(value, ast.Lambda) else value
            inner = self._mock_call(body, ctx)
            if inner is not None and not self._has_session_spec(inner, ctx):
                self._add(inner, ctx.text(inner), f"it overrides `{key_name}`", ctx)

    def _has_session_spec(self, call: ast.Call, ctx: FileContext) -> bool:
        spec = next((k.value for k in call.keywords if k.arg in ("spec", "spec_set")), None)
        if spec is None and call.args:
            spec = call.args[0]
        return spec is not None and ctx.resolve(spec) in _SESSION_TYPES

    def finish(self, ctx: FileContext) -> None:
        if not self._mocked or not (self._has_tests or is_test_path(ctx.path)):
            return
        why = self._integration(ctx)
        if why is None:
            return
        under_folder = why.startswith("it lives under")
        for mocked in self._mocked:
            if (
                mocked.test is not None
                and not under_folder
                and not self._drives_app.get(mocked.test, False)
            ):
                continue  # a unit test: it calls the code with the mock, no client
            ctx.report(
                mocked.node,
                f"`{mocked.written}` stands in for the database session ({mocked.why}) in an "
                f"integration test ({why}): its queries never run; use a real test database",
            )

    def _integration(self, ctx: FileContext) -> str | None:
        parts = ctx.path.split("/")
        if any(p in ("integration", "e2e", "integration_tests") for p in parts[:-1]):
            return f"it lives under {'/'.join(parts[:-1])}/"
        for record in ctx.imports:
            if record.module.startswith(_CLIENT_MODULES):
                return f"it imports `{record.module}`"
        if self._client_fixture:
            return "a test takes the `client` fixture"
        return None
