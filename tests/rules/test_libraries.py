"""LIB rules: what a user sees (rule, line, message) and what the fixes write."""

from __future__ import annotations

import textwrap

import pytest

from fastaudit.audit.scan import check_source
from fastaudit.fixes.runner import fix_source
from fastaudit.model import Safety


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def found(text: str, rule: str):
    return [f for f in check_source(code(text), rule_ids=[rule]) if f.rule == rule]


def lines(text: str, rule: str) -> list[int]:
    return [f.line for f in found(text, rule)]


# ------------------------------------------------------------------ LIB101 python-jose
def test_jose_import_is_reported_with_the_statement_and_the_replacement():
    [finding] = found(
        """
        import os
        from jose import JWTError, jwt
        """,
        "LIB101",
    )
    assert finding.line == 2
    assert finding.message == (
        "`from jose import JWTError, jwt`: python-jose has gone years without maintenance; "
        "use PyJWT (`import jwt`, errors from `jwt.exceptions`)"
    )
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE


def test_jose_fix_rewrites_the_import_and_renames_jwterror_keeping_comments():
    before = code(
        """
        from jose import JWTError, jwt  # token helpers
        from jose.exceptions import ExpiredSignatureError as Expired


        def read(token: str, key: str) -> dict:
            try:
                # decode and verify
                return jwt.decode(token, key, algorithms=["HS256"])
            except Expired:
                raise
            except (JWTError, ValueError) as exc:  # JWTError stays in this comment
                raise RuntimeError("JWTError") from exc
        """
    )
    after = code(
        """
        import jwt
        from jwt.exceptions import InvalidTokenError  # token helpers
        from jwt.exceptions import ExpiredSignatureError as Expired


        def read(token: str, key: str) -> dict:
            try:
                # decode and verify
                return jwt.decode(token, key, algorithms=["HS256"])
            except Expired:
                raise
            except (InvalidTokenError, ValueError) as exc:  # JWTError stays in this comment
                raise RuntimeError("JWTError") from exc
        """
    )
    assert fix_source(before, ["LIB101"]) == after
    # Unsafe: not applied without --unsafe-fixes.
    assert fix_source(before, ["LIB101"], unsafe=False) == before


def test_jose_fix_keeps_aliases_indentation_and_line_endings():
    before = code(
        """
        def load(token, key):
            from jose import jwt as jose_jwt, JOSEError

            try:
                return jose_jwt.decode(token, key, algorithms=["HS256"])
            except JOSEError:
                return None
        """
    ).replace("\n", "\r\n")
    after = code(
        """
        def load(token, key):
            import jwt as jose_jwt
            from jwt.exceptions import PyJWTError

            try:
                return jose_jwt.decode(token, key, algorithms=["HS256"])
            except PyJWTError:
                return None
        """
    ).replace("\n", "\r\n")
    assert fix_source(before, ["LIB101"]) == after


def test_jose_names_shadowed_locally_are_not_renamed():
    before = code(
        """
        from jose import JWTError


        def handler(JWTError):
            return JWTError


        def check():
            try:
                pass
            except JWTError:
                pass
        """
    )
    fixed = fix_source(before, ["LIB101"])
    assert "def handler(JWTError):\n    return JWTError" in fixed
    assert "except InvalidTokenError:" in fixed
    assert fixed.startswith("from jwt.exceptions import InvalidTokenError\n")


