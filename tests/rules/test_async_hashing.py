"""ASY109: password hashing and key derivation on the event loop, written in an async body,
and reached through a project helper (ASY108)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import found, project_findings, write_tree

RULE = "ASY109"

# Each library form, called in an ``async def``: (imports and setup, the call).
FORMS = [
    ("import bcrypt", "bcrypt.hashpw(password, bcrypt.gensalt())"),
    ("import bcrypt", "bcrypt.checkpw(password, stored)"),
    ("from bcrypt import kdf", "kdf(password, stored, 32, 100)"),
    (
        "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])",
        "pwd.hash(password)",
    ),
    (
        "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])",
        "pwd.verify(password, stored)",
    ),
    (
        "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])",
        "pwd.verify_and_update(password, stored)",
    ),
    (
        "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])",
        "pwd.encrypt(password)",
    ),
    ("from passlib.hash import bcrypt", "bcrypt.hash(password)"),
    ("from passlib.hash import bcrypt", "bcrypt.using(rounds=12).hash(password)"),
    ("from passlib.hash import argon2", "argon2.verify(password, stored)"),
    ("import passlib.hash", "passlib.hash.sha512_crypt.hash(password)"),
    ("from passlib.apps import custom_app_context", "custom_app_context.verify(password, stored)"),
    ("from argon2 import PasswordHasher\nph = PasswordHasher()", "ph.hash(password)"),
    ("import argon2", "argon2.PasswordHasher().verify(stored, password)"),
    (
        "from argon2.low_level import hash_secret",
        "hash_secret(password, stored, 3, 65536, 4, 32, 2)",
    ),
    (
        "import argon2.low_level",
        "argon2.low_level.hash_secret_raw(password, stored, 3, 1, 4, 32, 2)",
    ),
    ("import hashlib", "hashlib.pbkdf2_hmac('sha256', password, stored, 600_000)"),
    ("from hashlib import scrypt", "scrypt(password, salt=stored, n=16384, r=8, p=1)"),
    (
        "from cryptography.hazmat.primitives.kdf.scrypt import Scrypt",
        "Scrypt(salt=stored, length=32, n=2**14, r=8, p=1).derive(password)",
    ),
    (
        "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n"
        "kdf = PBKDF2HMAC(algorithm=None, length=32, salt=b'', iterations=600_000)",
        "kdf.derive(password)",
    ),
]


def source(setup: str, body: str, *, is_async: bool = True) -> str:
    keyword = "async def" if is_async else "def"
    return f"{setup}\n\n{keyword} handle(password: bytes, stored: bytes):\n    return {body}\n"


@pytest.mark.parametrize(("setup", "call"), FORMS)
def test_each_form_triggers_in_async_code(setup: str, call: str) -> None:
    results = found(source(setup, call), RULE)
    assert [f.span.line for f in results] == [setup.count("\n") + 4], call
    assert "slow password hashing on the event loop inside `async def handle`" in (
        results[0].message
    )


@pytest.mark.parametrize(("setup", "call"), FORMS)
def test_no_form_triggers_in_a_sync_def(setup: str, call: str) -> None:
    assert found(source(setup, call, is_async=False), RULE) == []


@pytest.mark.parametrize(
    "wrapped",
    [
        "await run_in_threadpool(pwd.verify, password, stored)",
        "await anyio.to_thread.run_sync(lambda: pwd.verify(password, stored))",
        "await asyncio.to_thread(pwd.hash, password)",
    ],
)
def test_not_inside_a_thread_wrapper(wrapped: str) -> None:
    setup = (
        "import asyncio\nimport anyio\nfrom fastapi.concurrency import run_in_threadpool\n"
        "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])"
    )
    assert found(source(setup, wrapped), RULE) == []


@pytest.mark.parametrize(
    ("setup", "call"),
    [
        ("import hashlib", "hashlib.sha256(password).hexdigest()"),
        ("import hashlib", "hashlib.md5(password, usedforsecurity=False).digest()"),
        ("import hmac", "hmac.compare_digest(password, stored)"),
        ("import bcrypt", "bcrypt.gensalt()"),
        ("from passlib.hash import hex_sha256", "hex_sha256.hash(password)"),
        (
            "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])",
            "pwd.identify(stored), pwd.needs_update(stored)",
        ),
        (
            "from argon2 import PasswordHasher\nph = PasswordHasher()",
            "ph.check_needs_rehash(stored)",
        ),
    ],
)
def test_cheap_hashes_and_methods_do_not_trigger(setup: str, call: str) -> None:
    assert found(source(setup, call), RULE) == []


def test_a_sync_route_deriving_a_key_is_not_told_to_become_async() -> None:
    # ASY107 counts ``hashlib`` as pure, but not its key derivation functions: making
    # this route ``async def`` would move the derivation onto the loop.
    text = """
        import hashlib

        from fastapi import APIRouter

        router = APIRouter()


        @router.post("/keys")
        def derive(password: bytes, salt: bytes):
            return hashlib.pbkdf2_hmac("sha256", password, salt, 600_000).hex()
    """
    assert found(text, ["ASY107", RULE]) == []


SECURITY = """
    from passlib.context import CryptContext

    pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


    def verify_password(plain: str, hashed: str) -> bool:
        return pwd_context.verify(plain, hashed)


    def get_password_hash(password: str) -> str:
        return pwd_context.hash(password)
"""


def test_a_hash_reached_through_a_helper_is_reported_by_asy108(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app/core/security.py": SECURITY,
            "app/api/login.py": """
                from fastapi import APIRouter, HTTPException
                from fastapi.concurrency import run_in_threadpool

                from app.core.security import get_password_hash, verify_password
                from app.users import find_user, save_user

                router = APIRouter()


                @router.post("/login")
                async def login(email: str, password: str):
                    user = await find_user(email)
                    if not verify_password(password, user.hashed_password):
                        raise HTTPException(status_code=401)
                    return {"user": user.id}


                @router.post("/signup")
                async def signup(email: str, password: str):
                    return await save_user(email, get_password_hash(password))


                @router.post("/signup-threaded")
                async def signup_threaded(email: str, password: str):
                    hashed = await run_in_threadpool(get_password_hash, password)
                    return await save_user(email, hashed)
            """,
        },
    )
    reached = project_findings(root, "ASY108")
    assert [(f.path, f.span.line) for f in reached] == [
        ("app/api/login.py", 13),
        ("app/api/login.py", 20),
    ]
    assert (
        "`login` calls `verify_password` -> `pwd_context.verify` (ASY109: password hashing)"
        in reached[0].message
    )
    assert reached[1].message.endswith(
        "`get_password_hash` -> `pwd_context.hash` (ASY109: password hashing) on the event "
        "loop: call `get_password_hash` through `await run_in_threadpool(...)`"
    )
    # The helpers are sync: nothing for ASY109 itself.
    assert project_findings(root, RULE) == []
