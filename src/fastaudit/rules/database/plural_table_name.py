"""DBS103: a plural table name."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_migration_file
from fastaudit.model import Severity
from fastaudit.rules._support.inflect import plural_table_name
from fastaudit.rules.base import Rule
from fastaudit.rules.database._shared import TABLE


class PluralTableName(Rule):
    id = "DBS103"
    name = "plural-table-name"
    title = "Plural table name"
    severity = Severity.INFO
    rationale = """
    A table is named after what one row is: `user`, `order`, `post_like`. Singular names
    read naturally in joins (`user.id = order.user_id`), match the model class, and end
    the guessing between `categorys`, `categories` and `category`. Uncountable and
    singular words that end in "s" (`status`, `news`, `address`, `analysis`) are left
    alone. Renaming a live table needs a migration, so there is no automatic fix.
    """
    dont = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"

        id: Mapped[int] = mapped_column(primary_key=True)
    """
    do = """
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "user"

        id: Mapped[int] = mapped_column(primary_key=True)
    """
    extra_valid = (
        """
        class OrderStatus(Base):
            __tablename__ = "order_status"
        """,
        """
        class News(Base):
            __tablename__ = "news"
        """,
        """
        class Address(Base):
            __tablename__ = "shipping_address"
        """,
        """
        import sqlalchemy as sa

        series = sa.Table("time_series", metadata)
        """,
        # Not a model: a class attribute elsewhere, and a function's local variable.
        """
        def render():
            __tablename__ = "users"
            return __tablename__
        """,
    )
    extra_invalid = (
        """
        import sqlalchemy as sa

        post_like = sa.Table("post_likes", metadata, sa.Column("post_id", sa.Integer))
        """,
        """
        class Category(Base):
            __tablename__ = "categories"
        """,
        """
        class Person(Base):
            __tablename__ = "people"
        """,
    )

    calls = CallFilter.of(callees=TABLE)
    # A ``__tablename__`` is spelled so; a ``Table(...)`` call resolves to SQLAlchemy's or
    # SQLModel's ``Table`` only in a file that writes the name (importing it).
    needs_text = ("__tablename__", "Table")

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if ctx.class_name is None or ctx.function is not None:
            return
        if any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in node.targets):
            self._check(node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if ctx.class_name is None or ctx.function is not None or node.value is None:
            return
        if isinstance(node.target, ast.Name) and node.target.id == "__tablename__":
            self._check(node.value, ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if node.args and ctx.resolve(node.func) in TABLE:
            self._check(node.args[0], ctx)

    def _check(self, value: ast.expr, ctx: FileContext) -> None:
        if is_migration_file(ctx):
            return  # history: the model is where the name is chosen
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return
        singular_name = plural_table_name(value.value)
        if singular_name is not None:
            ctx.report(
                value,
                f'table name "{value.value}" is plural; name it after one row: "{singular_name}"',
            )
