"""LIB104 jwt-decode-without-algorithms: `jwt.decode` without `algorithms=`."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.jwt_calls import JWT_DECODERS
from fastaudit.rules.base import Rule
from fastaudit.rules.libraries._shared import _missing_algorithms


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

    calls = CallFilter.of(callees=JWT_DECODERS)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        callee = ctx.resolve(node.func)
        if callee not in JWT_DECODERS:
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