def test_jose_import_already_covered_by_pyjwt_is_removed():
    before = code(
        """
        from jwt.exceptions import InvalidTokenError
        from jose import JWTError

        try:
            pass
        except JWTError:
            pass
        """
    )
    assert fix_source(before, ["LIB101"]) == code(
        """
        from jwt.exceptions import InvalidTokenError

        try:
            pass
        except InvalidTokenError:
            pass
        """
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (
            """
            from jose import jwt

            def peek(token):
                return jwt.get_unverified_claims(token)
            """,
            "`jwt.get_unverified_claims` has no PyJWT counterpart of that name",
        ),
        ("from jose import jwk, jwt\n", "`jose.jwk` has no PyJWT counterpart"),
        (
            """
            class InvalidTokenError(Exception):
                pass

            from jose import JWTError
            """,
            "`InvalidTokenError` already names something else in this file",
        ),
        ("import jose.jwt\n", "calls through `jose.` must be rewritten by hand"),
        (
            """
            from jose import jwt

            def read(token, key):
                return jwt.decode(token, key)
            """,
            "the `decode` call on line 4 has no `algorithms=`, and PyJWT would reject every "
            "token there (LIB104)",
        ),
        (
            """
            from jose import (
                JWTError,  # the error
                jwt,
            )
            """,
            "the import carries comments",
        ),
    ],
)
def test_jose_imports_the_fix_cannot_handle_say_why(source, reason):
    [finding] = found(source, "LIB101")
    assert finding.fix is None
    assert finding.message.endswith(f"; not fixed automatically: {reason}")


def test_jose_look_alikes_do_not_fire():
    assert not found(
        """
        from .jose import jwt
        from josepy import jwk
        import joserfc
        NOTE = "from jose import jwt"  # from jose import jwt
        """,
        "LIB101",
    )


# --------------------------------------------------------- LIB102 / LIB103 old libraries
def test_async_asgi_testclient_import():
    [finding] = found(
        """
        import pytest
        from async_asgi_testclient import TestClient
        """,
        "LIB102",
    )
    assert finding.line == 2
    assert finding.message == (
        "`from async_asgi_testclient import TestClient`: async_asgi_testclient is "
        "unmaintained; test through `httpx.AsyncClient(transport=ASGITransport(app=app))`"
    )
    assert finding.fix is None


def test_encode_databases_import_forms():
    source = """
        import databases
        from databases import Database
        from databases.backends.postgres import PostgresBackend
        from . import databases as local
        from .databases import engine
        """
    assert lines(source, "LIB103") == [1, 2, 3]
    assert found(source, "LIB103")[1].message == (
        "`from databases import Database`: encode/databases is in maintenance mode; use "
        "SQLAlchemy 2.0's async API (`create_async_engine`, `AsyncSession`)"
    )


# ------------------------------------------------------------------ LIB104 jwt.decode
def test_jwt_decode_without_algorithms_is_an_error_with_a_specific_message():
    [finding] = found(
        """
        import jwt as pyjwt


        def claims(token, key):
            return pyjwt.decode(token, key)
        """,
        "LIB104",
    )
    assert finding.line == 5
    assert finding.severity.value == "error"
    assert finding.message.startswith(
        "`pyjwt.decode(...)` is called without `algorithms=`: PyJWT 2 rejects every token"
    )
    assert finding.fix is None


def test_jwt_decode_variants():
    source = """
        import jwt
        from jose import jwt as jose_jwt


        def claims(token, key, algs, extra):
            a = jwt.decode(token, key, algorithms=algs)
            b = jwt.decode(token, key, algs)
            c = jwt.decode(token, options={"verify_signature": False})
            d = jwt.decode(token, key, **extra)
            e = jwt.decode(token, key, algorithms=None)
            f = jwt.decode_complete(token, key)
            g = jwt.PyJWT().decode(token, key)
            h = jose_jwt.decode(token, key)
            i = jwt.decode(token, key, options={"verify_signature": True})
            return a, b, c, d, e, f, g, h, i
        """
    findings = found(source, "LIB104")
    assert [f.line for f in findings] == [10, 11, 12, 13, 14]
    assert "with `algorithms=None`" in findings[0].message
    assert "python-jose then accepts whatever algorithm" in findings[3].message


def test_jwt_decode_on_unrelated_objects_does_not_fire():
    assert not found(
        """
        import base64
        import codecs

        def read(blob: bytes, raw: bytes):
            return base64.b64decode(blob).decode("utf-8"), codecs.decode(raw, "hex")

        class Token:
            def decode(self, key):
                return key

        jwt = Token()
        jwt.decode("key")
        """,
        "LIB104",
    )
