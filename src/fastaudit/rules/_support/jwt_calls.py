"""The JWT decoders of PyJWT and python-jose, shared by LIB104 (decoding without
``algorithms=``) and SEC103 (decoding with verification switched off)."""

from __future__ import annotations

# Functions that verify a JWT signature unless told not to, and take the accepted
# algorithms as their third parameter (``algorithms``).
JWT_DECODERS = frozenset(
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
