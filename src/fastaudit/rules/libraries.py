"""LIB: libraries that have been replaced, and a JWT call that trusts the token too much.

python-jose, async_asgi_testclient and encode/databases each have a maintained
successor that FastAPI's own documentation now uses. The import is what is reported:
that is the line that ties the project to the old library. ``jwt.decode`` without
``algorithms=`` is reported wherever it is called.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import only_in_block, remove_statement, statement_separator
from fastaudit.model import Edit, Fix, Severity
from fastaudit.rules.base import Rule

# python-jose name -> (PyJWT module, PyJWT name). ``from jose import jwt`` is special:
# the module itself becomes ``import jwt``.
_JOSE_MODULE = "jose.jwt"
_JOSE_NAMES: dict[str, tuple[str, str]] = {
    "jose.JWTError": ("jwt.exceptions", "InvalidTokenError"),
    "jose.exceptions.JWTError": ("jwt.exceptions", "InvalidTokenError"),
    "jose.ExpiredSignatureError": ("jwt.exceptions", "ExpiredSignatureError"),
    "jose.exceptions.ExpiredSignatureError": ("jwt.exceptions", "ExpiredSignatureError"),
    "jose.JOSEError": ("jwt.exceptions", "PyJWTError"),
    "jose.exceptions.JOSEError": ("jwt.exceptions", "PyJWTError"),
    "jose.jwt.encode": ("jwt", "encode"),
    "jose.jwt.decode": ("jwt", "decode"),
    "jose.jwt.get_unverified_header": ("jwt", "get_unverified_header"),
}
# Members of ``jose.jwt`` that PyJWT's ``jwt`` module has under the same name.
_SHARED_JWT_MEMBERS = frozenset(
    {"encode", "decode", "get_unverified_header", "ExpiredSignatureError"}
)


def _shown(ctx: FileContext, node: ast.AST, limit: int = 60) -> str | None:
    """The node's source as `code` for a message, when it is short and on one line."""
    text = ctx.text(node)
    return f"`{text}`" if len(text) <= limit and "\n" not in text else None


