"""ASY104 follows ``Depends(provider)`` to a sync session, across files, with or
without an annotation on the parameter (a miss seen on real code)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastaudit.audit.scan import scan
from fastaudit.config import Config

SYNC_DB = """
    from collections.abc import Iterator

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("sqlite://")
    SessionLocal = sessionmaker(bind=engine)


    def get_session():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()


    def get_annotated() -> Iterator[Session]:
        with Session(engine) as session:
            yield session
    """

ASYNC_DB = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    SessionLocal = async_sessionmaker(engine)


    async def get_session():
        async with SessionLocal() as session:
            yield session
    """


def project(root: Path, db: str, routes: str) -> list[tuple[str, int]]:
    files = {"app/__init__.py": "", "app/db.py": db, "app/routes.py": routes}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    result = scan(root, Config(select=["ASY104"]), use_cache=False, jobs=1)
    return [(f.path, f.line) for f in result.findings]


@pytest.mark.parametrize(
    "parameter",
    [
        "session=Depends(get_session)",
        "session: Annotated[object, Depends(get_session)]",
        "session=Depends(get_annotated)",
    ],
)
def test_sync_session_from_a_dependency_blocks_an_async_route(tmp_path, parameter):
    routes = f"""
        from typing import Annotated

        from fastapi import APIRouter, Depends

        from app.db import get_annotated, get_session

        router = APIRouter()


        @router.post("/orders")
        async def create_order({parameter}):
            session.commit()
        """
    assert project(tmp_path, SYNC_DB, routes) == [("app/routes.py", 12)]


def test_the_message_names_the_dependency(tmp_path):
    routes = """
        from fastapi import APIRouter, Depends

        from app.db import get_session

        router = APIRouter()


        @router.get("/orders")
        async def orders(db=Depends(get_session)):
            return db.query("Order").all()
        """
    project(tmp_path, SYNC_DB, routes)
    result = scan(tmp_path, Config(select=["ASY104"]), use_cache=False, jobs=1)
    (finding,) = result.findings
    assert finding.message == (
        "`db.query` waits for the database on the event loop inside `async def orders`: "
        "`db` comes from `Depends(get_session)`, which hands out a sync SQLAlchemy session"
    )


@pytest.mark.parametrize(
    ("db", "route"),
    [
        pytest.param(
            ASYNC_DB,
            "async def create_order(session=Depends(get_session)):\n    await session.commit()",
            id="async-session-provider",
        ),
        pytest.param(
            SYNC_DB,
            "def create_order(session=Depends(get_session)):\n    session.commit()",
            id="sync-route-runs-in-a-thread",
        ),
        pytest.param(
            SYNC_DB,
            "async def create_order(session=Depends(other)):\n    session.commit()",
            id="unknown-provider",
        ),
    ],
)
def test_look_alikes_are_quiet(tmp_path, db, route):
    routes = (
        "from fastapi import APIRouter, Depends\n\nfrom app.db import get_session\n\n"
        "router = APIRouter()\n\n\ndef other():\n    return None\n\n\n"
        '@router.post("/orders")\n' + route + "\n"
    )
    assert project(tmp_path, db, routes) == []


def test_providers_are_found_wherever_their_body_hands_the_session_out() -> None:
    """A provider's ``return`` is looked for among its statements at any depth (``try``,
    ``with``, ``match``), its ``yield`` anywhere; a nested function's ``return`` is
    not the provider's own."""
    from fastaudit.audit.scan import analyze
    from fastaudit.rules._support.sync_sessions import SYNC_SESSION_PROVIDER

    text = textwrap.dedent(
        """
        from sqlalchemy.orm import Session, sessionmaker

        SessionLocal = sessionmaker()


        def bound_by_with(engine):
            with Session(engine) as session:
                yield session


        def bound_in_try():
            try:
                db = SessionLocal()
            finally:
                pass
            return db


        def bound_elsewhere(engine):
            with Session(engine) as session:
                pass
            other = None
            return other


        def in_try():
            try:
                return SessionLocal()
            finally:
                pass


        def in_with(lock):
            with lock:
                if lock:
                    return SessionLocal()


        def in_match(kind):
            match kind:
                case "sync":
                    return SessionLocal()


        def in_handler():
            try:
                pass
            except Exception:
                session = SessionLocal()
                return session


        def as_expression():
            received = yield SessionLocal()


        def nested():
            def inner():
                return SessionLocal()

            return inner


        def deferred():
            return lambda: SessionLocal()


        def unrelated():
            return 1
        """
    ).lstrip("\n")
    outcome = analyze("app/db.py", text.encode(), ["ASY104"])
    assert sorted(outcome.facts[SYNC_SESSION_PROVIDER]) == [
        "app.db.as_expression",
        "app.db.bound_by_with",
        "app.db.bound_in_try",
        "app.db.in_handler",
        "app.db.in_match",
        "app.db.in_try",
        "app.db.in_with",
    ]
