"""DBS104: a date/time column not named ``*_at`` / ``*_date``."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_migration_file
from fastaudit.engine.project_index import MODEL_METADATA
from fastaudit.model import Severity
from fastaudit.rules.base import Rule
from fastaudit.rules.database._shared import (
    COLUMN_FACTORIES,
    METADATA,
    METADATA_KEYWORDS,
    SQLALCHEMY_TEXT,
    SQLMODEL_FIELD,
    TABLE,
    ModelMetadata,
    module_name,
    named,
)

_DATETIME_TYPES = frozenset({"DateTime", "DATETIME", "TIMESTAMP"})
_DATE_TYPES = frozenset({"Date", "DATE"})
_MAPPED = frozenset({"sqlalchemy.orm.Mapped"})
# Suffixes that say "date/time" in other words: replaced, not appended to.
_STALE_SUFFIXES = ("_datetime", "_timestamp", "_time", "_ts", "_dt", "_on", "_date", "_at")
# Words that already say a column holds a date or a time. A name made of them alone
# (`timestamp`, `deadline`) or holding one inside (`time_of_arrival`) is left alone.
_TIME_WORDS = frozenset(
    {"time", "timestamp", "datetime", "ts", "dt", "deadline", "when", "moment", "instant"}
)
_DATE_WORDS = frozenset({"date", "day", "birthday", "dob"})
_EXPIRY_WORDS = frozenset({"expiry", "expires", "expiration", "expire"})
# A name ending in one of these is a point in time already (`due_by`, `valid_until`):
# `_at` after it reads wrong, `_date` after it reads fine (`available_from_date`).
_PREPOSITIONS = frozenset({"by", "until", "till", "since", "before", "after", "from", "to"})

_MADE_METADATA = frozenset(f"{name}()" for name in METADATA)


def _column_kind(type_name: str | None) -> str | None:
    if not type_name or not type_name.startswith(("sqlalchemy.", "sqlmodel.")):
        return None
    last = type_name.rsplit(".", 1)[-1]
    if last in _DATETIME_TYPES:
        return "datetime"
    if last in _DATE_TYPES:
        return "date"
    return None


def _python_kind(type_name: str | None) -> str | None:
    return {"datetime.datetime": "datetime", "datetime.date": "date"}.get(type_name or "")


def _stem(name: str) -> str:
    for stale in _STALE_SUFFIXES:
        if name.endswith(stale) and len(name) > len(stale):
            return name[: -len(stale)]
    return name


def _temporal_advice(name: str, kind: str) -> tuple[bool, str | None]:
    """Whether a ``kind`` ("datetime"/"date") column called ``name`` is reported, and
    the natural name to suggest (None: reported without a name, or not reported)."""
    suffix = "_at" if kind == "datetime" else "_date"
    if name.endswith(suffix):
        return False, None
    words = name.lower().split("_")
    if any(w in _EXPIRY_WORDS for w in words):
        return True, "expires_at" if kind == "datetime" else "expiry_date"
    if kind == "date":
        # `date_of_birth`, `birthday`, `joined_on` already say "a day".
        if name.endswith("_on") or any(w in _DATE_WORDS or w.endswith("day") for w in words):
            return False, None
        stem = _stem(name)
        if any(w in _TIME_WORDS for w in stem.split("_")):
            return False, None  # `timestamp`, `time_of_arrival`, `deadline`
        return True, stem + suffix
    # A date-time column with a date's name: the name or the type is wrong, and which
    # one is for the author to say.
    if name.endswith("_date") or any(w in _DATE_WORDS for w in words):
        return True, None
    if words[-1] in _PREPOSITIONS:
        return False, None
    stem = _stem(name)
    stem_words = stem.split("_")
    if stem_words[-1] in _PREPOSITIONS or any(w in _TIME_WORDS for w in stem_words):
        return False, None  # `time_of_arrival`, `deadline`, `due_by_time`
    return True, stem + suffix


class TemporalColumnSuffix(ModelMetadata, Rule):
    id = "DBS104"
    needs_text = SQLALCHEMY_TEXT
    calls = CallFilter.of(callees=COLUMN_FACTORIES, keywords=METADATA_KEYWORDS)
    name = "temporal-column-suffix"
    title = "Date/time column not named `*_at` / `*_date`"
    severity = Severity.INFO
    rationale = """
    A suffix that says what a column holds spares every reader a trip to the model:
    `created_at`, `paid_at` are instants (DateTime / TIMESTAMP), `birth_date`,
    `due_date` are calendar days (Date). Names like `created`, `updated_on` or
    `expiry` leave the type to guessing, and a `_date` column that really holds a
    timestamp invites timezone bugs. Names that already say what they hold are left
    alone: a date named `date_of_birth`, `birthday` or `joined_on`, and a date-time
    named `timestamp`, `deadline`, `time_of_arrival` or after a preposition (`due_by`,
    `valid_until`). Suggestions replace a date/time suffix rather than stack on it
    (`login_time` -> `login_at`, `expiry` -> `expires_at`); a date-time named as a date
    (`birth_date`) gets no suggested name, as only the author knows whether the name or
    the type is wrong. The columns of a `Table` declared on a `MetaData()` of its own
    file that nothing uses for the app's models (no declarative base, Alembic
    `target_metadata` or `create_all`, as for DBS102) only mirror a table for queries,
    of another datastore say, and are left alone. Renaming a column needs a migration,
    so there is no automatic fix.
    """
    dont = """
    from datetime import date, datetime

    from sqlalchemy.orm import Mapped, mapped_column

    from app.database import Base


    class Invoice(Base):
        __tablename__ = "invoice"

        id: Mapped[int] = mapped_column(primary_key=True)
        created: Mapped[datetime]
        due: Mapped[date]
    """
    do = """
    from datetime import date, datetime

    from sqlalchemy.orm import Mapped, mapped_column

    from app.database import Base


    class Invoice(Base):
        __tablename__ = "invoice"

        id: Mapped[int] = mapped_column(primary_key=True)
        created_at: Mapped[datetime]
        due_date: Mapped[date]
    """
    extra_valid = (
        """
        import sqlalchemy as sa

        class Event(Base):
            __tablename__ = "event"
            created_at = sa.Column(sa.DateTime(timezone=True), nullable=False)
            start_date = sa.Column(sa.Date)
        """,
        """
        from datetime import datetime
        from pydantic import BaseModel

        # A Pydantic schema is not a table.
        class EventOut(BaseModel):
            created: datetime
        """,
        """
        import sqlalchemy as sa

        # The column's own name is the one in the database.
        class Event(Base):
            __tablename__ = "event"
            created = sa.Column("created_at", sa.DateTime)
        """,
        """
        from datetime import datetime
        from sqlalchemy import String
        from sqlalchemy.orm import Mapped, mapped_column

        class Event(Base):
            __tablename__ = "event"
            created_by: Mapped[str] = mapped_column(String(40))
        """,
        """
        from datetime import date, datetime
        from sqlalchemy.orm import Mapped

        # The name already says what the column holds.
        class Person(Base):
            __tablename__ = "person"
            date_of_birth: Mapped[date]
            joined_on: Mapped[date]
            timestamp: Mapped[datetime]
            due_by: Mapped[datetime]
        """,
    )
    extra_invalid = (
        """
        from sqlalchemy import Column, DateTime

        class Session(Base):
            __tablename__ = "session"
            expires = Column(DateTime(timezone=True))
        """,
        """
        import sqlalchemy as sa

        event = sa.Table("event", metadata, sa.Column("happened_on", sa.TIMESTAMP))
        """,
        """
        import datetime as dt
        from sqlalchemy.orm import Mapped

        class Event(Base):
            __tablename__ = "event"
            updated: Mapped[dt.datetime | None]
        """,
        """
        from datetime import datetime
        from sqlmodel import Field, SQLModel

        class Hero(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            signed_up: datetime
        """,
    )

    def __init__(self) -> None:
        super().__init__()
        self._tables: list[bool] = []  # per enclosing class: is it a SQLModel table?
        # Findings on the columns of a ``Table`` whose ``MetaData()`` was made in a
        # function: kept if that function gives it to the models or ``create_all``.
        self._pending: list[tuple[tuple[int, str], ast.AST, str]] = []

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        table = any(
            k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        ) and any(ctx.resolve(b) == "sqlmodel.SQLModel" for b in node.bases)
        self._tables.append(table)

    def leave_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._tables.pop()

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        self._note_metadata_call(node, ctx)
        # ``Column("name", DateTime)``: the string is the column's name.
        if not node.args or ctx.resolve(node.func) not in COLUMN_FACTORIES:
            return
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            holder = self._table_metadata(node, ctx)
            if holder is not _NOT_MODELS:
                self._check(first.value, _call_kind(node, ctx), first, ctx, holder)

    def _table_metadata(self, column: ast.Call, ctx: FileContext) -> object:
        """For a column of ``Table(name, metadata, ...)`` made on a ``MetaData()`` of
        this file: whether that metadata holds the app's models. None when it does or
        cannot be told (report now), ``_NOT_MODELS``, a (function, name) key to judge at
        the end of the file, or the project-wide name to settle once all files are seen.
        A table on metadata that holds no model only mirrors a table for queries (of
        another datastore, say): its column names are not the app's to choose."""
        table = ctx.parent
        if not (
            isinstance(table, ast.Call)
            and len(table.args) > 1
            and column is not table.args[1]
            and ctx.resolve(table.func) in TABLE
        ):
            return None
        metadata = table.args[1]
        if isinstance(metadata, ast.Call):
            # ``Table("t", MetaData(), ...)``: nothing else can reach that metadata.
            return _NOT_MODELS if ctx.resolve(metadata.func) in METADATA else None
        if not isinstance(metadata, ast.Name):
            return None  # ``Base.metadata``: the models' own
        local = self._local_key(metadata, ctx)
        if local is not None:
            return local
        if ctx.is_module_binding(metadata.id) and ctx.resolve(metadata) in _MADE_METADATA:
            return module_name(metadata.id, ctx)
        return None  # imported, or a parameter: not known here

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        self._note_metadata_assign(node.targets, node.value, ctx)
        if not self._in_class_body(ctx) or len(node.targets) != 1:
            return
        target = node.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(node.value, ast.Call)
            and ctx.resolve(node.value.func) in COLUMN_FACTORIES
            and not named(node.value)
        ):
            self._check(target.id, _call_kind(node.value, ctx), target, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is not None:
            self._note_metadata_assign([node.target], node.value, ctx)
        if not self._in_class_body(ctx) or not isinstance(node.target, ast.Name):
            return
        value = node.value
        if isinstance(value, ast.Call) and ctx.resolve(value.func) in COLUMN_FACTORIES:
            if named(value):
                return
            kind = _call_kind(value, ctx)
            if kind is None:
                kind = _mapped_kind(node.annotation, ctx)
        elif value is None or (
            isinstance(value, ast.Call) and ctx.resolve(value.func) == SQLMODEL_FIELD
        ):
            kind = _mapped_kind(node.annotation, ctx)
            if kind is None and self._tables and self._tables[-1]:
                kind = _python_kind(_unwrap_optional(node.annotation, ctx))
        else:
            return
        self._check(node.target.id, kind, node.target, ctx)

    def _in_class_body(self, ctx: FileContext) -> bool:
        return ctx.class_name is not None and ctx.function is None

    def _check(
        self, name: str, kind: str | None, node: ast.AST, ctx: FileContext, holder: object = None
    ) -> None:
        if is_migration_file(ctx):
            return  # history: the model is where the name is chosen
        if kind is None:
            return
        reported, suggestion = _temporal_advice(name, kind)
        if not reported:
            return
        if suggestion is None:
            message = (
                f'date-time column "{name}" is named as a date but holds a date and time: '
                'make it a `Date` if it holds a calendar day, or name the instant with "_at"'
            )
        elif kind == "datetime":
            message = f'date-time column "{name}" should end in "_at" (e.g. "{suggestion}")'
        else:
            message = f'date column "{name}" should end in "_date" (e.g. "{suggestion}")'
        if isinstance(holder, tuple):
            self._pending.append((holder, node, message))
        elif isinstance(holder, str):
            ctx.report(node, message, when=(MODEL_METADATA, holder))
        else:
            ctx.report(node, message)

    def finish(self, ctx: FileContext) -> None:
        for key, node, message in self._pending:
            if key in self._local_uses:
                ctx.report(node, message)


# A ``Table``'s metadata known to hold none of the app's models.
_NOT_MODELS = object()


def _call_kind(call: ast.Call, ctx: FileContext) -> str | None:
    """The kind of SQL type among a Column's arguments (``DateTime``, ``sa.Date()``)."""
    candidates = [*call.args, *(k.value for k in call.keywords if k.arg == "type_")]
    for arg in candidates:
        target = arg.func if isinstance(arg, ast.Call) else arg
        kind = _column_kind(ctx.resolve(target))
        if kind is not None:
            return kind
    return None


def _unwrap_optional(annotation: ast.expr, ctx: FileContext) -> str | None:
    node = annotation
    if isinstance(node, ast.Subscript) and ctx.resolve(node.value) == "typing.Optional":
        node = node.slice
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        if isinstance(node.right, ast.Constant) and node.right.value is None:
            node = node.left
        elif isinstance(node.left, ast.Constant) and node.left.value is None:
            node = node.right
    return ctx.resolve(node) if isinstance(node, (ast.Name, ast.Attribute)) else None


def _mapped_kind(annotation: ast.expr, ctx: FileContext) -> str | None:
    if isinstance(annotation, ast.Subscript) and ctx.resolve(annotation.value) in _MAPPED:
        return _python_kind(_unwrap_optional(annotation.slice, ctx))
    return None