def _is_module(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


@dataclass(slots=True)
class _JoseImport:
    node: ast.Import | ast.ImportFrom
    # Local names this statement binds, with the python-jose object they stand for.
    binds: dict[str, str] = field(default_factory=dict)
    # The only statement of its block (removing it would leave the block empty).
    alone: bool = False


class PythonJoseImport(Rule):
    id = "LIB101"
    name = "python-jose-import"
    learn_area = "auth"
    title = "python-jose is used for JWTs"
    severity = Severity.WARNING
    fix_safety = (
        "Unsafe: it swaps the library behind the same calls. PyJWT's `encode`/`decode` take "
        "the same arguments in the common case, but JWK dictionaries as keys, jose-only "
        "`options` keys and helpers such as `jwt.get_unverified_claims` differ; `JWTError` "
        "is renamed in this file only, and PyJWT must be added to the project's "
        "dependencies."
    )
    rationale = """
    python-jose went years without a release and was slow to ship fixes for published
    security advisories; FastAPI's documentation moved its JWT examples to PyJWT, which
    is actively maintained. For the usual `jwt.encode(claims, key, algorithm=...)` and
    `jwt.decode(token, key, algorithms=[...])` the two libraries take the same
    arguments, so switching is mostly an import change: catch
    `jwt.exceptions.InvalidTokenError` where you caught `JWTError`.
    """
    dont = """
    from fastapi import HTTPException
    from jose import JWTError, jwt

    from app.config import settings


    def read_claims(token: str) -> dict:
        try:
            return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_alg])
        except JWTError as exc:
            raise HTTPException(status_code=401, detail="Bad token") from exc
    """
    dont_fixed = """
    from fastapi import HTTPException
    import jwt
    from jwt.exceptions import InvalidTokenError

    from app.config import settings


    def read_claims(token: str) -> dict:
        try:
            return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_alg])
        except InvalidTokenError as exc:
            raise HTTPException(status_code=401, detail="Bad token") from exc
    """
    do = """
    import jwt
    from fastapi import HTTPException
    from jwt.exceptions import InvalidTokenError

    from app.config import settings


    def read_claims(token: str) -> dict:
        try:
            return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_alg])
        except InvalidTokenError as exc:
            raise HTTPException(status_code=401, detail="Bad token") from exc
    """
    extra_valid = (
        # A project module that happens to be called jose, imported relatively.
        """
        from .jose import jwt

        token = jwt.encode({"sub": "1"}, "k", algorithm="HS256")
        """,
        # Mentions in strings and comments are not imports.
        """
        # we used to do: from jose import jwt
        NOTE = "import jose"
        """,
        """
        import joserfc
        from josepy import jwk
        """,
    )
    extra_invalid = (
        """
        import jose
        """,
        """
        from jose.exceptions import JWTError as TokenProblem

        def check(token):
            try:
                return token
            except TokenProblem:
                return None
        """,
        """
        def lazy_decode(token: str, key: str):
            from jose import jwt as jose_jwt

            return jose_jwt.decode(token, key, algorithms=["HS256"])
        """,
    )

    def __init__(self) -> None:
        self._imports: list[_JoseImport] = []
        self._names: set[str] = set()  # local names bound to python-jose objects
        self._uses: list[tuple[ast.Name, str]] = []  # (use, python-jose object)
        self._members: list[tuple[str, ast.Attribute]] = []  # ("jose.jwt.x", node)
        # python-jose decodes without `algorithms=`: PyJWT would reject every token there.
        self._open_decodes: list[ast.Call] = []

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        binds = {}
        for alias in node.names:
            if _is_module(alias.name, "jose"):
                local = alias.asname or alias.name.partition(".")[0]
                binds[local] = alias.name if alias.asname else "jose"
        if binds:
            self._imports.append(_JoseImport(node, binds, only_in_block(node, ctx.parent)))
            self._names.update(binds)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if node.level or not node.module or not _is_module(node.module, "jose"):
            return
        binds = {alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names}
        self._imports.append(_JoseImport(node, binds, only_in_block(node, ctx.parent)))
        self._names.update(binds)

    def visit_Name(self, node: ast.Name, ctx: FileContext) -> None:
        if node.id in self._names and isinstance(node.ctx, ast.Load):
            value = ctx.resolve(node)
            if value is not None and _is_module(value, "jose"):
                self._uses.append((node, value))

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self._names:
            value = ctx.resolve(node)
            if value is not None and value.startswith(_JOSE_MODULE + "."):
                self._members.append((value, node))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        root = func.value if isinstance(func, ast.Attribute) else func
        if (
            isinstance(root, ast.Name)
            and root.id in self._names
            and ctx.resolve(func) == "jose.jwt.decode"
            and _missing_algorithms(node)
        ):
            self._open_decodes.append(node)

    def finish(self, ctx: FileContext) -> None:
        for record in self._imports:
            stmt = record.node
            fix, reason = self._fix(record, ctx)
            module = stmt.module if isinstance(stmt, ast.ImportFrom) else "jose"
            shown = _shown(ctx, stmt) or f"Import from `{module}`"
            message = (
                f"{shown}: python-jose has gone years without maintenance; use PyJWT "
                "(`import jwt`, errors from `jwt.exceptions`)"
            )
            if reason:
                message += f"; not fixed automatically: {reason}"
            ctx.report(stmt, message, fix=fix)

    def _fix(self, record: _JoseImport, ctx: FileContext) -> tuple[Fix | None, str]:
        stmt = record.node
        if isinstance(stmt, ast.Import):
            return None, "calls through `jose.` must be rewritten by hand"
        if "#" in ctx.text(stmt):
            return None, "the import carries comments"
        if self._open_decodes and any(
            f"{stmt.module}.{alias.name}" in (_JOSE_MODULE, "jose.jwt.decode")
            for alias in stmt.names
        ):
            line = self._open_decodes[0].lineno
            return None, (
                f"the `decode` call on line {line} has no `algorithms=`, and PyJWT would "
                "reject every token there (LIB104)"
            )
        modules: list[str] = []  # "import jwt", "import jwt as x"
        names: dict[str, list[str]] = {}  # PyJWT module -> ["InvalidTokenError", ...]
        renames: dict[str, tuple[str, str]] = {}  # local name -> (new name, jose object)
        for alias in stmt.names:
            jose_name = f"{stmt.module}.{alias.name}"
            local = alias.asname or alias.name
            if jose_name == _JOSE_MODULE:
                odd = sorted(
                    {
                        value
                        for value, attr in self._members
                        if attr.value.id == local  # type: ignore[attr-defined]
                        and value.split(".")[2] not in _SHARED_JWT_MEMBERS
                    }
                )
                if odd:
                    shown = odd[0].replace(_JOSE_MODULE, local, 1)
                    return None, f"`{shown}` has no PyJWT counterpart of that name"
                modules.append(f"import jwt as {alias.asname}" if alias.asname else "import jwt")
                continue
            target = _JOSE_NAMES.get(jose_name)
            if target is None:
                return None, f"`{jose_name}` has no PyJWT counterpart"
            module, new = target
            if alias.asname:
                names.setdefault(module, []).append(f"{new} as {alias.asname}")
                continue
            if new != alias.name:
                found, value = ctx.lookup(new)
                if found and value != f"{module}.{new}":
                    return None, f"`{new}` already names something else in this file"
                renames[alias.name] = (new, jose_name)
            if ctx.imported_as(f"{module}.{new}") != new:
                names.setdefault(module, []).append(new)
        statements = modules + [
            f"from {module} import {', '.join(imported)}" for module, imported in names.items()
        ]
        edits: list[Edit] = []
        if statements:
            edits.append(ctx.replace(stmt, statement_separator(ctx, stmt).join(statements)))
        else:  # everything it imported is already imported from PyJWT
            edits.append(remove_statement(ctx, stmt, alone=record.alone))
        for use, value in self._uses:
            rename = renames.get(use.id)
            if rename is not None and value == rename[1]:
                edits.append(ctx.replace(use, rename[0]))
        described = " and ".join(f"`{s}`" for s in statements) or "PyJWT"
        return (
            ctx.fix(
                f"Replace with {described}",
                *edits,
                safe=False,
                note="add PyJWT to the dependencies; check calls passing JWK dicts or jose options",
            ),
            "",
        )


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


class EncodeDatabasesImport(Rule):
    id = "LIB103"
    name = "encode-databases-import"
    learn_area = "database"
    title = "encode/databases is used for database access"
    severity = Severity.INFO
    rationale = """
    The `databases` package from encode sees little maintenance, and SQLAlchemy 2.0 now
    does natively what it was created for: async queries, with `create_async_engine`,
    `async_sessionmaker` and `AsyncSession`. Staying on `databases` means a second query
    layer next to SQLAlchemy, and migrating later only gets bigger.
    """
    dont = """
    from databases import Database

    database = Database("postgresql+asyncpg://app@db/app")


    async def count_orders() -> int:
        return await database.fetch_val("SELECT count(*) FROM orders")
    """
    do = """
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    Session = async_sessionmaker(engine, expire_on_commit=False)


    async def count_orders() -> int:
        async with Session() as session:
            return await session.scalar(text("SELECT count(*) FROM orders"))
    """
    extra_valid = (
        # A project package called databases, imported relatively.
        """
        from .databases import primary
        from . import databases
        """,
        """
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
        """,
    )
    extra_invalid = (
        """
        import databases

        db = databases.Database("sqlite+aiosqlite:///app.db")
        """,
        """
        from databases.core import Connection
        """,
    )

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        if any(_is_module(alias.name, "databases") for alias in node.names):
            self._report(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if not node.level and node.module and _is_module(node.module, "databases"):
            self._report(node, ctx)

    def _report(self, node: ast.stmt, ctx: FileContext) -> None:
        shown = _shown(ctx, node) or "This import"
        ctx.report(
            node,
            f"{shown}: encode/databases is in maintenance mode; use SQLAlchemy 2.0's async "
            "API (`create_async_engine`, `AsyncSession`)",
        )


# Functions that verify a JWT signature and take the accepted algorithms as their
# third parameter (``algorithms``), in PyJWT and python-jose.
_JWT_DECODERS = frozenset(
    {
        "jwt.decode",
        "jwt.decode_complete",
        "jwt.api_jwt.decode",
        "jwt.api_jwt.decode_complete",
        "jwt.PyJWT().decode",
        "jwt.PyJWT().decode_complete",
        "jwt.api_jws.decode",
        "jwt.api_jws.decode_complete",
        "jwt.PyJWS().decode",
        "jwt.PyJWS().decode_complete",
        "jose.jwt.decode",
    }
)


def _missing_algorithms(call: ast.Call) -> str | None:
    """How a decode call fails to name its algorithms: "without" (not passed),
    "none" (``algorithms=None``), or None when they are given (or may be, through
    ``*args``/``**kwargs``, or are not needed because nothing is verified)."""
    if len(call.args) >= 3 or any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    given = None
    for keyword in call.keywords:
        if keyword.arg is None:
            return None  # **kwargs may carry algorithms
        if keyword.arg == "algorithms":
            given = keyword.value
    if given is not None and not (isinstance(given, ast.Constant) and given.value is None):
        return None
    if _skips_signature(call):
        return None
    return "none" if given is not None else "without"


def _skips_signature(call: ast.Call) -> bool:
    """True for ``options={"verify_signature": False}``: nothing is verified, so no
    algorithm is needed (an unverified read is deliberate)."""
    for keyword in call.keywords:
        if keyword.arg == "options" and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "verify_signature"
                    and isinstance(value, ast.Constant)
                    and value.value is False
                ):
                    return True
    return False


class JwtDecodeWithoutAlgorithms(Rule):
    id = "LIB104"
    name = "jwt-decode-without-algorithms"
    learn_area = "auth"
    title = "`jwt.decode` without `algorithms=`"
    severity = Severity.ERROR
    rationale = """
    The algorithm a token claims in its header is chosen by whoever made the token. A
    decoder that is not told which algorithms to accept either trusts that header
    (python-jose, PyJWT 1.x: the setting algorithm-confusion forgeries rely on) or, in
    PyJWT 2, rejects every token with `DecodeError`. Pass the algorithm your service
    signs with, e.g. `algorithms=["HS256"]`, from settings. There is no automatic fix:
    only you know which algorithm your tokens use.
    """
    dont = """
    import jwt

    from app.config import settings


    def read_claims(token: str) -> dict:
        return jwt.decode(token, settings.jwt_secret)
    """
    do = """
    import jwt

    from app.config import settings


    def read_claims(token: str) -> dict:
        return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_alg])
    """
    extra_valid = (
        # Algorithms passed positionally (the third parameter).
        """
        import jwt

        def read(token, key):
            return jwt.decode(token, key, ["RS256"])
        """,
        # Reading claims without verifying them needs no algorithm.
        """
        import jwt

        def peek(token):
            return jwt.decode(token, options={"verify_signature": False})
        """,
        # Arguments forwarded from elsewhere may well hold `algorithms`.
        """
        import jwt

        def read(token, **settings):
            return jwt.decode(token, **settings)
        """,
        # Some other object's decode method.
        """
        import base64

        def read(blob):
            return base64.b64decode(blob).decode("utf-8")
        """,
        """
        class Codec:
            def decode(self, data, key):
                return data

        jwt = Codec()
        claims = jwt.decode("token", "key")
        """,
    )
    extra_invalid = (
        """
        from jwt import decode

        def read(token, key):
            return decode(token, key)
        """,
        """
        import jwt as pyjwt

        def read(token, key):
            return pyjwt.decode(token, key, algorithms=None)
        """,
        """
        from jose import jwt

        def read(token, key):
            return jwt.decode(token, key)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        callee = ctx.resolve(node.func)
        if callee not in _JWT_DECODERS:
            return
        missing = _missing_algorithms(node)
        if missing is None:
            return
        written = ctx.text(node.func)
        if callee.startswith("jose."):
            consequence = "python-jose then accepts whatever algorithm the token's header names"
        else:
            consequence = (
                "PyJWT 2 rejects every token without it, and older PyJWT trusted the "
                "algorithm the token's header names"
            )
        what = "with `algorithms=None`" if missing == "none" else "without `algorithms=`"
        ctx.report(
            node,
            f"`{written}(...)` is called {what}: {consequence}; pass the algorithm you sign "
            'with, e.g. `algorithms=["HS256"]`',
        )
