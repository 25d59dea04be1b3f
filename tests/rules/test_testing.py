"""TST rules: TestClient for an async app, patched dependencies, mocked sessions."""

from __future__ import annotations

import textwrap

from fastaudit.audit.scan import check_source

from .conftest import project_findings, write_tree

APP = """
    from fastapi import Depends, FastAPI

    from app.auth import get_current_user

    app = FastAPI()


    @app.get("/me")
    async def me(user: dict = Depends(get_current_user)) -> dict:
        return await load_profile(user)
"""
AUTH = """
    from redis.asyncio import Redis

    sessions = Redis()


    def get_current_user() -> dict:
        return load_user()
"""


# ------------------------------------------------------------------ TST101
def test_test_client_for_async_app(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            "tests/conftest.py": """
                import pytest
                from starlette.testclient import TestClient

                from app.main import app


                @pytest.fixture
                def client():
                    return TestClient(app)
            """,
            # Importing the app without a client is fine.
            "tests/test_schema.py": "from app.main import app\n",
        },
    )
    (finding,) = project_findings(tmp_path, "TST101")
    # At the call that builds the client, not the import.
    assert (finding.path, finding.line, finding.span.column) == ("tests/conftest.py", 9, 12)
    assert finding.message == (
        "`TestClient` (starlette.testclient) runs the app on another thread's event loop, "
        "but its routes await on that loop (`async def me` in app/main.py:9); use "
        "`httpx.AsyncClient` with `ASGITransport(app=app)` in async tests"
    )


def test_test_client_is_reported_where_it_is_built_not_where_it_is_annotated(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            # Test files that name the class only to annotate the fixture they receive.
            "tests/api/test_items.py": """
                from fastapi.testclient import TestClient


                def test_items(client: TestClient) -> None:
                    assert client.get("/items").status_code == 200
            """,
            "tests/api/test_users.py": """
                from fastapi.testclient import TestClient


                def test_me(client: TestClient) -> None:
                    assert client.get("/me").status_code == 200
            """,
            "tests/conftest.py": """
                from collections.abc import Iterator

                import pytest
                from fastapi.testclient import TestClient

                from app.main import app


                @pytest.fixture
                def client() -> Iterator[TestClient]:
                    with TestClient(app) as c:
                        yield c
            """,
        },
    )
    (finding,) = project_findings(tmp_path, "TST101")
    assert (finding.path, finding.line, finding.span.column) == ("tests/conftest.py", 11, 10)
    assert "more like it" not in finding.message


def test_test_client_for_a_sync_app_with_a_trivial_async_route_is_fine(tmp_path):
    write_tree(
        tmp_path,
        {
            # Every route doing work is sync; the health check awaits nothing.
            "app/main.py": """
                from fastapi import FastAPI

                app = FastAPI()


                @app.get("/health")
                async def health() -> bool:
                    return True


                @app.get("/items")
                def list_items(db: Session) -> list:
                    return db.exec(select(Item)).all()
            """,
            "app/cache.py": "from redis.asyncio import Redis\n\ncache = Redis()\n",
            "tests/conftest.py": """
                from fastapi.testclient import TestClient

                from app.main import app

                client = TestClient(app)
            """,
        },
    )
    assert project_findings(tmp_path, "TST101") == []


def test_test_client_message_cites_a_route_that_awaits(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/a_health.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/health")
                async def health() -> bool:
                    return True
            """,
            "app/b_items.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/items")
                async def list_items() -> list:
                    async with pool.connection() as conn:
                        return await conn.fetch("select 1")
            """,
            "app/c_db.py": "import asyncpg\n\npool = asyncpg.create_pool(URL)\n",
            "tests/conftest.py": """
                from fastapi.testclient import TestClient

                from app.main import app

                client = TestClient(app)
            """,
        },
    )
    (finding,) = project_findings(tmp_path, "TST101")
    assert "(`async def list_items` in app/b_items.py:7)" in finding.message


def test_test_client_for_sync_app_is_fine(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/main.py": APP.replace("async def", "def"),
            "app/auth.py": AUTH,
            "tests/test_me.py": "from fastapi.testclient import TestClient\n",
        },
    )
    assert project_findings(tmp_path, "TST101") == []


