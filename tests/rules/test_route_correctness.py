"""Route correctness rules (issue 16): RTE104 onwards, on small projects."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastaudit.model import Safety

from .conftest import found, project_findings, write_tree

# ------------------------------------------------------------------------------ RTE104
RTE104_VALID = (
    """
    from typing import Annotated

    from fastapi import APIRouter, Depends, Path

    router = APIRouter()

    def get_shop(shop_id: int) -> dict:
        return {"id": shop_id}

    ShopDep = Annotated[dict, Depends(get_shop)]

    class Pager:
        def __init__(self, page: int) -> None:
            self.page = page

    class Owner:
        def __call__(self, owner_id: int) -> int:
            return owner_id

    owner = Owner()

    @router.get("/shops/{shop_id}/pages/{page}/owners/{owner_id}/{code}")
    def read(
        shop: ShopDep,
        pager: Pager = Depends(),
        who: int = Depends(owner),
        short: Annotated[str, Path(alias="code")] = "",
    ) -> dict:
        return shop
    """,
    """
    from fastapi import APIRouter, Depends

    def check_team(team_id: int) -> None: ...

    router = APIRouter(dependencies=[Depends(check_team)])

    def check_user(user_id: int) -> None: ...

    @router.delete("/teams/{team_id}/users/{user_id}", dependencies=[Depends(check_user)])
    def remove() -> None: ...
    """,
    """
    from fastapi import APIRouter, Depends

    from app.deps import get_project

    router = APIRouter()

    @router.get("/projects/{project_id}")
    def read(project=Depends(get_project)) -> dict:
        return project
    """,
    """
    from fastapi import APIRouter, Request

    router = APIRouter()

    @router.get("/files/{name:path}")
    def read(request: Request) -> str:
        return request.path_params["name"]
    """,
    """
    from fastapi import FastAPI

    app = FastAPI()

    @app.websocket("/ws/{room}")
    async def chat(websocket) -> None: ...
    """,
)
RTE104_INVALID = (
    """
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/files/{file_path:path}")
    def read_file(path: str) -> str:
        return path
    """,
    """
    from fastapi import APIRouter, Depends

    router = APIRouter()

    def get_shop(shop_id: int) -> dict:
        return {"id": shop_id}

    @router.api_route("/shops/{shop_id}/items/{ item_id }", methods=["GET"])
    def read_item(shop=Depends(get_shop), *, verbose: bool = False) -> dict:
        return shop
    """,
)


@pytest.mark.parametrize("source", RTE104_VALID)
def test_rte104_parameters_taken_somewhere_are_fine(source: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/routes.py": source})
    assert not project_findings(tmp_path, "RTE104")


@pytest.mark.parametrize("source", RTE104_INVALID)
def test_rte104_parameters_nobody_takes_are_reported(source: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/routes.py": source})
    (finding,) = project_findings(tmp_path, "RTE104")
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE


def test_rte104_message_and_position(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app/routes.py": """
                from fastapi import APIRouter

                router = APIRouter()

                @router.get("/teams/{team_id}/users/{user_id}")
                def read(team_id: int) -> dict:
                    return {}
                """
        },
    )
    (finding,) = project_findings(tmp_path, "RTE104")
    assert finding.span.line == 5 and finding.span.column == 13
    assert finding.message.startswith("`{user_id}` in the path of `read` is taken by no")


ALIASES = """
from typing import Annotated

from fastapi import Depends

from app.other import load_elsewhere


def get_shop(shop_id: int) -> dict:
    return {"id": shop_id}


def get_session() -> object:
    return object()


