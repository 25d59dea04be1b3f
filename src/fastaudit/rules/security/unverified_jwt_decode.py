"""SEC103 unverified-jwt-decode: a JWT decoded without verifying it, or the `none`
algorithm."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules._support.jwt_calls import JWT_DECODERS
from fastaudit.rules.base import Rule
from fastaudit.rules.security._shared import keyword, module_literal, string_value

# Decoders that verify unless told not to (PyJWT and python-jose).
_DECODERS = JWT_DECODERS | {"jose.jws.verify"}
_UNVERIFIED_READERS = frozenset({"jose.jwt.get_unverified_claims"})
_ENCODERS = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jwt.PyJWT().encode", "jose.jwt.encode"})


def _skip_option(call: ast.Call, ctx: FileContext) -> ast.AST | None:
    """The argument that turns signature checking off: ``options={"verify_signature":
    False}`` (PyJWT 2, python-jose) or ``verify=False`` (PyJWT 1)."""
    for item in call.keywords:
        if item.arg == "verify":
            value = module_literal(ctx, item.value)
            if isinstance(value, ast.Constant) and value.value is False:
                return item
        if item.arg == "options":
            options = module_literal(ctx, item.value)
            if not isinstance(options, ast.Dict):
                continue
            for key, value in zip(options.keys, options.values, strict=True):
                if (
                    string_value(key) == "verify_signature"
                    and isinstance(value, ast.Constant)
                    and value.value is False
                ):
                    return key
    return None


def _names_none(node: ast.expr | None) -> ast.expr | None:
    """The ``"none"`` in ``algorithms=["none", ...]`` or ``algorithm="none"``."""
    if node is None:
        return None
    items = node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else [node]
    for item in items:
        text = string_value(item)
        if text is not None and text.lower() == "none":
            return item
    return None


class UnverifiedJwtDecode(Rule):
    id = "SEC103"
    skips_tests = True  # tests decode tokens they made (``_report_none``, ``finish``)
    name = "unverified-jwt-decode"
    title = "JWT read without verifying its signature, or signed with `none`"
    severity = Severity.ERROR
    peers: ClassVar[tuple[str, ...]] = (
        "semgrep python.jwt.security.unverified-jwt-decode",
        "semgrep python.jwt.security.jwt-python-none-alg",
    )
    rationale = """
    A JWT is only as trustworthy as its signature check. `jwt.decode(token,
    options={"verify_signature": False})` (PyJWT 2, python-jose), `verify=False` (PyJWT
    1) and python-jose's `get_unverified_claims` hand back whatever claims the sender
    wrote: a user id, a role, an expiry. Anyone can mint such a token. The `none`
    algorithm is the same hole from the other side: `algorithms=["none"]` accepts
    unsigned tokens, and `jwt.encode(..., algorithm="none")` issues them.

    Reading the header (`jwt.get_unverified_header`) to pick a key is not reported,
    nor an unverified decode in a function that also verifies a token with a
    decoder (the "read the issuer, fetch its key, then verify" pattern). Tests are
    not looked at. LIB104 reports a decode without `algorithms=`; a decode that turns
    verification off is reported here only. semgrep has the two checks as
    `python.jwt.security.unverified-jwt-decode` (PyJWT's option only) and
    `jwt-python-none-alg`. No automatic fix: verifying needs the key.
    """
    dont = """
    import jwt
    from fastapi import Header


    def current_user_id(authorization: str = Header()) -> int:
        token = authorization.removeprefix("Bearer ")
        claims = jwt.decode(token, options={"verify_signature": False})
        return int(claims["sub"])
    """
    do = """
    import jwt
    from fastapi import Header

    from app.config import settings


    def current_user_id(authorization: str = Header()) -> int:
        token = authorization.removeprefix("Bearer ")
        claims = jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"])
        return int(claims["sub"])
    """
    extra_valid = (
        # The header picks the key; the token is then verified.
        """
        import jwt

        def claims(token, keys):
            kid = jwt.get_unverified_header(token)["kid"]
            return jwt.decode(token, keys[kid], algorithms=["RS256"])
        """,
        # Claims peeked to find the issuer, then the same function verifies.
        """
        import jwt

        def claims(token, issuers):
            issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
            key = issuers[issuer]
            return jwt.decode(token, key, algorithms=["RS256"], issuer=issuer)
        """,
        # Other options switched off keep the signature checked.
        """
        from jose import jwt

        def claims(token, key):
            return jwt.decode(token, key, options={"verify_aud": False, "verify_exp": True})
        """,
        # Someone else's decode.
        """
        import base64

        def read(blob):
            return base64.b64decode(blob).decode("utf-8", errors="none")
        """,
    )
    extra_invalid = (
        # PyJWT 1's switch, and python-jose's reader.
        """
        import jwt

        def claims(token):
            return jwt.decode(token, verify=False)
        """,
        """
        from jose import jwt

        def claims(token):
            return jwt.get_unverified_claims(token)
        """,
        # Accepting, or issuing, unsigned tokens.
        """
        import jwt

        def claims(token, key):
            return jwt.decode(token, key, algorithms=["HS256", "none"])
        """,
        """
        import jwt

        def issue(user_id):
            return jwt.encode({"sub": user_id}, None, algorithm="none")
        """,
        # The options built once, as a module constant.
        """
        from jwt import decode

        NO_CHECKS = {"verify_signature": False}

        def claims(token):
            return decode(token, options=NO_CHECKS)
        """,
    )

    calls = CallFilter.of(callees=_UNVERIFIED_READERS | _ENCODERS | _DECODERS)

    def __init__(self) -> None:
        # Unverified reads, with the function they are in (None: module level).
        self._unverified: list[tuple[ast.AST, str, ast.AST | None]] = []
        # Functions that verify a token with a decoder.
        self._verifying: set[int] = set()

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        callee = ctx.resolve(node.func)
        if callee is None:
            return
        function = ctx.function
        scope = function.node if function is not None else None
        if callee in _UNVERIFIED_READERS:
            self._unverified.append((node, f"`{ctx.text(node.func)}(...)`", scope))
            return
        if callee in _ENCODERS:
            algorithm = keyword(node, "algorithm")
            if algorithm is None and len(node.args) >= 3:
                algorithm = node.args[2]
            none = _names_none(module_literal(ctx, algorithm) if algorithm else None)
            if none is not None:
                self._report_none(ctx, node, none, "issues unsigned tokens anyone can forge")
            return
        if callee not in _DECODERS:
            return
        skip = _skip_option(node, ctx)
        if skip is not None:
            self._unverified.append((skip, f"`{ctx.text(node.func)}(...)`", scope))
            return
        if scope is not None:
            self._verifying.add(id(scope))
        algorithms = keyword(node, "algorithms")
        if algorithms is None and len(node.args) >= 3:
            algorithms = node.args[2]
        none = _names_none(module_literal(ctx, algorithms) if algorithms else None)
        if none is not None:
            self._report_none(ctx, node, none, "accepts unsigned tokens anyone can forge")

    @staticmethod
    def _report_none(ctx: FileContext, node: ast.Call, none: ast.AST, what: str) -> None:
        if is_test_path(ctx.path):
            return
        ctx.report(
            none,
            f"`{ctx.text(node.func)}(...)` with the `none` algorithm {what}; sign and "
            'verify with a real algorithm (e.g. `"HS256"`, `"RS256"`)',
        )

    def finish(self, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return
        for where, written, scope in self._unverified:
            if scope is not None and id(scope) in self._verifying:
                continue
            ctx.report(
                where,
                f"{written} reads the token's claims without checking its signature: "
                "anyone can write them; decode with the key and `algorithms=` before "
                "trusting any claim",
            )
