"""LIB101 python-jose-import: python-jose is used for JWTs."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.edit_builders import only_in_block, remove_statement, statement_separator
from fastaudit.model import Edit, Fix, Severity
from fastaudit.rules.base import Rule
from fastaudit.rules.libraries._shared import _is_module, _missing_algorithms, _shown

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

    calls = CallFilter.of(callees=["jose.jwt.decode"])

    # Everything it reports starts at an import of python-jose.
    needs_text = ("jose",)

    def __init__(self) -> None:
        self._imports: list[_JoseImport] = []
        self._names: set[str] = set()  # local names bound to python-jose objects
        self._uses: list[tuple[ast.Name, str]] = []  # (use, python-jose object)
        # ("jose.jwt.x", the name it is read from): each ``jwt.x`` read of a jose module
        self._members: list[tuple[str, str]] = []
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
                self._members.append((value, node.value.id))

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
                        for value, receiver in self._members
                        if receiver == local and value.split(".")[2] not in _SHARED_JWT_MEMBERS
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
