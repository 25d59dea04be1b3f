"""DBS101: a sync SQLAlchemy engine or session in an app with async routes."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_migration, is_migration_file, is_test_path
from fastaudit.model import Finding, Severity
from fastaudit.rules._support.project_walk import (
    WorkingAsyncRouteFacts,
    file_facts,
    first_working_async_route,
    text_contains,
)
from fastaudit.rules._support.sync_sessions import SYNC_SESSION_PROVIDER, note_sync_session_provider
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


# Sync factories, and what to use instead in an async app.
_SYNC_FACTORIES = {
    "sqlalchemy.create_engine": "`create_async_engine(...)` from `sqlalchemy.ext.asyncio` "
    "with an async driver URL (`postgresql+asyncpg://`, `sqlite+aiosqlite://`)",
    "sqlmodel.create_engine": "`create_async_engine(...)` from `sqlalchemy.ext.asyncio` "
    "with an async driver URL (`postgresql+asyncpg://`, `sqlite+aiosqlite://`)",
    "sqlalchemy.engine_from_config": "`async_engine_from_config(...)` from "
    "`sqlalchemy.ext.asyncio`",
    "sqlalchemy.orm.sessionmaker": "`async_sessionmaker(engine, expire_on_commit=False)`",
    "sqlalchemy.orm.scoped_session": "`async_sessionmaker(...)` and one `AsyncSession` "
    "per request from a dependency",
    "sqlalchemy.orm.Session": "`AsyncSession` from `sqlalchemy.ext.asyncio`",
    "sqlmodel.Session": "`AsyncSession` from `sqlmodel.ext.asyncio.session`",
}
_ASYNC_SESSION_CLASSES = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)
_ASYNC_ENGINES = frozenset(
    {
        "sqlalchemy.ext.asyncio.create_async_engine()",
        "sqlalchemy.ext.asyncio.engine.create_async_engine()",
    }
)


# Factories of the async API: a project building one has an async engine of its own.
_ASYNC_FACTORIES = frozenset(
    {
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
        "sqlalchemy.ext.asyncio.async_engine_from_config",
        "sqlalchemy.ext.asyncio.engine.async_engine_from_config",
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
    }
)


# (line, column, end_line, end_column, callee as written, qualified callee)
SYNC_DATABASE_CALL_FACT = "sync-database-call"
# (line, qualified callee) of an async engine or session factory the app builds.
ASYNC_DATABASE_CALL_FACT = "async-database-call"


class SyncEngineInAsyncApp(WorkingAsyncRouteFacts, ProjectRule):
    id = "DBS101"
    name = "sync-engine-in-async-app"
    title = "Sync SQLAlchemy engine or session in an app with async routes"
    severity = Severity.WARNING
    rationale = """
    When routes are `async def`, every query made through a sync `Engine` or `Session`
    either blocks the event loop or has to be pushed to a thread by hand. SQLAlchemy 2.0
    ships the async API for this: `create_async_engine`, `async_sessionmaker` and
    `AsyncSession`, awaited in the routes with an async driver (asyncpg, aiosqlite,
    asyncmy). The finding points at each sync factory the application builds; test
    files and Alembic migrations are not looked at. Only an async route that does work
    on the event loop counts as evidence, and the message cites one: its body awaits
    something, or it takes a dependency (`Depends(...)`, `Annotated[..., Depends(...)]`
    or a project alias of one such as `SessionDep`); a health check returning a
    constant says nothing about the database. When the project also builds an async
    engine or session factory, a sync one beside it is taken for a deliberate second
    engine (for a library with a sync interface, such as a scheduler's job store) and
    is not reported, unless a dependency still hands sync sessions to endpoints
    (`def get_db(): yield SessionLocal()`), as in an app half-way through its port.
    """
    dont = """
    # app/database.py
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    engine = create_engine("postgresql://shop@db/shop")
    SessionLocal = sessionmaker(bind=engine)

    # app/orders/router.py
    @router.get("/orders")
    async def list_orders(db: Session = Depends(get_db)): ...
    """
    do = """
    # app/database.py
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://shop@db/shop")
    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

    # app/orders/router.py
    @router.get("/orders")
    async def list_orders(db: AsyncSession = Depends(get_db)): ...
    """
    dont_files = {
        "app/database.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            engine = create_engine("postgresql://shop@db/shop")
            SessionLocal = sessionmaker(bind=engine)


            def get_db():
                with SessionLocal() as session:
                    yield session
            """,
        "app/orders/router.py": """
            from fastapi import APIRouter, Depends

            from app.database import get_db

            router = APIRouter()


            @router.get("/orders")
            async def list_orders(db=Depends(get_db)):
                return []
            """,
    }
    do_files = {
        "app/database.py": """
            from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

            engine = create_async_engine("postgresql+asyncpg://shop@db/shop")
            SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


            async def get_db():
                async with SessionLocal() as session:
                    yield session
            """,
        "app/orders/router.py": dont_files["app/orders/router.py"],
    }

    calls = CallFilter.of(callees=[*_ASYNC_FACTORIES, *_SYNC_FACTORIES])

    def __init__(self) -> None:
        super().__init__()
        self._candidate: bool | None = None  # may this file build a sync engine?

    def _wants(self, ctx: FileContext) -> bool:
        candidate = self._candidate
        if candidate is None:
            candidate = self._candidate = (
                not is_test_path(ctx.path)
                and not is_migration_file(ctx)
                and text_contains(ctx, "sqlalchemy", "sqlmodel")
                and text_contains(ctx, "engine", "essionmaker", "Session")
            )
        return candidate

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        if self._wants(ctx):
            note_sync_session_provider(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        super().visit_AsyncFunctionDef(node, ctx)
        if self._wants(ctx):
            note_sync_session_provider(node, ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not self._wants(ctx):
            return
        callee = ctx.resolve(node.func)
        if callee in _ASYNC_FACTORIES:
            ctx.add_fact(ASYNC_DATABASE_CALL_FACT, (node.lineno, callee))
            return
        if callee not in _SYNC_FACTORIES:
            return
        for keyword in node.keywords:
            if keyword.arg == "class_" and ctx.resolve(keyword.value) in _ASYNC_SESSION_CLASSES:
                # ``sessionmaker(class_=AsyncSession)``: the 1.4-era async factory
                ctx.add_fact(ASYNC_DATABASE_CALL_FACT, (node.lineno, callee))
                return
            if keyword.arg == "bind" and ctx.resolve(keyword.value) in _ASYNC_ENGINES:
                return  # bound to an async engine: a sync Session could not use it
        parent = ctx.parent
        if isinstance(parent, ast.Call) and ctx.resolve(parent.func) in _SYNC_FACTORIES:
            return  # ``scoped_session(sessionmaker(...))``: one finding, on the outer call
        span = ctx.span(node)
        ctx.add_fact(
            SYNC_DATABASE_CALL_FACT,
            (span.line, span.column, span.end_line, span.end_column, ctx.text(node.func), callee),
        )

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        candidates = [
            path
            for path in project.python_files
            if file_facts(project, path, SYNC_DATABASE_CALL_FACT)
        ]
        if not candidates:
            return []
        route = first_working_async_route(project)
        if route is None:
            return []
        if self._deliberate_second_engine(project):
            return []
        route_path, route_line, route_name = route
        findings = []
        for path in candidates:
            for line, column, end_line, end_column, written, callee in file_facts(
                project, path, SYNC_DATABASE_CALL_FACT
            ):
                findings.append(
                    project.finding(
                        self,
                        path,
                        line,
                        f"`{written}(...)` builds a sync {_what(callee)} but routes are async "
                        f"(`async def {route_name}` in {route_path}:{route_line}); "
                        f"use {_SYNC_FACTORIES[callee]}",
                        column=column,
                        end_line=end_line,
                        end_column=end_column,
                    )
                )
        return findings

    @staticmethod
    def _deliberate_second_engine(project: ProjectView) -> bool:
        """The app builds an async engine (or session factory) too, and no dependency
        hands sync sessions to endpoints: the sync one serves something else, such as
        a library whose interface is sync."""
        files = project.python_files
        if not any(file_facts(project, path, ASYNC_DATABASE_CALL_FACT) for path in files):
            return False
        return not any(
            file_facts(project, path, SYNC_SESSION_PROVIDER)
            for path in files
            if not is_test_path(path) and not is_migration(project, path)
        )


def _what(callee: str) -> str:
    if "engine" in callee:
        return "engine"
    if callee.endswith(("sessionmaker", "scoped_session")):
        return "session factory"
    return "session"
