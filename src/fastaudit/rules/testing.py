"""TST: how the test-suite drives the app: an async client for an async app,
`dependency_overrides` instead of patching, and a real database behind integration tests."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.engine.project_index import same_qualname
from fastaudit.model import Finding, Severity, Span
from fastaudit.rules._support.project_walk import (
    AsyncRouteFacts,
    file_facts,
    first_awaiting_route,
    is_test_path,
    text_contains,
)
from fastaudit.rules._support.route_calls import DEPENDS_MARKERS, keyword_arg
from fastaudit.rules.base import ProjectRule, Rule

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView

_TEST_CLIENT_MODULES = frozenset({"fastapi.testclient", "starlette.testclient"})
_TEST_CLIENTS = frozenset(f"{module}.TestClient" for module in _TEST_CLIENT_MODULES)
# An app object made in the file itself (an imported app resolves to its module path).
_APPS_BUILT_HERE = frozenset({"fastapi.FastAPI()", "starlette.applications.Starlette()"})
# Noted by TST101 for a test file: (line, column, end line, end column) of its first
# ``TestClient(...)`` that drives the real app, not one built in that file
# (``app = FastAPI()`` in the test or the module) which mounts no router.
TEST_CLIENT_CALL_FACT = "test-client-call"


# ------------------------------------------------------------------ TST101
class SyncTestClientForAsyncApp(AsyncRouteFacts, ProjectRule):
    id = "TST101"
    name = "sync-test-client-for-async-app"
    title = "Sync `TestClient` used for an app with async routes"
    severity = Severity.INFO
    rationale = """
    `TestClient` drives the app from a sync test by running it on an event loop in
    another thread. With async routes and async resources (an `AsyncSession`, an async
    Redis client) that loop is not the test's loop: async fixtures cannot be shared with
    the app, and objects bound to one loop fail in the other. Write async tests
    (pytest-asyncio or anyio) with `httpx.AsyncClient(transport=ASGITransport(app=app))`:
    one loop, and fixtures that can `await`. The app counts as async when one of its
    routes awaits something (`await`, `async with`, `async for`); an `async def` health
    check returning a constant in an otherwise sync app does not make it so. The finding
    points at the `TestClient(...)` call (usually a conftest fixture), not at files
    that import the class only to annotate the fixture. A test file whose every
    `TestClient(...)` drives a small app built in that file (`app = FastAPI()` in the
    test or the module, with a route or two, no `include_router`/`mount`) is left
    alone: that app shares nothing with the real one.
    """
    dont = """
    # tests/test_orders.py
    from fastapi.testclient import TestClient

    from app.main import app

    client = TestClient(app)
    """
    do = """
    # tests/conftest.py
    import pytest
    from httpx import ASGITransport, AsyncClient

    from app.main import app


    @pytest.fixture
    async def client():
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:
            yield ac
    """
    _APP = """
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/orders")
        async def list_orders() -> list[dict]:
            return await load_orders()
        """
    dont_files = {
        "app/main.py": _APP,
        "tests/test_orders.py": """
            from fastapi.testclient import TestClient

            from app.main import app

            client = TestClient(app)


            def test_list_orders():
                assert client.get("/orders").status_code == 200
            """,
    }
    do_files = {
        "app/main.py": _APP,
        "tests/test_orders.py": """
            from httpx import ASGITransport, AsyncClient

            from app.main import app


            async def test_list_orders():
                transport = ASGITransport(app=app)
                async with AsyncClient(transport=transport, base_url="http://test") as client:
                    assert (await client.get("/orders")).status_code == 200
            """,
    }

    def __init__(self) -> None:
        self._noted = False

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if self._noted or ctx.resolve(node.func) not in _TEST_CLIENTS:
            return
        if not is_test_path(ctx.path):
            return
        app = node.args[0] if node.args else getattr(keyword_arg(node, "app"), "value", None)
        if (
            app is not None
            and ctx.resolve(app) in _APPS_BUILT_HERE
            and not text_contains(ctx, "include_router(", ".mount(")
        ):
            return  # a tiny app the test builds for itself
        span = ctx.span(node)
        ctx.add_fact(
            TEST_CLIENT_CALL_FACT, (span.line, span.column, span.end_line, span.end_column)
        )
        self._noted = True

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        calls = []
        for path in project.python_files:
            if not is_test_path(path):
                continue
            found = file_facts(project, path, TEST_CLIENT_CALL_FACT)
            if not found:
                continue  # no client built here, or only on a tiny app of its own
            module = next(
                (
                    record.module
                    for record in project.outcomes[path].imports
                    if record.module in _TEST_CLIENT_MODULES
                ),
                "fastapi.testclient",
            )
            calls.append((path, module, found[0]))
        if not calls:
            return []
        route = first_awaiting_route(project)
        if route is None:
            return []
        route_path, route_line, route_name = route
        findings = []
        for path, module, (line, column, end_line, end_column) in calls:
            project.read_text(path)
            findings.append(
                project.finding(
                    self,
                    path,
                    line,
                    f"`TestClient` ({module}) runs the app on another thread's event loop, "
                    f"but its routes await on that loop (`async def {route_name}` in "
                    f"{route_path}:{route_line}); use `httpx.AsyncClient` with "
                    "`ASGITransport(app=app)` in async tests",
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
            )
        return findings


# ------------------------------------------------------------------ TST102
_PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})
_PATCH_OBJECT = frozenset({"unittest.mock.patch.object", "mock.patch.object"})


@dataclass(frozen=True, slots=True)
class _Patch:
    span: Span
    written: str  # how the call reads, for the message
    target: str  # the qualified name it replaces


def _patch(node: ast.Call, ctx: FileContext) -> _Patch | None:
    """The patch a ``mock.patch(...)``/``monkeypatch.setattr(...)``-style call makes."""
    func = node.func
    callee = ctx.resolve(func)
    receiver = func.value if isinstance(func, ast.Attribute) else None
    fixture = receiver.id if isinstance(receiver, ast.Name) else ""
    if callee in _PATCHERS or (
        fixture == "mocker" and isinstance(func, ast.Attribute) and func.attr == "patch"
    ):
        target = _string(node.args[0] if node.args else None)
    elif (
        callee in _PATCH_OBJECT
        or (
            isinstance(func, ast.Attribute)
            and func.attr == "object"
            and isinstance(receiver, ast.Attribute)
            and receiver.attr == "patch"
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "mocker"
        )
        or (fixture == "monkeypatch" and isinstance(func, ast.Attribute) and func.attr == "setattr")
    ):
        target = _object_target(node, ctx)
    else:
        return None
    if target is None:
        return None
    return _Patch(ctx.span(node), f"{ctx.text(func)}(...)", target)


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
        return node.value
    return None


def _object_target(node: ast.Call, ctx: FileContext) -> str | None:
    """``monkeypatch.setattr("a.b.f", v)``, ``monkeypatch.setattr(module, "f", v)`` and
    ``patch.object(module, "f")``: the dotted name replaced."""
    if not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant):
        return _string(first)
    if len(node.args) < 2:
        return None
    attribute = node.args[1]
    if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
        return None
    owner = ctx.resolve(first)
    if owner is None or owner.endswith("()"):
        return None  # an instance: not a module-level dependency function
    return f"{owner}.{attribute.value}"


# Noted per file for TST102: the patches a test file makes, (line, column, end_line,
# end_column, call as written, target); and the qualified names the app's
# ``Depends(...)``/``Security(...)`` refer to (one sorted tuple per file).
PATCHES_FACT = "dependency-patches"
APP_DEPENDENCIES_FACT = "app-dependencies"


def _dotted_suffixes(names: set[str]) -> dict[str, list[str]]:
    """Every proper dotted suffix of ``names`` -> the names ending with it."""
    found: dict[str, list[str]] = {}
    for name in names:
        index = name.find(".")
        while index >= 0:
            found.setdefault(name[index + 1 :], []).append(name)
            index = name.find(".", index + 1)
    return found


def _first_same_name(target: str, names: set[str], by_suffix: dict[str, list[str]]) -> str | None:
    """The first of ``sorted(names)`` that :func:`same_qualname` pairs with ``target``,
    without a pass over all of them."""
    candidates = [n for n in by_suffix.get(target, ()) if same_qualname(target, n)]
    if target in names:
        candidates.append(target)
    index = target.find(".")
    while index >= 0:
        suffix = target[index + 1 :]
        if suffix in names:
            candidates.append(suffix)
        index = target.find(".", index + 1)
    return min(candidates, default=None)


def _span_tuple(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column


class PatchedAppDependency(ProjectRule):
    id = "TST102"
    name = "patched-app-dependency"
    title = "Test patches an app dependency instead of overriding it"
    severity = Severity.WARNING
    rationale = """
    `Depends(get_current_user)` keeps a reference to the function object when the route
    is declared. `monkeypatch.setattr("app.auth.get_current_user", ...)` or
    `mock.patch(...)` replaces the module attribute afterwards, so the routes keep
    calling the real dependency: the test either does not test what it claims or passes
    for the wrong reason. `app.dependency_overrides[get_current_user] = fake` is the
    supported switch, reaches every route and sub-dependency, and is undone with
    `app.dependency_overrides.clear()`. Only targets that some `Depends(...)` or
    `Security(...)` in the app names are reported.
    """
    dont = """
    # tests/test_orders.py
    def test_orders_need_no_login(client, monkeypatch):
        monkeypatch.setattr("app.auth.dependencies.get_current_user", lambda: FAKE_USER)
        assert client.get("/orders").status_code == 200
    """
    do = """
    # tests/test_orders.py
    from app.auth.dependencies import get_current_user
    from app.main import app


    def test_orders_need_no_login(client):
        app.dependency_overrides[get_current_user] = lambda: FAKE_USER
        try:
            assert client.get("/orders").status_code == 200
        finally:
            app.dependency_overrides.clear()
    """
    _DEPENDENCY = """
        from fastapi import Header


        def get_current_user(authorization: str = Header()) -> dict:
            return lookup_user(authorization)
        """
    _ROUTER = """
        from fastapi import APIRouter, Depends

        from app.auth.dependencies import get_current_user

        router = APIRouter()


        @router.get("/orders")
        async def list_orders(user: dict = Depends(get_current_user)) -> list:
            return []
        """
    dont_files = {
        "app/auth/dependencies.py": _DEPENDENCY,
        "app/orders/router.py": _ROUTER,
        "tests/test_orders.py": """
            FAKE_USER = {"id": 1}


            def test_orders_need_no_login(client, monkeypatch):
                monkeypatch.setattr("app.auth.dependencies.get_current_user", lambda: FAKE_USER)
                assert client.get("/orders").status_code == 200
            """,
    }
    do_files = {
        "app/auth/dependencies.py": _DEPENDENCY,
        "app/orders/router.py": _ROUTER,
        "tests/test_orders.py": """
            from app.auth.dependencies import get_current_user
            from app.main import app

            FAKE_USER = {"id": 1}


            def test_orders_need_no_login(client, monkeypatch):
                app.dependency_overrides[get_current_user] = lambda: FAKE_USER
                monkeypatch.setattr("app.auth.dependencies.lookup_user", lambda token: FAKE_USER)
                assert client.get("/orders").status_code == 200
            """,
    }

    def __init__(self) -> None:
        self._role: str | None = None  # "test", "app" or "" (nothing to note)
        self._patches: list[_Patch] = []
        self._dependencies: set[str] = set()

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        role = self._role
        if role is None:
            if is_test_path(ctx.path):
                role = "test" if text_contains(ctx, "patch", "setattr") else ""
            else:
                role = "app" if text_contains(ctx, "Depends(", "Security(") else ""
            self._role = role
        if not role:
            return
        if role == "test":
            patch = _patch(node, ctx)
            if patch is not None:
                self._patches.append(patch)
            return
        callee = ctx.resolve(node.func)
        if callee not in DEPENDS_MARKERS:
            return
        target = (
            node.args[0] if node.args else getattr(keyword_arg(node, "dependency"), "value", None)
        )
        if isinstance(target, ast.Name):
            found, value = ctx.lookup(target.id)
            if found and value is None:
                self._dependencies.add(ctx.qualify(target.id))
            elif value is not None and not value.endswith("()"):
                self._dependencies.add(value)
        if (
            node.args
            and isinstance(node.args[0], ast.Name)
            and callee in ("fastapi.Depends", "fastapi.Security")
        ):
            self._dependencies.add(ctx.qualify(node.args[0].id))

    def finish(self, ctx: FileContext) -> None:
        if self._patches:
            ctx.add_fact(
                PATCHES_FACT,
                tuple(
                    (*_span_tuple(patch.span), patch.written, patch.target)
                    for patch in self._patches
                ),
            )
        if self._dependencies:
            ctx.add_fact(APP_DEPENDENCIES_FACT, tuple(sorted(self._dependencies)))

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        patches: list[tuple[str, _Patch]] = []
        for path in project.python_files:
            if not is_test_path(path):
                continue
            for found in file_facts(project, path, PATCHES_FACT):
                for line, column, end_line, end_column, written, target in found:
                    span = Span(line, column, end_line, end_column)
                    patches.append((path, _Patch(span, written, target)))
        if not patches:
            return []
        dependencies: set[str] = set()
        for path in project.python_files:
            if is_test_path(path):
                continue
            for names in file_facts(project, path, APP_DEPENDENCIES_FACT):
                dependencies.update(names)
        by_suffix = _dotted_suffixes(dependencies)
        findings = []
        for path, patch in patches:
            match = _first_same_name(patch.target, dependencies, by_suffix)
            if match is None:
                continue
            name = patch.target.rsplit(".", 1)[-1]
            findings.append(
                project.finding(
                    self,
                    path,
                    patch.span.line,
                    f"`{patch.written}` replaces `{patch.target}`, which routes use through "
                    f"`Depends({name})`; they keep the original function, so use "
                    f"`app.dependency_overrides[{name}] = ...`",
                    column=patch.span.column,
                    end_line=patch.span.end_line,
                    end_column=patch.span.end_column,
                )
            )
        return findings


# ------------------------------------------------------------------ TST103
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