# ------------------------------------------------------------------ TST102
def test_patched_dependency_every_spelling(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            "tests/test_me.py": """
                from unittest import mock

                import app.auth
                from app import auth


                def test_a(monkeypatch):
                    monkeypatch.setattr("app.auth.get_current_user", lambda: {})


                def test_b(monkeypatch):
                    monkeypatch.setattr(auth, "get_current_user", lambda: {})


                @mock.patch("app.main.get_current_user")
                def test_c(fake):
                    pass


                def test_d(mocker):
                    mocker.patch.object(app.auth, "get_current_user")


                def test_not_a_dependency(monkeypatch, mocker):
                    monkeypatch.setattr("app.auth.load_user", lambda: {})
                    mocker.patch("app.main.app")
            """,
        },
    )
    result = project_findings(tmp_path, "TST102")
    assert [(f.path, f.line) for f in result] == [
        ("tests/test_me.py", 8),
        ("tests/test_me.py", 12),
        ("tests/test_me.py", 15),
        ("tests/test_me.py", 21),
    ]
    assert result[0].message == (
        "`monkeypatch.setattr(...)` replaces `app.auth.get_current_user`, which routes use "
        "through `Depends(get_current_user)`; they keep the original function, so use "
        "`app.dependency_overrides[get_current_user] = ...`"
    )
    assert result[2].message.startswith("`mock.patch(...)` replaces `app.main.get_current_user`")


# ------------------------------------------------------------------ TST103
def found(source: str, path: str = "tests/test_orders.py"):
    return list(check_source(textwrap.dedent(source), path, ["TST103"]))


def test_mocked_session_in_integration_test():
    findings = found(
        """
        from unittest.mock import MagicMock

        from fastapi.testclient import TestClient
        from sqlalchemy.orm import Session

        from app.database import get_db


        def test_list(client):
            session = MagicMock(spec=Session)
            db = MagicMock()
            app.dependency_overrides[get_db] = lambda: MagicMock()
            gateway = MagicMock()
        """
    )
    assert [(f.line, f.span.column) for f in findings] == [(11, 15), (12, 10), (13, 48)]
    assert findings[0].message == (
        "`MagicMock(spec=Session)` stands in for the database session (its spec is "
        "`Session`) in an integration test (it imports `fastapi.testclient`): its queries "
        "never run; use a real test database"
    )
    assert "(it is assigned to `db`)" in findings[1].message
    assert "(it overrides `get_db`)" in findings[2].message


def test_mocked_session_integration_by_folder():
    (finding,) = found(
        """
        from unittest.mock import AsyncMock

        async def test_it():
            mock_db_session = AsyncMock()
        """,
        "tests/integration/test_orders.py",
    )
    assert "(it lives under tests/integration/)" in finding.message


def test_mocked_session_in_unit_test_is_fine():
    assert (
        found(
            """
            from unittest.mock import MagicMock

            def test_total():
                db = MagicMock()
                assert total(db) == 0
            """,
            "tests/unit/test_service.py",
        )
        == []
    )


def test_mocks_outside_test_files_are_ignored():
    source = """
        from unittest.mock import MagicMock
        from fastapi.testclient import TestClient

        session = MagicMock()
        """
    assert found(source, "app/dev_tools.py") == []


def test_test_client_on_a_tiny_app_built_in_the_test_is_fine(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            # Middleware tested on an app made for the test, in the function...
            "tests/test_middleware.py": """
                from fastapi import FastAPI
                from fastapi.testclient import TestClient

                from app.middleware import TimingMiddleware


                def test_timing_header():
                    app = FastAPI()
                    app.add_middleware(TimingMiddleware)

                    @app.get("/ping")
                    async def ping() -> dict:
                        return {}

                    client = TestClient(app)
                    assert "x-time" in client.get("/ping").headers
            """,
            # ...or in the module.
            "tests/test_errors.py": """
                from fastapi import FastAPI
                from fastapi.testclient import TestClient

                from app.errors import install_handlers

                tiny = FastAPI()
                install_handlers(tiny)


                @tiny.get("/boom")
                async def boom() -> dict:
                    raise ValueError


                def test_boom():
                    assert TestClient(tiny).get("/boom").status_code == 500
            """,
            # A test app that mounts the real routers is the real app: still reported.
            "tests/test_router.py": """
                from fastapi import FastAPI
                from fastapi.testclient import TestClient

                from app.main import router

                app = FastAPI()
                app.include_router(router)
                client = TestClient(app)
            """,
        },
    )
    assert [(f.path, f.line) for f in project_findings(tmp_path, "TST101")] == [
        ("tests/test_router.py", 8)
    ]