ShopDep = Annotated[dict, Depends(get_shop)]
SessionDep = Annotated[object, Depends(get_session)]
Elsewhere = Annotated[object, Depends(load_elsewhere)]
"""


@pytest.mark.parametrize(
    ("parameter", "reported"),
    [
        ("shop: ShopDep", False),  # the alias's dependency takes `shop_id`
        ("session: SessionDep", True),  # an alias that takes something else
        ("thing: Elsewhere", False),  # an alias whose dependency is not known
        ("item: Item", True),  # a class, not an alias
    ],
)
def test_rte104_follows_aliases_from_other_files(
    parameter: str, reported: bool, tmp_path: Path
) -> None:
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/deps.py": ALIASES,
            "app/schemas.py": "class Item:\n    pass\n",
            "app/routes.py": f"""
                from fastapi import APIRouter

                from app.deps import Elsewhere, SessionDep, ShopDep
                from app.schemas import Item

                router = APIRouter()

                @router.get("/shops/{{shop_id}}")
                def read({parameter}) -> dict:
                    return {{}}
                """,
        },
    )
    assert bool(project_findings(tmp_path, "RTE104")) is reported


def test_rte104_a_catch_all_route_need_not_read_what_it_caught(tmp_path: Path) -> None:
    """``/{full_path:path}``: a single-page app's fallback, the same page for any URL. A
    ``path`` parameter beside others is still asked for."""
    (tmp_path / "main.py").write_text(
        textwrap.dedent(
            """
            from fastapi import FastAPI
            from fastapi.responses import FileResponse

            app = FastAPI()


            @app.get("/{full_path:path}")
            async def spa(request) -> FileResponse:
                return FileResponse("dist/index.html")


            @app.get("/files/{bucket}/{key:path}")
            async def download(bucket: str) -> FileResponse:
                return FileResponse(f"data/{bucket}")
            """
        ),
        encoding="utf-8",
    )
    findings = project_findings(tmp_path, "RTE104")
    assert [f.line for f in findings] == [13]


def test_rte104_a_dependency_reading_path_params_takes_them(tmp_path: Path) -> None:
    # Netflix/dispatch: `get_current_case` reads `request.path_params["case_id"]`.
    source = """
        from typing import Annotated

        from fastapi import APIRouter, Depends, Request

        router = APIRouter()

        def get_current_case(request: Request) -> dict:
            return {"id": request.path_params["case_id"]}

        CurrentCase = Annotated[dict, Depends(get_current_case)]

        @router.post("/{case_id}/channel")
        def create_channel(case: CurrentCase) -> dict:
            return case
        """
    write_tree(tmp_path, {"app/routes.py": source})
    assert not project_findings(tmp_path, "RTE104")


def test_rte104_routes_in_tests_and_class_views_are_left_alone(tmp_path: Path) -> None:
    source = """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/x/{x_id}")
        def read() -> dict:
            return {}
        """
    write_tree(tmp_path, {"tests/test_app.py": source})
    assert not project_findings(tmp_path, "RTE104")


# ------------------------------------------------------------------------------ RTE105
def _app(routes: str, main_extra: str = "") -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\n\nfrom app import items\n\n"
        "app = FastAPI()\n"
        'app.include_router(items.router, prefix="/api")\n' + main_extra + "\n",
        "app/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n" + routes,
    }


def test_rte105_reports_the_second_with_the_first_as_related(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        _app(
            '@router.get("/items/{item_id}")\n'
            "def one(item_id: int) -> dict:\n    return {}\n\n"
            '@router.api_route("/items/{id}", methods=["GET", "PUT"])\n'
            "def two(id: int) -> dict:\n    return {}\n"
        ),
    )
    (finding,) = project_findings(tmp_path, "RTE105")
    assert finding.path == "app/items.py" and finding.span.line == 9
    assert finding.message.startswith(
        "`GET /api/items/{id}` (`two`) is already declared by `one` (app/items.py:5)"
    )
    (related,) = finding.related
    assert (related.path, related.line) == ("app/items.py", 5)


@pytest.mark.parametrize(
    "routes",
    [
        # Another method, another converter, another trailing slash.
        '@router.get("/items/{id}")\ndef one(id: int) -> dict: ...\n'
        '@router.put("/items/{id}")\ndef two(id: int) -> dict: ...\n'
        '@router.get("/items/{id:path}")\ndef three(id: str) -> dict: ...\n'
        '@router.get("/items/{id}/")\ndef four(id: int) -> dict: ...\n',
        # Declared under a condition: one or the other.
        "import os\n"
        'if os.environ.get("V2"):\n'
        '    @router.get("/items")\n    def one() -> list: ...\n'
        "else:\n"
        '    @router.get("/items")\n    def two() -> list: ...\n',
    ],
)
def test_rte105_distinct_routes_are_fine(routes: str, tmp_path: Path) -> None:
    write_tree(tmp_path, _app(routes))
    assert not project_findings(tmp_path, "RTE105")


def test_rte105_one_router_under_two_prefixes_is_no_duplicate(tmp_path: Path) -> None:
    routes = '@router.get("/items")\ndef one() -> list: ...\n'
    write_tree(tmp_path, _app(routes, 'app.include_router(items.router, prefix="/v2")'))
    assert not project_findings(tmp_path, "RTE105")


def test_rte105_the_app_and_an_included_router(tmp_path: Path) -> None:
    routes = '@router.get("/health")\ndef health() -> dict: ...\n'
    main = '@app.get("/api/health")\ndef app_health() -> dict: ...\n'
    write_tree(tmp_path, _app(routes, main))
    (finding,) = project_findings(tmp_path, "RTE105")
    assert "`GET /api/health`" in finding.message


# ------------------------------------------------------------------------------ RTE108
def _mounted(router: str, routes: str, main: str, extra: dict[str, str] | None = None):
    return {
        "app/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\n\nfrom app import items\n\n"
        "app = FastAPI()\n" + main + "\n",
        "app/items.py": "from fastapi import APIRouter\n\n" + router + "\n\n" + routes,
        **(extra or {}),
    }


_ITEMS = '@router.get("/{item_id}")\ndef read(item_id: int) -> dict:\n    return {}\n'


def test_rte108_points_at_the_prefix_and_the_router(tmp_path: Path) -> None:
    main = 'app.include_router(items.router, prefix="/items", tags=["items"])'
    write_tree(tmp_path, _mounted("router = APIRouter()", _ITEMS, main))
    (finding,) = project_findings(tmp_path, "RTE108")
    assert (finding.path, finding.span.line, finding.span.column) == ("app/main.py", 6, 34)
    assert finding.message.startswith(
        '`prefix="/items"` is the only prefix of `router` (app/items.py:3)'
    )
    (related,) = finding.related
    assert (related.path, related.line) == ("app/items.py", 3)


@pytest.mark.parametrize(
    ("router", "routes", "main", "extra"),
    [
        # Mounted twice: the prefix at the mount point is doing work.
        (
            "router = APIRouter()",
            _ITEMS,
            'app.include_router(items.router, prefix="/items")\n'
            'app.include_router(items.router, prefix="/v2/items")',
            None,
        ),
        # Mounted once in the app and once more by a test.
        (
            "router = APIRouter()",
            _ITEMS,
            'app.include_router(items.router, prefix="/items")',
            {
                "tests/test_items.py": "from fastapi import FastAPI\n\n"
                "from app import items\n\n"
                "test_app = FastAPI()\ntest_app.include_router(items.router)\n"
            },
        ),
        # The router has a prefix of its own already.
        (
            'router = APIRouter(prefix="/items")',
            _ITEMS,
            'app.include_router(items.router, prefix="/api")',
            None,
        ),
        # Its prefix comes from settings: where the app is put together decides it.
        (
            "router = APIRouter()",
            _ITEMS,
            "API = '/api'\napp.include_router(items.router, prefix=API)",
            None,
        ),
        # An aggregating router: no routes of its own.
        (
            "from app import other\n\nrouter = APIRouter()\nrouter.include_router(other.router)",
            "",
            'app.include_router(items.router, prefix="/api")',
            {
                "app/other.py": "from fastapi import APIRouter\n\n"
                'router = APIRouter(prefix="/other")\n\n'
                '@router.get("")\ndef read() -> dict:\n    return {}\n'
            },
        ),
        # Its settings are unpacked: the prefix could be among them.
        (
            "OPTIONS = {}\nrouter = APIRouter(**OPTIONS)",
            _ITEMS,
            'app.include_router(items.router, prefix="/items")',
            None,
        ),
    ],
)
def test_rte108_left_alone(
    router: str, routes: str, main: str, extra: dict[str, str] | None, tmp_path: Path
) -> None:
    write_tree(tmp_path, _mounted(router, routes, main, extra))
    assert not project_findings(tmp_path, "RTE108")


# ------------------------------------------------------------------------------ RTE109
def test_rte109_is_one_finding_listing_every_place(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/exceptions.py": """
                from fastapi import HTTPException


                class NotFound(HTTPException):
                    def __init__(self) -> None:
                        super().__init__(status_code=404)
                """,
            "app/services/__init__.py": "",
            "app/services/items.py": """
                from fastapi import HTTPException, status

                from app.exceptions import NotFound

                GONE = HTTPException(410)


                def get(items: dict, key: str) -> str:
                    if key not in items:
                        raise NotFound()
                    return items[key]


                def archive(items: dict, key: str) -> None:
                    if key == "old":
                        raise GONE
                    raise HTTPException(status.HTTP_409_CONFLICT, detail="busy")
                """,
            "app/crud_users.py": """
                from fastapi import HTTPException


                class UserService:
                    def rename(self, name: str) -> str:
                        if not name:
                            raise HTTPException(status_code=422)
                        return name
                """,
        },
    )
    (finding,) = project_findings(tmp_path, "RTE109")
    assert (finding.path, finding.span.line) == ("app/crud_users.py", 7)
    assert finding.message.startswith(
        "HTTP errors are raised in 2 service-layer modules (4 places): "
        "`HTTPException(422)` in `rename` (app/crud_users.py:7); also "
        "`NotFound` (an `HTTPException`) in `get` (app/services/items.py:10)"
    )
    assert [(r.path, r.line) for r in finding.related] == [
        ("app/services/items.py", 10),
        ("app/services/items.py", 16),
        ("app/services/items.py", 17),
    ]
    assert "`HTTPException(409)` in `archive`" in finding.detail


@pytest.mark.parametrize(
    ("path", "source"),
    [
        # A dependency kept in a service module belongs to the edge.
        (
            "app/auth/service.py",
            """
            from typing import Annotated

            from fastapi import Depends, HTTPException, Request


            def current_user(request: Request) -> str:
                raise HTTPException(401)


            def current_admin(user: Annotated[str, Depends(current_user)]) -> str:
                raise HTTPException(403)


            def page(size: int = Depends(lambda: 10)) -> int:
                raise HTTPException(400)
            """,
        ),
        # A module that defines routes is the edge, whatever its name.
        (
            "app/items/service.py",
            """
            from fastapi import APIRouter, HTTPException

            router = APIRouter()


            @router.get("/items/{key}")
            def read(key: str) -> str:
                raise HTTPException(404)
            """,
        ),
        # Not a service-layer module.
        (
            "app/items/router_helpers.py",
            """
            from fastapi import HTTPException


            def not_found() -> None:
                raise HTTPException(404)
            """,
        ),
        # Domain exceptions, and HTTPException raised by tests.
        (
            "app/items/service.py",
            """
            class ItemNotFound(Exception):
                pass


            def get(key: str) -> str:
                raise ItemNotFound(key)
            """,
        ),
        (
            "tests/services/test_items.py",
            """
            from fastapi import HTTPException


            def fake() -> None:
                raise HTTPException(500)
            """,
        ),
    ],
)
def test_rte109_left_alone(path: str, source: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", path: source})
    assert not project_findings(tmp_path, "RTE109")


# ------------------------------------------------------------------------------ RTE107
def test_rte107_points_at_the_cors_call_and_names_what_wraps_it() -> None:
    # The shape of a public app read for calibration: a host check answering 400 by
    # itself, declared after CORS.
    source = """
        from fastapi import FastAPI, Request
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.responses import PlainTextResponse

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["https://a.example"])

        @app.middleware("http")
        async def check_host(request: Request, call_next):
            if request.headers.get("host") != "a.example":
                return PlainTextResponse("Invalid host", status_code=400)
            return await call_next(request)
        """
    (finding,) = found(source, "RTE107", path="app/main.py")
    assert finding.span.line == 6
    assert finding.message.startswith(
        '`CORSMiddleware` is added before `@app.middleware("http")` function `check_host` (line 8)'
    )


def test_rte107_a_subclass_of_pass_through_middleware_passes_through() -> None:
    """A GZip middleware of the app's own, adjusted for one browser: it answers no more
    than GZip does. A middleware of the file deriving from something else still counts."""
    source = """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware
        from starlette.middleware.base import BaseHTTPMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["https://a.example"])


        class QuietGZipMiddleware(GZipMiddleware):
            pass


        class TenantMiddleware(BaseHTTPMiddleware):
            pass


        app.add_middleware(QuietGZipMiddleware)
        app.add_middleware(TenantMiddleware)
        """
    (finding,) = found(source, "RTE107", path="app/main.py")
    assert "`TenantMiddleware`" in finding.message
    assert "QuietGZipMiddleware" not in finding.message


def test_rte107_in_tests_is_left_alone() -> None:
    source = """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        from app.auth import AuthMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware)
        app.add_middleware(AuthMiddleware)
        """
    assert not found(source, "RTE107", path="tests/test_cors.py")


def test_rte106_a_204_route_returning_a_response_of_its_own_is_left_alone() -> None:
    """``-> Response`` on a 204 route: what it returns is a response (an OAuth
    library's here), sent as it is; a 204 route returning a dict is still told."""
    source = """
    from fastapi import APIRouter, Request, Response

    from app.oauth import server

    router = APIRouter()


    @router.delete("/clients/{client_id}", status_code=204)
    async def delete_client(client_id: str, request: Request) -> Response:
        return server.create_endpoint_response("client_configuration", request)


    @router.delete("/keys/{key_id}", status_code=204)
    async def delete_key(key_id: str):
        return {"deleted": key_id}
    """
    assert [f.line for f in found(source, "RTE106")] == [15]
