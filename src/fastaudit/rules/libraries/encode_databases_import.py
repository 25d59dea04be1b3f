"""LIB103 encode-databases-import: encode/databases is used for database access."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.model import Severity
from fastaudit.rules.base import Rule
from fastaudit.rules.libraries._shared import _is_module, _shown


class EncodeDatabasesImport(Rule):
    id = "LIB103"
    name = "encode-databases-import"
    learn_area = "database"
    title = "encode/databases is used for database access"
    severity = Severity.INFO
    rationale = """
    The `databases` package from encode sees little maintenance, and SQLAlchemy 2.0 now
    does natively what it was created for: async queries, with `create_async_engine`,
    `async_sessionmaker` and `AsyncSession`. Staying on `databases` means a second query
    layer next to SQLAlchemy, and migrating later only gets bigger.
    """
    dont = """
    from databases import Database

    database = Database("postgresql+asyncpg://app@db/app")


    async def count_orders() -> int:
        return await database.fetch_val("SELECT count(*) FROM orders")
    """
    do = """
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    Session = async_sessionmaker(engine, expire_on_commit=False)


    async def count_orders() -> int:
        async with Session() as session:
            return await session.scalar(text("SELECT count(*) FROM orders"))
    """
    extra_valid = (
        # A project package called databases, imported relatively.
        """
        from .databases import primary
        from . import databases
        """,
        """
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
        """,
    )
    extra_invalid = (
        """
        import databases

        db = databases.Database("sqlite+aiosqlite:///app.db")
        """,
        """
        from databases.core import Connection
        """,
    )

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        if any(_is_module(alias.name, "databases") for alias in node.names):
            self._report(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if not node.level and node.module and _is_module(node.module, "databases"):
            self._report(node, ctx)

    def _report(self, node: ast.stmt, ctx: FileContext) -> None:
        shown = _shown(ctx, node) or "This import"
        ctx.report(
            node,
            f"{shown}: encode/databases is in maintenance mode; use SQLAlchemy 2.0's async "
            "API (`create_async_engine`, `AsyncSession`)",
        )