def test_test_client_on_a_fresh_router_of_the_test_is_fine(tmp_path):
    """A router the test makes itself (a project class, by any name) is empty until
    the test adds routes: including it does not bring the app's routes in."""
    write_tree(
        tmp_path,
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            "tests/test_paths.py": """
                from fastapi import FastAPI
                from fastapi.testclient import TestClient

                from app.routing import AuditedRouter


                def test_encoded_segment():
                    app = FastAPI()
                    router = AuditedRouter()

                    @router.get("/{name}")
                    def echo(name: str) -> str:
                        return name

                    app.include_router(router)
                    assert TestClient(app).get("/a%20b").json() == "a b"
            """,
        },
    )
    assert project_findings(tmp_path, "TST101") == []


# Two apps in one project: the API app, async through its routers, and a sync app that
# serves the front end's settings. Factories, a module app, and a mounted sub-app.
TWO_APPS = {
    "shop/__init__.py": "",
    # Connections bound to the loop that opened them: what the two loops cannot share.
    "shop/db.py": "from sqlalchemy.ext.asyncio import create_async_engine\n",
    "shop/api/__init__.py": "",
    "shop/api/orders.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/orders")


        @router.get("/")
        async def list_orders() -> list[dict]:
            return await fetch_orders()
    """,
    "shop/api/health.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/health")
        def health() -> dict:
            return {"ok": True}
    """,
    "shop/server.py": """
        from fastapi import FastAPI
        from fastapi.staticfiles import StaticFiles

        from shop.api import health, orders


        def build_api() -> FastAPI:
            api = FastAPI()
            api.include_router(health.router)
            api.include_router(orders.router)
            return api


        def build_front() -> FastAPI:
            front = FastAPI()
            front.include_router(health.router)
            front.mount("/static", StaticFiles(directory="static"))

            @front.get("/settings")
            def settings() -> dict:
                return {"theme": "dark"}

            return front


        def build_site() -> FastAPI:
            site = FastAPI()
            site.mount("/api", build_api())
            return site
    """,
    "shop/main.py": """
        from shop.server import build_front

        front_app = build_front()
    """,
}


def test_test_client_is_asked_about_the_app_it_drives(tmp_path):
    write_tree(
        tmp_path,
        {
            **TWO_APPS,
            "tests/test_front.py": """
                from fastapi.testclient import TestClient

                from shop.main import front_app
                from shop.server import build_front


                def test_settings():
                    assert TestClient(build_front()).get("/settings").status_code == 200


                def test_settings_from_the_module_app():
                    assert TestClient(front_app).get("/settings").status_code == 200
            """,
            "tests/test_api.py": """
                from fastapi.testclient import TestClient

                from shop.server import build_api


                def test_orders():
                    api = build_api()
                    client = TestClient(api)
                    assert client.get("/orders/").status_code == 200
            """,
            "tests/test_site.py": """
                from fastapi.testclient import TestClient

                from shop.server import build_site

                client = TestClient(build_site())
            """,
        },
    )
    findings = project_findings(tmp_path, "TST101")
    # The front app's routes (its own, the health router, static files) never await;
    # the API app's orders router does, and the site mounts the API app.
    (finding,) = findings  # the site's client is the same finding, folded
    assert (finding.path, finding.line) == ("tests/test_api.py", 8)
    assert finding.message.endswith(
        "(`async def list_orders` in shop/api/orders.py:7); use `httpx.AsyncClient` with "
        "`ASGITransport(app=app)` in async tests (and 1 more like it: tests/test_site.py:5)"
    )


