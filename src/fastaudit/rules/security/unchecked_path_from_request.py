"""SEC108 (unchecked-path-from-request): a file path built from request data, unchecked."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import Rule
from fastaudit.rules.security._request_data import (
    Flow,
    RouteData,
    call_name,
    own_nodes,
    route_data,
)

# Calls that open a file by path: the path is their first argument (or ``path=``).
_FILE_SINKS = {
    "fastapi.responses.FileResponse": "path",
    "starlette.responses.FileResponse": "path",
    "builtins.open": "file",
    "io.open": "file",
    "aiofiles.open": "file",
    "os.open": "path",
    "shutil.copyfile": "src",
    "shutil.rmtree": "path",
    "os.remove": "path",
    "os.unlink": "path",
}
# Methods of a ``pathlib.Path`` that read, write or delete the file; a ``str`` has none
# of them, so any receiver built from the request counts.
_PATH_ONLY_METHODS = frozenset(
    {"read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "mkdir", "touch"}
)
# Path methods a ``str`` also has (``name.replace("-", "_")``): only on a path expression.
_SHARED_METHODS = frozenset({"open", "rename", "replace"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
# Calls that keep a path inside a folder, or check that it is: the route is then taken
# to have thought about traversal.
_CONTAINMENT = frozenset(
    {
        "is_relative_to",
        "relative_to",
        "commonpath",
        "commonprefix",
        "secure_filename",
        "sanitize_filename",
        "startswith",
    }
)
# Words in the name of a project's own check (``is_path_inside``, ``ensure_within``).
_CHECK_WORDS = (
    "safe",
    "valid",
    "sanitiz",
    "sanitis",
    "traversal",
    "contain",
    "allowed",
    "inside",
    "within",
    "escape",
)


class UncheckedPathFromRequest(Rule):
    id = "SEC108"
    name = "unchecked-path-from-request"
    title = "File path built from request data without a containment check"
    severity = Severity.ERROR
    peers: ClassVar[tuple[str, ...]] = (
        "semgrep python.fastapi.security.path-traversal-file-response",
    )
    rationale = """
    A path made by joining a folder and a name the client sent (`BASE / name`,
    `os.path.join(BASE, name)`, `f"{BASE}/{name}"`) is only inside that folder if the
    name says so: `../../etc/passwd` walks out of it, and an absolute path replaces the
    folder altogether. Handed to `FileResponse` or `open`, it serves or overwrites any
    file the server can reach. Resolve the joined path and check that it stays in the
    folder (`path.resolve().is_relative_to(BASE)`, `os.path.commonpath`), keep only the
    file's name (`Path(name).name`, `secure_filename`), or look the name up in a fixed
    mapping.

    Reported in a route's own body: a value from a query, header, cookie, form or body
    parameter, a `{name:path}` path parameter, an upload's `filename` or what a
    `Request` reads, flowing through assignments, joins, f-strings and `/` into
    `FileResponse(...)`, `open(...)` / `aiofiles.open(...)`, or a read, write or delete
    method of a `Path`, in a route that makes no containment check. A plain `{name}`
    path parameter cannot hold a `/` and is not reported (as in semgrep's
    `path-traversal-file-response`, which looks at `:path` parameters and
    `FileResponse` only); a parameter typed as a number, an enum or a model is not
    text; a value passed through a project function is taken to be checked there.
    """
    dont = """
    from pathlib import Path

    from fastapi import APIRouter
    from fastapi.responses import FileResponse

    router = APIRouter()
    REPORTS = Path("/srv/app/reports")


    @router.get("/reports/download")
    async def download_report(name: str):
        return FileResponse(REPORTS / name)
    """
    do = """
    from pathlib import Path

    from fastapi import APIRouter, HTTPException
    from fastapi.responses import FileResponse

    router = APIRouter()
    REPORTS = Path("/srv/app/reports").resolve()


    @router.get("/reports/download")
    async def download_report(name: str):
        path = (REPORTS / name).resolve()
        if not path.is_relative_to(REPORTS) or not path.is_file():
            raise HTTPException(status_code=404, detail="no such report")
        return FileResponse(path)
    """
    extra_valid = (
        # A plain path segment cannot hold a "/".
        """
        import os

        from fastapi import FastAPI
        from fastapi.responses import FileResponse

        app = FastAPI()

        @app.get("/avatars/{user_id}")
        def avatar(user_id: str):
            return FileResponse(os.path.join("avatars", f"{user_id}.png"))
        """,
        # Only the file's name is kept.
        """
        from pathlib import Path

        from fastapi import FastAPI, UploadFile

        app = FastAPI()
        UPLOADS = Path("uploads")

        @app.post("/upload")
        async def upload(file: UploadFile):
            target = UPLOADS / Path(file.filename).name
            with open(target, "wb") as out:
                out.write(await file.read())
        """,
        # A lookup in a fixed mapping.
        """
        from fastapi import FastAPI
        from fastapi.responses import FileResponse

        app = FastAPI()
        DOCS = {"terms": "static/terms.pdf", "privacy": "static/privacy.pdf"}

        @app.get("/docs")
        def doc(kind: str):
            return FileResponse(DOCS[kind])
        """,
        # A number is not a path.
        """
        from fastapi import FastAPI
        from fastapi.responses import FileResponse

        app = FastAPI()

        @app.get("/invoices")
        def invoice(number: int):
            return FileResponse(f"invoices/{number}.pdf")
        """,
        # The path comes from the database, found by the client's id.
        """
        from fastapi import FastAPI
        from fastapi.responses import FileResponse

        app = FastAPI()

        @app.get("/files")
        async def get_file(file_id: str):
            record = await files.get(file_id)
            return FileResponse(record.path)
        """,
        # commonpath containment check.
        """
        import os

        from fastapi import FastAPI
        from fastapi.responses import FileResponse

        app = FastAPI()
        ROOT = "/srv/static"

        @app.get("/static/{rest:path}")
        def static(rest: str):
            full = os.path.realpath(os.path.join(ROOT, rest))
            if os.path.commonpath([full, ROOT]) != ROOT:
                return None
            return FileResponse(full)
        """,
    )
    extra_invalid = (
        # A `:path` parameter.
        """
        import os

        from fastapi import FastAPI
        from fastapi.responses import FileResponse

        app = FastAPI()

        @app.get("/files/{file_path:path}")
        def serve(file_path: str):
            full = os.path.join("/srv/files", file_path)
            if not os.path.exists(full):
                return None
            return FileResponse(full)
        """,
        # An upload written under the client's file name.
        """
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload(file: UploadFile):
            with open(f"uploads/{file.filename}", "wb") as out:
                out.write(await file.read())
        """,
        # A query value read off the request.
        """
        from pathlib import Path

        from fastapi import APIRouter, Request

        router = APIRouter()

        @router.get("/logs")
        async def logs(request: Request):
            name = request.query_params.get("file", "app.log")
            return {"text": (Path("logs") / name).read_text()}
        """,
    )

    calls = CallFilter.of(callees=_FILE_SINKS, attrs=_PATH_ONLY_METHODS | _SHARED_METHODS)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        target = self._path_argument(node, ctx)
        if target is None:
            return
        data = route_data(ctx)
        if data is None:
            return
        source = data.origin(target, Flow.PATH)
        if source is None or _checked(data):
            return
        function = ctx.function
        name = function.name if function is not None else "route"
        ctx.report(
            node,
            f"`{one_line(ctx.text(node.func), 40)}(...)` in route `{name}` gets a path built "
            f"from {source} with no check that it stays in its folder: `../` or an absolute "
            "path reaches files outside it",
        )

    @staticmethod
    def _path_argument(node: ast.Call, ctx: FileContext) -> ast.expr | None:
        func = node.func
        callee = ctx.resolve(func)
        keyword = _FILE_SINKS.get(callee or "")
        if keyword is not None:
            given = keyword_arg(node, keyword)
            if given is not None:
                return given.value
            return node.args[0] if node.args else None
        if not isinstance(func, ast.Attribute):
            return None
        receiver = func.value
        if func.attr in _PATH_ONLY_METHODS:
            return receiver
        # ``Path(...).open()`` or ``(BASE / name).rename(...)``: a path expression.
        if func.attr in _SHARED_METHODS and (
            (isinstance(receiver, ast.BinOp) and isinstance(receiver.op, ast.Div))
            or (isinstance(receiver, ast.Call) and ctx.resolve(receiver.func) in _PATH_TYPES)
        ):
            return receiver
        return None


def _checked(data: RouteData) -> bool:
    """Whether the route checks where a path from the request leads: a containment
    call on it (``is_relative_to``, ``commonpath``, ``secure_filename``...), a test of
    ``".."`` in it, or a membership test against a fixed set."""
    for node in _calls_and_tests(data):
        if isinstance(node, ast.Call):
            name = call_name(node).lower()
            if (name in _CONTAINMENT or any(w in name for w in _CHECK_WORDS)) and data.reads(node):
                return True
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
            and data.reads(node)
        ):
            return True
    return False


def _calls_and_tests(data: RouteData) -> list[ast.AST]:
    """Every call and comparison in the route's own body (a check may be anywhere: a
    condition, an assignment, a ``relative_to`` that raises)."""
    return [n for n in own_nodes(data.node.body) if isinstance(n, (ast.Call, ast.Compare))]
