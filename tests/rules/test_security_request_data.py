"""Request data in a route (``rules/security/_request_data.py``), and the SEC106-SEC110
cases found on real code: each false pattern seen in calibration is a small program here."""

from __future__ import annotations

import ast

import pytest

from fastaudit.engine.context import FileContext
from fastaudit.project.source import SourceText
from fastaudit.rules.security._request_data import Flow, RouteData

from .conftest import code, fixed, found

HEADER = """
from pathlib import Path
from typing import Annotated

from fastapi import Cookie, Depends, FastAPI, Header, Request, UploadFile

from app.deps import get_user
from app.models import Item

app = FastAPI()

"""


def route_data(body: str) -> tuple[RouteData, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The request data of the one route in ``HEADER + body``, seen from module level."""
    text = code(HEADER) + code(body)
    tree = ast.parse(text)
    ctx = FileContext("app/main.py", SourceText(text), tree, "app.main")
    node = next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    route = ctx.route_decorator(node)
    assert route is not None
    return RouteData(ctx, node, route), node


def returned(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr:
    value = next(n for n in ast.walk(node) if isinstance(n, ast.Return)).value
    assert value is not None
    return value


def test_sources_are_the_parameters_fastapi_fills_with_client_text() -> None:
    data, _ = route_data(
        """
        @app.get("/items/{item_id}/files/{rest:path}")
        async def get(
            item_id: str,
            rest: str,
            q: str | None,
            untyped,
            agent: Annotated[str, Header()],
            sid: str = Cookie(),
            number: int = 1,
            item: Item | None = None,
            user: Annotated[str, Depends(get_user)] = "",
            other: str = Depends(get_user),
            upload: UploadFile | None = None,
            request: Request = None,
        ):
            return None
        """
    )
    assert data.params == {
        "item_id": ("the path parameter `item_id`", False),
        "rest": ("the path parameter (`:path`) `rest`", True),
        "q": ("the query parameter `q`", True),
        "untyped": ("the query parameter `untyped`", True),
        "agent": ("the header `agent`", True),
        "sid": ("the cookie `sid`", True),
        "upload": ("the uploaded file `upload`", True),
    }
    assert data.requests == {"request"}


@pytest.mark.parametrize(
    ("body", "flow", "expected"),
    [
        # Through an assignment, a join and a method of the value.
        (
            """
            @app.get("/a")
            def a(name: str):
                path = Path("base") / name.strip()
                return path
            """,
            Flow.PATH,
            "the query parameter `name`",
        ),
        # A plain path segment holds no "/".
        (
            """
            @app.get("/a/{name}")
            def a(name: str):
                return Path("base") / name
            """,
            Flow.PATH,
            None,
        ),
        # ... but it is still the client's for a redirect.
        (
            """
            @app.get("/a/{name}")
            def a(name: str):
                return name
            """,
            Flow.LEADING,
            "the path parameter `name`",
        ),
        # The file's name keeps no directory.
        (
            """
            @app.post("/a")
            def a(file: UploadFile):
                return Path("base") / Path(file.filename).name
            """,
            Flow.PATH,
            None,
        ),
        # What a Request reads, awaited.
        (
            """
            @app.post("/a")
            async def a(request: Request):
                raw = await request.body()
                return raw
            """,
            Flow.ANY,
            "the request body",
        ),
        (
            """
            @app.get("/a")
            async def a(request: Request):
                return request.query_params.get("next")
            """,
            Flow.LEADING,
            "the query string",
        ),
        # Other things a request holds are not the client's data.
        (
            """
            @app.get("/a")
            async def a(request: Request):
                return request.url_for("home")
            """,
            Flow.LEADING,
            None,
        ),
        # A URL that starts on this site.
        (
            """
            @app.get("/a")
            def a(next: str):
                return f"/login?next={next}"
            """,
            Flow.LEADING,
            None,
        ),
        (
            """
            @app.get("/a")
            def a(next: str):
                return next + "?done=1"
            """,
            Flow.LEADING,
            "the query parameter `next`",
        ),
        # Any other call ends the flow: a lookup, a project helper.
        (
            """
            @app.get("/a")
            async def a(name: str):
                record = await repo.get(name)
                return record.path
            """,
            Flow.ANY,
            None,
        ),
    ],
)
def test_origin_follows_the_route_body(body: str, flow: Flow, expected: str | None) -> None:
    data, node = route_data(body)
    assert data.origin(returned(node), flow) == expected


def test_reads_sees_data_through_any_call() -> None:
    data, node = route_data(
        """
        @app.get("/a")
        def a(next: str):
            parsed = urlsplit(next)
            if parsed.netloc:
                return None
            return next
        """
    )
    assert "parsed" in data.derived()
    test = next(n.test for n in ast.walk(node) if isinstance(n, ast.If))
    assert data.reads(test)
    assert list(data.conditions()) == [test]


# ----------------------------------------------------------------- SEC106
def test_exception_text_narrowed_by_isinstance_is_not_reported() -> None:
    # lnbits' extension routes: the text of an AssertionError (its user messages) only.
    source = """
    from fastapi import HTTPException

    async def install(ext):
        try:
            await ext.install()
        except Exception as exc:
            detail = (
                str(exc)
                if isinstance(exc, AssertionError)
                else f"Failed to install extension '{ext.id}'."
            )
            raise HTTPException(status_code=500, detail=detail) from exc
    """
    assert found(source, "SEC106") == []
    broad = source.replace("AssertionError", "Exception")
    assert len(found(broad, "SEC106")) == 1


def test_exception_of_the_project_is_not_reported() -> None:
    source = """
    from fastapi import HTTPException

    from app.errors import MfaError

    def verify(token):
        try:
            return check(token)
        except MfaError as e:
            raise HTTPException(status_code=400, detail=str(e)) from e
    """
    assert found(source, "SEC106", path="app/auth.py") == []


def test_nested_handlers_report_a_call_once() -> None:
    source = """
    from fastapi import HTTPException

    def run(job):
        try:
            return job()
        except Exception as outer:
            try:
                cleanup()
            except OSError:
                raise HTTPException(500, detail=str(outer))
    """
    assert len(found(source, "SEC106")) == 1


# ----------------------------------------------------------------- SEC107
def test_cookie_fix_adds_only_the_missing_flags() -> None:
    source = """
    def login(response, token):
        response.set_cookie(
            "session",
            token,
            httponly=True,
        )
    """
    assert "httponly=True, secure=True," in fixed(source, "SEC107")
    explicit = """
    def login(response, token):
        response.set_cookie("session", token, httponly=False, secure=True)
    """
    (finding,) = found(explicit, "SEC107")
    assert finding.fix is None


# ----------------------------------------------------------------- SEC108
def test_a_project_containment_helper_counts_as_a_check() -> None:
    # chainlit's static routes: `is_path_inside(file_path, base_path)`.
    source = """
    from pathlib import Path

    from fastapi import APIRouter, HTTPException
    from fastapi.responses import FileResponse

    router = APIRouter()

    @router.get("/public/{filename:path}")
    async def serve_public_file(filename: str):
        base_path = Path("public")
        file_path = (base_path / filename).resolve()
        if not is_path_inside(file_path, base_path):
            raise HTTPException(status_code=400, detail="Invalid filename")
        return FileResponse(file_path)
    """
    assert found(source, "SEC108") == []
    assert len(found(source.replace("is_path_inside", "exists_in"), "SEC108")) == 1


def test_a_class_based_route_self_is_not_request_data() -> None:
    # mealie's controllers: routes are methods, `self` their first parameter.
    source = """
    import shutil

    from fastapi import APIRouter

    router = APIRouter()

    class Maintenance:
        @router.post("/clean/temp")
        def clean_temp(self):
            shutil.rmtree(self.folders.TEMP_DIR)
            self.folders.TEMP_DIR.mkdir()
    """
    assert found(source, "SEC108") == []


def test_a_str_method_named_like_a_path_method_is_not_a_sink() -> None:
    source = """
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/slug")
    def slug(title: str):
        return title.replace(" ", "-")
    """
    assert found(source, "SEC108") == []


# ----------------------------------------------------------------- SEC109
def test_a_redirect_validated_by_a_call_for_its_effect_is_not_reported() -> None:
    source = """
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    app = FastAPI()

    @app.get("/back")
    async def back(return_to: str):
        await validate_return_url(return_to)
        return RedirectResponse(return_to)
    """
    assert found(source, "SEC109") == []
    logged = source.replace("await validate_return_url", "log.info")
    assert len(found(logged, "SEC109")) == 1


# ----------------------------------------------------------------- SEC110
def test_yaml_load_without_a_loader_is_fixed_to_safe_load() -> None:
    source = """
    import yaml
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/spec")
    def spec(body: str):
        return yaml.load(body)
    """
    assert "return yaml.safe_load(body)" in fixed(source, "SEC110")