def test_test_client_asks_the_whole_project_when_routes_cannot_be_followed(tmp_path):
    write_tree(
        tmp_path,
        {
            **TWO_APPS,
            "shop/server.py": TWO_APPS["shop/server.py"]
            + """

        def build_admin() -> FastAPI:
            admin = FastAPI()
            register_pages(admin)  # may add any route: not followed
            return admin
            """,
            "tests/test_admin.py": """
                from fastapi.testclient import TestClient

                from shop.server import build_admin


                def test_admin(app):
                    TestClient(build_admin())
                    TestClient(app)  # a fixture: which app is not known
            """,
        },
    )
    findings = project_findings(tmp_path, "TST101")
    assert [(f.path, f.line) for f in findings] == [("tests/test_admin.py", 7)]
    assert "`async def list_orders`" in findings[0].message


def test_mocked_session_in_a_unit_test_next_to_integration_tests_is_fine():
    result = found(
        """
        from unittest.mock import AsyncMock, MagicMock

        from fastapi.testclient import TestClient
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.database import get_db
        from app.orders.service import place_order


        async def test_place_order_adds_a_row():
            session = AsyncMock()
            await place_order(session, sku="A-1")
            session.add.assert_called_once()


        async def test_place_order_commits():
            db = MagicMock(spec=AsyncSession)
            await place_order(db, sku="A-1")


        def test_list(client):
            db = MagicMock()
            app.dependency_overrides[get_db] = lambda: db
        """
    )
    assert [(f.line, f.span.column) for f in result] == [(23, 10)]
    assert "(it is assigned to `db`) in an integration test (it imports" in result[0].message


# --------------------------------------------------------------------------- TST104
def _shortcut_project(tmp_path, conftest: str, requirements: str | None = "httpx>=0.27\n"):
    files = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    files["tests/conftest.py"] = conftest
    if requirements is not None:
        files["requirements.txt"] = requirements
    write_tree(tmp_path, files)
    return project_findings(tmp_path, "TST104")


_MODULE_IMPORT = """
    import httpx

    from app.main import app


    async def make_client():
        return httpx.AsyncClient(app=app, base_url="http://test")
    """


def test_shortcut_fix_follows_how_httpx_is_imported(tmp_path):
    (finding,) = _shortcut_project(tmp_path, _MODULE_IMPORT)
    assert finding.fix is not None and finding.fix.safety == "safe"
    assert [e.text for e in finding.fix.edits] == ["transport=httpx.ASGITransport(app=app)"]
    assert "deprecated in 0.27 and removed in 0.28" in finding.message


def test_shortcut_fix_is_unsafe_when_an_older_httpx_can_be_installed(tmp_path):
    (finding,) = _shortcut_project(tmp_path, _MODULE_IMPORT, "httpx>=0.16\n")
    assert finding.fix is not None and finding.fix.safety == "unsafe"
    assert "needs httpx 0.18 and the project allows older ones" in finding.fix.note


def test_shortcut_fix_is_unsafe_when_httpx_is_not_declared(tmp_path):
    (finding,) = _shortcut_project(tmp_path, _MODULE_IMPORT, None)
    assert finding.fix is not None and finding.fix.safety == "unsafe"
    assert "does not declare" in finding.fix.note


def test_shortcut_with_a_transport_too_is_reported_without_a_fix(tmp_path):
    (finding,) = _shortcut_project(
        tmp_path,
        """
        from httpx import ASGITransport, AsyncClient

        from app.main import app

        client = AsyncClient(app=app, transport=ASGITransport(app=app))
        """,
    )
    assert finding.fix is None and "drop `app=`" in finding.message


def test_clients_without_the_shortcut_are_not_reported(tmp_path):
    assert not _shortcut_project(
        tmp_path,
        """
        import httpx
        from httpx import ASGITransport, AsyncClient, Client

        from app.main import app

        options = {"app": app}
        a = AsyncClient(transport=ASGITransport(app=app))
        b = AsyncClient(**options)
        c = Client(app=object())
        d = httpx.get("https://example.com", params={"app": 1})
        """,
    )


