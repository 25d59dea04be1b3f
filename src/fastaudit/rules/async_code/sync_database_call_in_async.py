"""ASY104 (sync-database-call-in-async): Synchronous database call in async code."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Fix, Severity
from fastaudit.rules._support.route_calls import depends_provider
from fastaudit.rules._support.sync_sessions import (
    SYNC_DB_HANDLES,
    SYNC_SESSION_PROVIDER,
    note_sync_session_provider,
)
from fastaudit.rules._support.threadpool_wrap import threadpool_fix
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingDatabaseCall(BlockingCallRule):
    id = "ASY104"
    kind = "a sync database call"
    name = "sync-database-call-in-async"
    title = "Synchronous database call in async code"
    severity = Severity.ERROR
    async_alternative = "`AsyncSession`"
    rationale = """
    A sync SQLAlchemy `Session`, a `create_engine()` connection, or a sync driver
    (psycopg2, sqlite3, pymongo...) waits for the database on the event loop. Under
    load this serialises every request behind the slowest query and can starve the
    connection pool. Use `AsyncSession` from `async_sessionmaker`, an async driver, or
    make the route a plain `def` so FastAPI runs it in the threadpool.
    """
    dont = """
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.database import get_session
    from app.orders.models import Order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: Annotated[Session, Depends(get_session)]):
        return session.scalar(select(Order).where(Order.id == order_id))
    """
    dont_fixed = """
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from fastapi.concurrency import run_in_threadpool
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.database import get_session
    from app.orders.models import Order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: Annotated[Session, Depends(get_session)]):
        return await run_in_threadpool(session.scalar, select(Order).where(Order.id == order_id))
    """
    do = """
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.database import get_session
    from app.orders.models import Order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: Annotated[AsyncSession, Depends(get_session)]):
        return await session.scalar(select(Order).where(Order.id == order_id))
    """
    extra_invalid = (
        """
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy import create_engine

        engine = create_engine("sqlite://")
        SessionLocal = sessionmaker(bind=engine)

        async def count_users():
            with SessionLocal() as db:
                return db.execute("select count(*) from user").scalar()
        """,
        """
        import sqlite3

        async def load():
            conn = sqlite3.connect("app.db")
            return conn.execute("select 1").fetchall()
        """,
        """
        import sqlalchemy.orm as orm

        async def rename(db: orm.Session, name: str):
            db.commit()
        """,
    )
    extra_valid = (
        """
        from sqlalchemy.orm import Session

        def rename(db: Session):
            db.commit()
        """,
        """
        from sqlalchemy.ext.asyncio import AsyncSession

        async def rename(db: AsyncSession):
            await db.commit()
        """,
        # Annotated as a sync session, but awaited: the annotation is what is wrong.
        """
        from sqlalchemy.orm import Session

        async def count(db: Session, query):
            result = await db.execute(query)
            return result.scalar()
        """,
    )

    blocking = frozenset(
        {
            "psycopg2.connect",
            "psycopg.connect",
            "sqlite3.connect",
            "pymysql.connect",
            "mysql.connector.connect",
            "pymongo.MongoClient",
        }
    )
    receivers = SYNC_DB_HANDLES
    methods = frozenset(
        {
            "execute",
            "executemany",
            "scalar",
            "scalars",
            "query",
            "get",
            "commit",
            "flush",
            "refresh",
            "merge",
            "rollback",
            "connect",
            "begin",
            "fetchone",
            "fetchall",
            "fetchmany",
            "find",
            "find_one",
            "insert_one",
            "insert_many",
            "update_one",
            "update_many",
            "delete_one",
            "delete_many",
            "aggregate",
            "count_documents",
            "bulk_save_objects",
            "get_one",
        }
    )
    what = "waits for the database on the event loop"

    calls = CallFilter.of(callees=blocking, tails=methods, attrs=methods)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if isinstance(ctx.parent, ast.Await):
            # ``await session.execute(...)``: what the call returns is awaited, so the
            # session is an async one, whatever its annotation says (``db: Session``
            # written for an ``AsyncSession``).
            return
        super().visit_Call(node, ctx)
        func = node.func
        if (
            ctx.in_async_body
            and isinstance(func, ast.Attribute)
            and func.attr in self.methods
            and isinstance(func.value, ast.Name)
            and ctx.resolve(func.value) in _UNTYPED
        ):
            # ``session.commit()`` on a parameter with no usable annotation, filled by
            # ``Depends(get_session)``: blocking when ``get_session`` hands out a sync
            # session, which the project index settles once every file is seen.
            function = ctx.function
            assert function is not None
            provider = depends_provider(ctx, function.node, func.value.id)
            if provider is not None:
                ctx.report(
                    node,
                    f"`{ctx.text(func)}` {self.what} inside `{function.kind} {function.name}`: "
                    f"`{func.value.id}` comes from `Depends({provider.rsplit('.', 1)[-1]})`, "
                    "which hands out a sync SQLAlchemy session",
                    fix=self._untyped_fix(node, func.attr, ctx),
                    when=(SYNC_SESSION_PROVIDER, provider),
                )

    def _untyped_fix(self, node: ast.Call, method: str, ctx: FileContext) -> Fix | None:
        # The session's type is only known from its provider: judge by the method.
        if not self.wrappable(f"session.{method}", node):
            return None
        return threadpool_fix(ctx, node, self.async_alternative)

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._note_provider(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._note_provider(node, ctx)

    def _note_provider(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
    ) -> None:
        note_sync_session_provider(node, ctx)

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # sqlite3 objects refuse to be used from a thread other than their own; a query
        # builder or cursor (``db.query(X)``, ``collection.find()``) fetches its rows
        # later, in ``.all()`` or the loop over it, which would stay on the event loop.
        method = callee.rpartition(".")[2]
        return not callee.startswith("sqlite3.") and method not in _LAZY_METHODS

    def matches(self, callee: str, node: ast.Call) -> bool:
        if callee in self.blocking:
            return True
        receiver, _, method = callee.rpartition(".")
        if method not in self.methods:
            return False
        for handle in self.receivers:
            if receiver.startswith(handle):
                # A handle, or what a handle hands out (a cursor, a connection, a
                # collection); not the result of a query, so ``db.query(X).get(1)``
                # is reported once, at ``db.query``.
                rest = receiver[len(handle) :]
                for hand_out in (".cursor()", ".connect()", ".begin()"):
                    rest = rest.replace(hand_out, "")
                return "()" not in rest
        return False


# Methods that return something which reads the rows later (a query, a cursor).
_LAZY_METHODS = frozenset({"query", "find", "aggregate"})
# What a parameter resolves to when its annotation says nothing about the value.
_UNTYPED = frozenset({None, "builtins.object()", "typing.Any()"})
