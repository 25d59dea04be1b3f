"""TST101: the sync `TestClient` used for an app with async routes."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.walk import walk
from fastaudit.model import Finding, Severity
from fastaudit.rules._support.app_reach import (
    INCLUSION_ATTRS,
    UNKNOWN,
    AppReach,
    AppReachFacts,
    Route,
)
from fastaudit.rules._support.project_walk import (
    AsyncRouteFacts,
    file_facts,
    first_awaiting_route,
)
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


_TEST_CLIENT_MODULES = frozenset({"fastapi.testclient", "starlette.testclient"})
_TEST_CLIENTS = frozenset(f"{module}.TestClient" for module in _TEST_CLIENT_MODULES)
# An app object made in the file itself (an imported app resolves to its module path).
_STARLETTE_BUILT_HERE = "starlette.applications.Starlette()"
# Noted by TST101 for a test file: (line, column, end line, end column, app) of each
# ``TestClient(...)`` that drives a real app, not one built in that file (``app =
# FastAPI()`` in the test or the module) which mounts no router. ``app`` is what its
# argument resolves to (``app.main.app``, ``app.factory.create_app()``), or None; then
# the module-level function it is built in (a fixture), or "".
TEST_CLIENT_CALL_FACT = "test-client-call"


class SyncTestClientForAsyncApp(AppReachFacts, AsyncRouteFacts, ProjectRule):
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
    routes awaits something (`await`, `async with`, `async for`) that outlives the
    request: not a client the route makes for itself (`async with httpx.AsyncClient()`)
    nor `asyncio.sleep`; an `async def` health check returning a constant in an
    otherwise sync app does not make it so. And only in an app with loop-bound
    resources to share: one importing an async database or cache driver
    (`sqlalchemy.ext.asyncio`, `asyncpg`, `redis.asyncio`, Tortoise, Motor...). The routes
    asked are those of the app the client drives, followed through `include_router` and
    `mount` across modules, when they can all be followed (a second app of the project,
    such as a static UI, is not the API app); otherwise those of the whole project. The finding
    points at the `TestClient(...)` call (usually a conftest fixture), not at files
    that import the class only to annotate the fixture. A test file whose every
    `TestClient(...)` drives a small app built in that file (`app = FastAPI()` in the
    test, the module or a fixture of the file returning it, with a route or two, no
    `include_router`/`mount` of the app's routers) is left
    alone: that app shares nothing with the real one. So is a client fixture the tests
    use for WebSockets alone (`client.websocket_connect(...)`), which `httpx` cannot
    open.
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
    _DB = """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        Session = async_sessionmaker(create_async_engine(DATABASE_URL))
        """
    dont_files = {
        "app/main.py": _APP,
        "app/db.py": _DB,
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
        "app/db.py": _DB,
        "tests/test_orders.py": """
            from httpx import ASGITransport, AsyncClient

            from app.main import app


            async def test_list_orders():
                transport = ASGITransport(app=app)
                async with AsyncClient(transport=transport, base_url="http://test") as client:
                    assert (await client.get("/orders")).status_code == 200
            """,
    }

    calls = CallFilter.of(callees=_TEST_CLIENTS, attrs=INCLUSION_ATTRS)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in INCLUSION_ATTRS:
            self.note_inclusion(node, ctx)
            return
        if ctx.resolve(node.func) not in _TEST_CLIENTS or not is_test_path(ctx.path):
            return
        app = node.args[0] if node.args else getattr(keyword_arg(node, "app"), "value", None)
        if (
            app is not None
            and (ctx.resolve(app) == _STARLETTE_BUILT_HERE or ctx.route_owner(app) == "app")
            and _includes_only_fresh_objects(ctx)
        ):
            return  # a tiny app the test builds for itself
        if isinstance(app, ast.Name) and _tiny_fixture_app(app.id, ctx):
            return  # ... or builds in a fixture of this file (``def test_app(): ...``)
        span = ctx.span(node)
        target = ctx.resolve(app) if app is not None else None
        # The module-level function building it: a fixture other tests take by name.
        function = ctx.function
        fixture = (
            function.name if function is not None and ctx.is_module_binding(function.name) else ""
        )
        ctx.add_fact(
            TEST_CLIENT_CALL_FACT,
            (span.line, span.column, span.end_line, span.end_column, target, fixture),
        )

    def visit_Await(self, node: ast.AST, ctx: FileContext) -> None:
        super().visit_Await(node, ctx)
        self.note_awaiting_route(node, ctx)

    visit_AsyncWith = visit_Await
    visit_AsyncFor = visit_Await

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
            calls.append((path, module, found))
        if not calls or not _uses_async_resources(project):
            return []
        reach = AppReach(project)
        anywhere: list[Route | None] = []  # the project-wide answer, asked once if at all

        def awaiting(target: str | None) -> Route | None:
            route = reach.awaiting_route(target) if target is not None else UNKNOWN
            if route is not UNKNOWN:
                return route
            if not anywhere:
                anywhere.append(first_awaiting_route(project))
            return anywhere[0]

        sockets_only: dict[str, bool] = {}

        def for_websockets(fixture: str) -> bool:
            if fixture and fixture not in sockets_only:
                sockets_only[fixture] = _websockets_only(project, fixture)
            return bool(fixture) and sockets_only[fixture]

        findings = []
        for path, module, found in calls:
            # One finding per file: at its first client driving an app whose routes await,
            # unless the tests use it for WebSockets alone (an ``httpx.AsyncClient`` has
            # none to offer).
            hit = next(
                (
                    (call, route)
                    for call in found
                    if (route := awaiting(call[4])) is not None and not for_websockets(call[5])
                ),
                None,
            )
            if hit is None:
                continue
            (line, column, end_line, end_column, *_), (route_path, route_line, route_name) = hit
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


_APP_CLASSES = frozenset(
    {"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"}
)


def _tiny_fixture_app(name: str, ctx: FileContext) -> bool:
    """Whether ``name`` (the client's argument, a fixture parameter) is a module-level
    function of this test file that builds a ``FastAPI()`` of its own and returns it,
    including nothing but what the file builds itself."""
    function = next(
        (
            statement
            for statement in ctx.tree.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and statement.name == name
        ),
        None,
    )
    if function is None or not _includes_only_fresh_objects(ctx):
        return False
    built: set[str] = set()
    for inner in walk(function):
        if (
            isinstance(inner, ast.Assign)
            and isinstance(inner.value, ast.Call)
            and ctx.resolve(inner.value.func) in _APP_CLASSES
        ):
            built.update(t.id for t in inner.targets if isinstance(t, ast.Name))
    return any(
        isinstance(inner, (ast.Return, ast.Yield))
        and isinstance(inner.value, ast.Name)
        and inner.value.id in built
        for inner in walk(function)
    )


def _includes_only_fresh_objects(ctx: FileContext) -> bool:
    """Whether every router or app this test file includes or mounts is one it builds
    itself by calling a class (``router = APIRouter()``, a project's ``PrefectRouter()``):
    empty until the test adds its own routes. Including an imported router (the app's
    real ``items.router``), or one a factory returns, brings the app's routes in."""
    key = ("tst101-fresh-includes",)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _fresh_includes(ctx.tree)
    return bool(found)


def _fresh_includes(tree: ast.AST) -> bool:
    if not isinstance(tree, ast.Module):
        return False
    fresh: set[str] = set()
    included: list[ast.expr] = []
    for node in walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name[:1].isupper():  # a class, by the naming convention
                fresh.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "include_router" and node.args:
                included.append(node.args[0])
            elif node.func.attr in ("mount", "host") and len(node.args) > 1:
                included.append(node.args[1])
    return all(isinstance(arg, ast.Name) and arg.id in fresh for arg in included)


# Libraries whose connections, pools and clients belong to the event loop that opened
# them: what a test's loop and the `TestClient`'s cannot share.
_ASYNC_RESOURCES = (
    "sqlalchemy.ext.asyncio",
    "sqlmodel.ext.asyncio",
    "asyncpg",
    "aiosqlite",
    "aiomysql",
    "asyncmy",
    "psycopg_pool",
    "motor",
    "beanie",
    "odmantic",
    "redis.asyncio",
    "aioredis",
    "tortoise",
    "databases",
    "aiokafka",
    "aio_pika",
    "nats",
)
# The dotted ones, which ``from sqlalchemy.ext import asyncio`` names in two parts.
_ASYNC_PREFIXES = tuple(prefix for prefix in _ASYNC_RESOURCES if "." in prefix)


def _uses_async_resources(project: ProjectView) -> bool:
    """Whether the app's code (tests aside) imports a library of loop-bound connections:
    without one (a sync database, clients made per request) the two loops share
    nothing, and the sync client is the simple choice."""
    for path, outcome in project.outcomes.items():
        if is_test_path(path):
            continue
        for record in outcome.imports:
            module = record.module
            if any(
                module == prefix or module.startswith(prefix + ".") for prefix in _ASYNC_RESOURCES
            ):
                return True
            if record.names and any(
                f"{module}.{name}".startswith(_ASYNC_PREFIXES) for name in record.names
            ):
                return True
    return False


_CLIENT_USE = re.compile(
    r"\b(?P<name>\w+)\.(?P<verb>get|post|put|patch|delete|head|options|request|stream|"
    r"websocket_connect)\("
)


def _websockets_only(project: ProjectView, fixture: str) -> bool:
    """Whether the test files use the client fixture ``fixture`` for WebSockets alone
    (``client.websocket_connect(...)``, never ``client.get(...)``), read from their text."""
    verbs: set[str] = set()
    for path in project.python_files:
        if not is_test_path(path):
            continue
        source = project.read_text(path)
        if source is None or f"{fixture}." not in source.text:
            continue
        verbs.update(
            match["verb"] for match in _CLIENT_USE.finditer(source.text) if match["name"] == fixture
        )
    return verbs == {"websocket_connect"}