def test_shortcut_fix_follows_the_lock_over_the_declarations(tmp_path):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                version = "1.0"
                dependencies = ["fastapi>=0.115", "httpx"]
                """,
            "uv.lock": """
                version = 1

                [[package]]
                name = "httpx"
                version = "0.17.1"
                source = { registry = "https://pypi.org/simple" }
                """,
        },
    )
    (finding,) = _shortcut_project(tmp_path, _MODULE_IMPORT, None)
    assert finding.fix is not None and finding.fix.safety == "unsafe"
    assert "the lock installs httpx 0.17.1" in finding.fix.note


def test_an_app_with_no_loop_bound_resource_is_fine(tmp_path):
    """A sync database and clients made per request: the test's loop and the app's
    share nothing, whatever the routes await."""
    write_tree(
        tmp_path,
        {
            "app/main.py": """
                import httpx
                from fastapi import FastAPI

                app = FastAPI()


                @app.get("/rates")
                async def rates() -> dict:
                    return await fetch_rates()
            """,
            "tests/conftest.py": """
                from fastapi.testclient import TestClient

                from app.main import app

                client = TestClient(app)
            """,
        },
    )
    assert project_findings(tmp_path, "TST101") == []
    (tmp_path / "app/db.py").write_text("from sqlalchemy.ext.asyncio import AsyncSession\n")
    assert [f.path for f in project_findings(tmp_path, "TST101")] == ["tests/conftest.py"]


def test_a_route_awaiting_only_what_it_makes_itself_is_no_evidence(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/db.py": "from sqlalchemy.ext.asyncio import AsyncSession\n",
            "app/main.py": """
                import asyncio

                import httpx
                from fastapi import FastAPI

                from app.weather import WeatherService

                app = FastAPI()


                @app.get("/rates")
                async def rates() -> dict:
                    async with httpx.AsyncClient() as client:
                        response = await client.get(RATES_URL)
                    service = WeatherService()
                    await service.refresh()
                    await asyncio.sleep(0)
                    return response.json()
            """,
            "tests/conftest.py": """
                from fastapi.testclient import TestClient

                from app.main import app

                client = TestClient(app)
            """,
        },
    )
    assert project_findings(tmp_path, "TST101") == []


def test_a_client_fixture_used_for_websockets_alone_is_fine(tmp_path):
    """``httpx.AsyncClient`` opens no WebSocket: a sync client kept for them is the tool
    there is. The same fixture used for one HTTP call is reported."""
    conftest = """
        import pytest
        from fastapi.testclient import TestClient

        from app.main import app


        @pytest.fixture
        def live_client():
            return TestClient(app)
    """
    socket_test = """
        def test_price_feed(live_client):
            with live_client.websocket_connect("/feed") as feed:
                assert feed.receive_json()["symbol"]
    """
    write_tree(
        tmp_path / "sockets",
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            "tests/conftest.py": conftest,
            "tests/test_feed.py": socket_test,
        },
    )
    assert project_findings(tmp_path / "sockets", "TST101") == []
    write_tree(
        tmp_path / "both",
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            "tests/conftest.py": conftest,
            "tests/test_feed.py": socket_test,
            "tests/test_me.py": """
                def test_me(live_client):
                    assert live_client.get("/me").status_code == 200
            """,
        },
    )
    assert [f.path for f in project_findings(tmp_path / "both", "TST101")] == ["tests/conftest.py"]


def test_a_tiny_app_built_in_a_fixture_of_the_test_file_is_fine(tmp_path):
    """``TestClient(cookie_app)`` where ``cookie_app`` is a fixture of the same file that
    builds a ``FastAPI()`` with a route or two and returns it."""
    write_tree(
        tmp_path,
        {
            "app/main.py": APP,
            "app/auth.py": AUTH,
            "tests/test_cookies.py": """
                import pytest
                from fastapi import FastAPI, Response
                from fastapi.testclient import TestClient


                @pytest.fixture
                def cookie_app():
                    app = FastAPI()

                    @app.get("/set")
                    async def set_cookie(response: Response) -> dict:
                        response.set_cookie("flavour", "oat")
                        return {}

                    return app


                @pytest.fixture
                def client(cookie_app):
                    return TestClient(cookie_app)


                def test_cookie(client):
                    assert client.get("/set").cookies["flavour"] == "oat"
            """,
        },
    )
    assert project_findings(tmp_path, "TST101") == []
