"""ASY109 (cpu-heavy-hashing-in-async): Password hashing or key derivation on the event loop."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter
from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import HASHLIB_KDFS, BlockingCallRule

# passlib's handlers (``passlib.hash.<name>``) whose cost is deliberate, by a piece of
# their name: bcrypt, argon2, scrypt, PBKDF2 and the ``*_crypt`` families with rounds.
# The cheap ones (``hex_sha256``, ``plaintext``, ``ldap_md5``...) are left alone.
_COSTLY_HANDLERS = (
    "bcrypt",
    "argon2",
    "scrypt",
    "pbkdf2",
    "sha256_crypt",
    "sha512_crypt",
    "sha1_crypt",
    "md5_crypt",
    "bsdi_crypt",
    "phpass",
)
_HANDLER_METHODS = frozenset({"hash", "verify", "encrypt", "genhash"})
_PASSLIB_HANDLERS = "passlib.hash."


class CpuHeavyHashing(BlockingCallRule):
    id = "ASY109"
    kind = "password hashing"
    has_async_form = False
    name = "cpu-heavy-hashing-in-async"
    title = "Password hashing or key derivation on the event loop"
    severity = Severity.WARNING
    rationale = """
    Password hashes and key derivation functions (bcrypt, argon2, scrypt, PBKDF2, and
    passlib's `CryptContext` around them) are slow on purpose: tens to hundreds of
    milliseconds of CPU per call, so that guessing passwords is expensive. In an
    `async def` route that time is spent on the event loop, so one login stalls every
    other request the worker is serving. Hand the call to a thread with
    `await run_in_threadpool(pwd_context.verify, password, hashed)` (or
    `anyio.to_thread.run_sync`), or make the route a plain `def`. Plain digests
    (`hashlib.sha256`) are cheap and not reported. ruff's ASYNC rules have no
    equivalent: they look for waiting on I/O, not CPU-bound work.
    """
    dont = """
    from fastapi import APIRouter, HTTPException
    from passlib.context import CryptContext

    from app.users import find_user

    router = APIRouter()
    pwd_context = CryptContext(schemes=["bcrypt"])


    @router.post("/login")
    async def login(email: str, password: str):
        user = await find_user(email)
        if not pwd_context.verify(password, user.hashed_password):
            raise HTTPException(status_code=401)
        return {"user": user.id}
    """
    dont_fixed = """
    from fastapi import APIRouter, HTTPException
    from fastapi.concurrency import run_in_threadpool
    from passlib.context import CryptContext

    from app.users import find_user

    router = APIRouter()
    pwd_context = CryptContext(schemes=["bcrypt"])


    @router.post("/login")
    async def login(email: str, password: str):
        user = await find_user(email)
        if not await run_in_threadpool(pwd_context.verify, password, user.hashed_password):
            raise HTTPException(status_code=401)
        return {"user": user.id}
    """
    do = """
    from fastapi import APIRouter, HTTPException
    from fastapi.concurrency import run_in_threadpool
    from passlib.context import CryptContext

    from app.users import find_user

    router = APIRouter()
    pwd_context = CryptContext(schemes=["bcrypt"])


    @router.post("/login")
    async def login(email: str, password: str):
        user = await find_user(email)
        if not await run_in_threadpool(pwd_context.verify, password, user.hashed_password):
            raise HTTPException(status_code=401)
        return {"user": user.id}
    """
    extra_valid = (
        # A sync route runs in the threadpool: hashing there is fine.
        """
        import bcrypt

        def register(password: str):
            return bcrypt.hashpw(password.encode(), bcrypt.gensalt())
        """,
        # Handed to a thread through a lambda.
        """
        import anyio
        import bcrypt

        async def register(password: str):
            return await anyio.to_thread.run_sync(
                lambda: bcrypt.hashpw(password.encode(), bcrypt.gensalt())
            )
        """,
        # A plain digest is cheap.
        """
        import hashlib

        async def etag(body: bytes):
            return hashlib.sha256(body).hexdigest()
        """,
        # Only direct calls in the async body count, not a nested helper.
        """
        from argon2 import PasswordHasher

        ph = PasswordHasher()

        async def register(password: str):
            def work():
                return ph.hash(password)
            return work
        """,
        # A cheap passlib handler, and a context's cheap methods.
        """
        from passlib.context import CryptContext
        from passlib.hash import hex_sha256

        pwd_context = CryptContext(schemes=["bcrypt"])

        async def check(token: str, stored: str):
            return hex_sha256.hash(token), pwd_context.identify(stored)
        """,
    )
    extra_invalid = (
        """
        import bcrypt

        async def register(password: str):
            return bcrypt.hashpw(password.encode(), bcrypt.gensalt())
        """,
        """
        from argon2 import PasswordHasher

        ph = PasswordHasher()

        async def register(password: str):
            return ph.hash(password)
        """,
        """
        from passlib.hash import pbkdf2_sha256

        async def register(password: str):
            return pbkdf2_sha256.hash(password)
        """,
        """
        import hashlib

        async def derive(password: bytes, salt: bytes):
            return hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)
        """,
        """
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        async def derive(password: bytes, salt: bytes):
            return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(password)
        """,
    )

    blocking = frozenset(
        {
            "bcrypt.hashpw",
            "bcrypt.checkpw",
            "bcrypt.kdf",
            *HASHLIB_KDFS,
            "argon2.low_level.hash_secret",
            "argon2.low_level.hash_secret_raw",
            "argon2.low_level.verify_secret",
            # argon2-cffi's old module-level API, still shipped.
            "argon2.hash_password",
            "argon2.hash_password_raw",
            "argon2.verify_password",
        }
    )
    receivers = (
        "passlib.context.CryptContext()",
        "passlib.context.LazyCryptContext()",
        "passlib.apps.",
        "argon2.PasswordHasher()",
        "argon2.PasswordHasher.from_parameters()",
        "cryptography.hazmat.primitives.kdf.scrypt.Scrypt()",
        "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC()",
        "cryptography.hazmat.primitives.kdf.argon2.Argon2id()",
    )
    # The costly methods: a context's ``identify`` or ``needs_update`` hash nothing.
    methods = frozenset(
        {"hash", "verify", "verify_and_update", "encrypt", "dummy_verify", "derive"}
    )
    what = "runs deliberately slow password hashing on the event loop"

    calls = CallFilter.of(callees=blocking, tails=methods | _HANDLER_METHODS)

    def matches(self, callee: str, node: ast.Call) -> bool:
        if super().matches(callee, node):
            return True
        # ``passlib.hash.bcrypt.hash``, ``passlib.hash.bcrypt.using(rounds=12).hash``.
        receiver, _, method = callee.rpartition(".")
        if method not in _HANDLER_METHODS or not receiver.startswith(_PASSLIB_HANDLERS):
            return False
        handler = receiver[len(_PASSLIB_HANDLERS) :].split(".", 1)[0]
        return any(piece in handler for piece in _COSTLY_HANDLERS)
