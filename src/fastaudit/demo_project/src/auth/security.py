"""Password hashing and tokens (PyJWT)."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import jwt

from src.auth.config import auth_settings

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"{salt.hex()}${digest.hex()}"


def verify_password(password: str, hashed: str) -> bool:
    salt_hex, _, digest_hex = hashed.partition("$")
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def create_token(subject: str, purpose: str, ttl_seconds: float) -> str:
    now = datetime.now(UTC).timestamp()
    claims = {"sub": subject, "purpose": purpose, "iat": int(now), "exp": int(now + ttl_seconds)}
    return jwt.encode(claims, auth_settings.SECRET_KEY, algorithm=auth_settings.JWT_ALGORITHM)


def decode_access_token(token: str) -> dict:
    return jwt.decode(
        token,
        auth_settings.SECRET_KEY,
        algorithms=[auth_settings.JWT_ALGORITHM],
        options={"require": ["exp", "sub"]},
    )


def decode_reset_token(token: str) -> str:
    """The user id a password-reset link was issued for."""
    claims = jwt.decode(token, auth_settings.SECRET_KEY, options={"require": ["exp"]})
    if claims.get("purpose") != "reset":
        raise jwt.InvalidTokenError("not a password reset token")
    return claims["sub"]
