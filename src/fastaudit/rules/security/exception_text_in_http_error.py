"""SEC106 (exception-text-in-http-error): `HTTPException` detail built from a caught exception."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import FileContext
from fastaudit.engine.walk import child_nodes
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import HTTP_EXCEPTIONS, keyword_arg
from fastaudit.rules.base import Rule
from fastaudit.rules.security._request_data import own_nodes

_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
# Exceptions whose text describes the server, not the request: the operating system's
# (paths, hosts), programming errors (names in the code), and the libraries that talk to
# databases, other services and the cloud (SQL with its parameters, internal URLs).
_INTERNAL_BUILTINS = frozenset(
    {
        "builtins.OSError",
        "builtins.IOError",
        "builtins.EnvironmentError",
        "builtins.FileNotFoundError",
        "builtins.FileExistsError",
        "builtins.PermissionError",
        "builtins.IsADirectoryError",
        "builtins.NotADirectoryError",
        "builtins.ConnectionError",
        "builtins.ConnectionRefusedError",
        "builtins.ConnectionResetError",
        "builtins.BrokenPipeError",
        "builtins.TimeoutError",
        "builtins.AttributeError",
        "builtins.NameError",
        "builtins.ImportError",
        "builtins.ModuleNotFoundError",
        "subprocess.CalledProcessError",
        "subprocess.SubprocessError",
    }
)
_INTERNAL_LIBRARIES = (
    "sqlalchemy.",
    "sqlmodel.",
    "psycopg.",
    "psycopg2.",
    "asyncpg.",
    "aiosqlite.",
    "sqlite3.",
    "pymysql.",
    "aiomysql.",
    "pymongo.",
    "motor.",
    "redis.",
    "httpx.",
    "requests.",
    "aiohttp.",
    "urllib3.",
    "botocore.",
    "boto3.",
    "google.api_core.",
    "elasticsearch.",
    "tortoise.exceptions.",
)
# What reads the exception's text: ``str(e)``, ``repr(e)``, ``f"{e}"``, ``e.args``.
_TEXT_OF = frozenset({"builtins.str", "builtins.repr", "builtins.format"})
_TRACEBACK_TEXT = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb"}
)
# Attributes that hold the exception's text or the error below it (SQLAlchemy's ``orig``).
_TEXT_ATTRIBUTES = frozenset({"args", "orig", "message", "strerror"})


class ExceptionTextInHttpError(Rule):
    id = "SEC106"
    name = "exception-text-in-http-error"
    title = "`HTTPException` detail built from a caught exception"
    severity = Severity.WARNING
    peers: ClassVar[tuple[str, ...]] = ("fastapi-doctor security/exception-string-response",)
    rationale = """
    An `HTTPException`'s `detail` goes to the client as it is. When it is the text of an
    exception caught with `except Exception` (or an error from the database driver, an
    HTTP client, the file system), the client reads what was meant for your logs: SQL
    with its parameters, file paths, internal host names, the names in your code. It
    also ties your API's error messages to a library's wording. Log the exception and
    answer with a message written for the caller; keep the exception as the cause with
    `raise ... from exc`.

    Reported: `detail=str(exc)`, `repr(exc)`, `f"...{exc}"`, `exc.args`, a name holding
    one of them, and `traceback.format_exc()`, where `exc` was caught broadly (bare
    `except`, `Exception`, `BaseException`) or is an operating-system, programming or
    database / HTTP-client / cloud-SDK error. Not reported: an exception of the
    project's own (a domain error whose message is written for users), `ValueError`,
    `KeyError`, `TypeError` and other library errors, whose text usually describes the
    input. fastapi-doctor's `security/exception-string-response` looks for the same
    leak; this rule limits it to the exceptions whose text describes the server.
    """
    dont = """
    from fastapi import APIRouter, HTTPException

    from app.orders import service

    router = APIRouter()


    @router.post("/orders/{order_id}/refund")
    async def refund(order_id: int):
        try:
            return await service.refund(order_id)
        except Exception as exc:
            raise HTTPException(status_code=500, detail=str(exc)) from exc
    """
    do = """
    import logging

    from fastapi import APIRouter, HTTPException

    from app.orders import service
    from app.orders.errors import AlreadyRefunded

    router = APIRouter()
    logger = logging.getLogger(__name__)


    @router.post("/orders/{order_id}/refund")
    async def refund(order_id: int):
        try:
            return await service.refund(order_id)
        except AlreadyRefunded as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        except Exception as exc:
            logger.exception("refund of order %s failed", order_id)
            raise HTTPException(status_code=500, detail="refund failed") from exc
    """
    extra_valid = (
        # A caught HTTPException's own detail was written for the client.
        """
        from fastapi import HTTPException

        def forward(call):
            try:
                return call()
            except HTTPException as exc:
                raise HTTPException(exc.status_code, detail=exc.detail) from exc
        """,
        # ValueError raised by a validator: its message describes the input.
        """
        from fastapi import HTTPException

        def parse(raw: str):
            try:
                return parse_amount(raw)
            except ValueError as exc:
                raise HTTPException(400, detail=str(exc)) from exc
        """,
        # The exception's type, not its text.
        """
        from fastapi import HTTPException

        def run(job):
            try:
                return job()
            except Exception as exc:
                raise HTTPException(500, detail=f"job failed ({type(exc).__name__})") from exc
        """,
        # Some other class named HTTPException.
        """
        from app.errors import HTTPException

        def run(job):
            try:
                return job()
            except Exception as exc:
                raise HTTPException(500, detail=str(exc))
        """,
    )
    extra_invalid = (
        """
        from fastapi import HTTPException
        from sqlalchemy.exc import IntegrityError

        def save(session, row):
            try:
                session.add(row)
                session.commit()
            except IntegrityError as err:
                raise HTTPException(409, f"could not save: {err}")
        """,
        """
        import traceback

        from starlette.exceptions import HTTPException

        def run(job):
            try:
                return job()
            except:
                raise HTTPException(500, detail=traceback.format_exc())
        """,
        """
        import httpx
        from fastapi import HTTPException

        async def fetch(client, url):
            try:
                return await client.get(url)
            except (httpx.HTTPError, KeyError) as e:
                message = repr(e)
                raise HTTPException(502, detail={"error": message})
        """,
    )

    # It reports a detail given to a call resolving to one of ``HTTP_EXCEPTIONS``: a
    # file names ``HTTPException`` (importing it, or as ``fastapi.HTTPException``).
    needs_text = ("HTTPException",)

    def __init__(self) -> None:
        # Calls already reported: a handler nested in another is scanned by both.
        self._reported: set[int] = set()

    def finish(self, ctx: FileContext) -> None:
        self._reported.clear()

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        caught = self._describe(node.type, ctx)
        if caught is None:
            return
        caught_as = {node.name} if node.name else set()
        # Names the handler fills with the exception's text (``message = str(exc)``).
        texts: set[str] = set()
        for inner in self._walk(node.body, caught_as, ctx):
            if isinstance(inner, ast.Assign) and self._leak(inner.value, caught_as, texts, ctx):
                texts.update(t.id for t in inner.targets if isinstance(t, ast.Name))
        for inner in self._walk(node.body, caught_as, ctx):
            if not isinstance(inner, ast.Call) or ctx.resolve(inner.func) not in HTTP_EXCEPTIONS:
                continue
            given = keyword_arg(inner, "detail")
            detail = given.value if given is not None else None
            if detail is None and len(inner.args) >= 2:
                detail = inner.args[1]
            if detail is None:
                continue
            leak = self._leak(detail, caught_as, texts, ctx)
            if leak is None or id(inner) in self._reported:
                continue
            self._reported.add(id(inner))
            ctx.report(
                detail,
                f"`HTTPException` detail `{one_line(ctx.text(detail), 50)}` sends {leak} "
                f"({caught}) to the client; log it and answer with a message written for "
                "the caller",
            )

    @staticmethod
    def _walk(
        nodes: list[ast.stmt] | list[ast.expr], names: set[str], ctx: FileContext
    ) -> list[ast.AST]:
        """The nodes under ``nodes`` (outside nested functions), leaving out the branches
        an ``isinstance(exc, SomeError)`` test narrows to exceptions whose text is not
        the server's (``str(exc) if isinstance(exc, AssertionError) else "failed"``)."""
        narrowed: set[int] = set()
        kept: list[ast.AST] = []
        for inner in own_nodes(list(nodes)):
            if id(inner) in narrowed:
                narrowed.update(id(child) for child in child_nodes(inner))
                continue
            kept.append(inner)
            if isinstance(inner, (ast.If, ast.IfExp)) and _narrows(inner.test, names, ctx):
                branch = inner.body if isinstance(inner.body, list) else [inner.body]
                narrowed.update(id(child) for child in branch)
        return kept

    @staticmethod
    def _describe(caught: ast.expr | None, ctx: FileContext) -> str | None:
        """How the handler's catch is shown, when its exceptions' text is the server's."""
        if caught is None:
            return "a bare `except`"
        elements = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        for element in elements:
            if _servers_text(element, ctx):
                return f"caught as `{one_line(ctx.text(element), 40)}`"
        return None

    @staticmethod
    def _leak(node: ast.expr, names: set[str], texts: set[str], ctx: FileContext) -> str | None:
        """What of the exception ``node`` shows, or None: ``names`` hold the exception,
        ``texts`` its text."""
        for inner in ExceptionTextInHttpError._walk([node], names, ctx):
            if isinstance(inner, ast.Call):
                callee = ctx.resolve(inner.func)
                if callee in _TRACEBACK_TEXT:
                    return "the traceback"
                if callee in _TEXT_OF and inner.args and _is_exception(inner.args[0], names):
                    return "the exception's text"
            elif (
                (isinstance(inner, ast.FormattedValue) and _is_exception(inner.value, names))
                or (
                    isinstance(inner, ast.Attribute)
                    and inner.attr in _TEXT_ATTRIBUTES
                    and isinstance(inner.value, ast.Name)
                    and inner.value.id in names
                )
                or (
                    isinstance(inner, ast.Name)
                    and (inner.id in texts or (inner.id in names and inner is node))
                )
            ):
                return "the exception's text"
        return None


def _is_exception(node: ast.expr, names: set[str]) -> bool:
    """``exc`` or ``exc.orig``/``exc.args``: the exception or the text it carries."""
    if isinstance(node, ast.Attribute) and node.attr in _TEXT_ATTRIBUTES:
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def _servers_text(node: ast.expr, ctx: FileContext) -> bool:
    """Whether the exception class ``node`` names carries text about the server."""
    name = ctx.resolve(node)
    if name is None or ctx.is_own(name):
        return False
    return name in _BROAD or name in _INTERNAL_BUILTINS or name.startswith(_INTERNAL_LIBRARIES)


def _narrows(test: ast.expr, names: set[str], ctx: FileContext) -> bool:
    """``isinstance(exc, AssertionError)``: the caught exception narrowed to classes
    whose text is not the server's."""
    if not (
        isinstance(test, ast.Call)
        and ctx.resolve(test.func) == "builtins.isinstance"
        and len(test.args) == 2
        and isinstance(test.args[0], ast.Name)
        and test.args[0].id in names
    ):
        return False
    classes = test.args[1]
    elements = classes.elts if isinstance(classes, ast.Tuple) else [classes]
    return not any(_servers_text(element, ctx) for element in elements)
