"""DBS105: one referenced table, several foreign-key column names."""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_migration_file, is_test_path
from fastaudit.model import Finding, Severity, Span
from fastaudit.rules._support.inflect import singular
from fastaudit.rules._support.project_walk import file_facts, text_contains
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.database._shared import COLUMN_FACTORIES, SQLMODEL_FIELD, TABLE, named

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


_FOREIGN_KEY = frozenset(
    {"sqlalchemy.ForeignKey", "sqlalchemy.schema.ForeignKey", "sqlmodel.ForeignKey"}
)


@dataclass(slots=True)
class _ForeignKeyColumn:
    owner: str  # the owning table (or class name when the table name is not visible)
    column: str
    target: str  # "user.id"
    span: Span


@dataclass(slots=True)
class _ClassFrame:
    name: str
    table: str | None = None
    pending: list[tuple[str, str, Span]] = field(default_factory=list)


# One per file: a tuple of (owner, column, target, line, column, end_line, end_column).
FOREIGN_KEY_FACT = "foreign-key-columns"


class _ForeignKeys:
    """Walk state for DBS105: the foreign-key columns of a file's tables, noted as a
    fact for the project pass. Only files outside tests and migrations that mention
    ``ForeignKey``/``foreign_key`` are looked at."""

    calls: ClassVar[CallFilter | None] = CallFilter.of(callees=TABLE)

    def __init__(self) -> None:
        self._columns: list[_ForeignKeyColumn] = []
        self._classes: list[_ClassFrame] = []
        self._wanted: bool | None = None

    def _wants(self, ctx: FileContext) -> bool:
        wanted = self._wanted
        if wanted is None:
            path = ctx.path
            wanted = self._wanted = (
                not is_test_path(path)
                and not is_migration_file(ctx)
                and text_contains(ctx, "ForeignKey", "foreign_key")
            )
        return wanted

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if self._wants(ctx):
            self._classes.append(_ClassFrame(node.name))

    def leave_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if not self._wants(ctx):
            return
        frame = self._classes.pop()
        owner = frame.table or frame.name.lower()
        for column, target, span in frame.pending:
            self._columns.append(_ForeignKeyColumn(owner, column, target, span))

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if self._classes and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._assignment(node.targets[0], node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if self._classes and isinstance(node.target, ast.Name) and node.value is not None:
            self._assignment(node.target, node.value, ctx)

    def _assignment(self, target: ast.Name, value: ast.expr, ctx: FileContext) -> None:
        if not self._classes or ctx.function is not None:
            return
        frame = self._classes[-1]
        if target.id == "__tablename__":
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                frame.table = value.value
            return
        if not isinstance(value, ast.Call):
            return
        if named(value):
            return  # ``Column("name", ForeignKey(...))`` is seen as a call
        foreign = _foreign_key_target(value, ctx)
        if foreign is not None:
            frame.pending.append((target.id, foreign, ctx.span(target)))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.args or not self._wants(ctx):
            return
        table = node.args[0]
        if not (isinstance(table, ast.Constant) and isinstance(table.value, str)):
            return
        if ctx.resolve(node.func) not in TABLE:
            return
        for arg in node.args[1:]:
            if isinstance(arg, ast.Call) and ctx.resolve(arg.func) in COLUMN_FACTORIES:
                name = arg.args[0] if arg.args else None
                foreign = _foreign_key_target(arg, ctx)
                if isinstance(name, ast.Constant) and isinstance(name.value, str) and foreign:
                    self._columns.append(
                        _ForeignKeyColumn(table.value, name.value, foreign, ctx.span(name))
                    )

    def finish(self, ctx: FileContext) -> None:
        if self._columns:
            ctx.add_fact(
                FOREIGN_KEY_FACT,
                tuple((c.owner, c.column, c.target, *_span_tuple(c.span)) for c in self._columns),
            )


def _span_tuple(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column


def _foreign_key_target(call: ast.Call, ctx: FileContext) -> str | None:
    """``"user.id"`` for ``mapped_column(ForeignKey("user.id"))``, ``Column(Integer,
    ForeignKey("user.id"))`` and SQLModel's ``Field(foreign_key="user.id")``."""
    callee = ctx.resolve(call.func)
    if callee == SQLMODEL_FIELD:
        for keyword in call.keywords:
            if keyword.arg == "foreign_key":
                return _target_text(keyword.value)
        return None
    if callee not in COLUMN_FACTORIES:
        return None
    for arg in call.args:
        if isinstance(arg, ast.Call) and ctx.resolve(arg.func) in _FOREIGN_KEY and arg.args:
            return _target_text(arg.args[0])
    return None


def _target_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
        return node.value
    return None


# Words that name one thing: a key called by any of them names the target itself, not
# a role it plays (`owner_id`, `assignee_id`, `created_by_id` are roles).
_SYNONYMS = (
    frozenset({"user", "account", "profile", "customer", "person"}),
    frozenset({"org", "organization", "organisation"}),
)
_KEY_SUFFIXES = ("_id", "_ref", "_fk", "_key", "_uuid", "_pk")


def _target_names(table: str) -> set[str]:
    """The names a key to ``table`` may carry while meaning just "the ``table``":
    the table's name, singular, without its group prefix (`payment_account` ->
    `account`), and the synonyms of any of these."""
    parts = table.rsplit(".", 1)[-1].lower().split("_")
    names: set[str] = set()
    for start in range(len(parts)):
        tail = "_".join(parts[start:])
        names.update((tail, singular(tail)))
    for group in _SYNONYMS:
        if names & group:
            names |= group
    return names


def _names_target(column: str, table: str, key: str) -> bool:
    """Whether ``column`` is the plain key to ``table`` (`user_id`, `users_id`,
    `profile_id` for `user.id`), not a role name (`owner_id`, `oncall_service_id`)."""
    stem = column.lower()
    for suffix in (f"_{key.lower()}", *_KEY_SUFFIXES):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    names = _target_names(table)
    return stem in names or singular(stem) in names


class InconsistentForeignKeyName(_ForeignKeys, ProjectRule):
    id = "DBS105"
    skips_tests = True  # only the app's models are compared (``_wants``)
    name = "inconsistent-foreign-key-name"
    title = "One referenced table, several foreign-key column names"
    severity = Severity.INFO
    rationale = """
    When `post.profile_id`, `comment.user_id` and `post_like.user_id` all point at
    `user.id` and mean the same thing, the post's author, every join needs a look at
    the model to find the right column, and generic code (filters, dependencies,
    serializers) cannot rely on one name. Use one name for a key wherever it appears.
    Only keys that name the referenced table itself are compared: its name, singular
    or plural, with or without its group prefix (`payment_account_id`, `account_id`),
    or a synonym (`user`, `account`, `profile`, `customer`, `person`). Role names such
    as `owner_id`, `author_id`, `assignee_id`, `created_by_id` or `oncall_service_id`
    say what part the row plays and are left out, as are tables holding two such keys
    to the same table and self-references (`parent_id`). The most common name wins; on
    a tie, `<table>_<column>`. The message cites only the columns compared. Only
    string targets (`ForeignKey("user.id")`) are compared.
    """
    dont = """
    # app/posts/models.py
    class Post(Base):
        __tablename__ = "post"
        profile_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    # app/comments/models.py
    class Comment(Base):
        __tablename__ = "comment"
        user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    # app/likes/models.py
    class PostLike(Base):
        __tablename__ = "post_like"
        user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    """
    do = """
    # app/posts/models.py
    class Post(Base):
        __tablename__ = "post"
        user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    # app/tickets/models.py: a role, not the same key under another name
    class Ticket(Base):
        __tablename__ = "ticket"
        assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    """
    _MODEL = """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import Mapped, mapped_column

        from app.database import Base


        class {cls}(Base):
            __tablename__ = "{table}"

            id: Mapped[int] = mapped_column(primary_key=True)
            {column}: Mapped[int] = mapped_column(ForeignKey("user.id"))
        """
    dont_files = {
        "app/posts/models.py": _MODEL.format(cls="Post", table="post", column="profile_id"),
        "app/comments/models.py": _MODEL.format(cls="Comment", table="comment", column="user_id"),
        "app/likes/models.py": _MODEL.format(cls="PostLike", table="post_like", column="user_id"),
    }
    do_files = {
        "app/posts/models.py": _MODEL.format(cls="Post", table="post", column="user_id"),
        "app/comments/models.py": _MODEL.format(cls="Comment", table="comment", column="user_id"),
        "app/tickets/models.py": _MODEL.format(cls="Ticket", table="ticket", column="assignee_id"),
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        by_target: dict[str, list[tuple[str, _ForeignKeyColumn]]] = defaultdict(list)
        for path in project.python_files:
            for columns in file_facts(project, path, FOREIGN_KEY_FACT):
                for owner, name, target, line, column, end_line, end_column in columns:
                    span = Span(line, column, end_line, end_column)
                    by_target[target].append((path, _ForeignKeyColumn(owner, name, target, span)))
        findings = []
        for target, columns in sorted(by_target.items()):
            table, _, key = target.rpartition(".")
            # Role names (`owner_id`, `assignee_id`) are not compared, nor cited; a table
            # holding two plain keys to one table (`user_id`, `profile_id`) is ambiguous.
            plain = [
                (path, column)
                for path, column in columns
                if column.owner != table and _names_target(column.column, table, key)
            ]
            per_owner = Counter(column.owner for _, column in plain)
            usable = [(path, column) for path, column in plain if per_owner[column.owner] == 1]
            names = Counter(column.column for _, column in usable)
            if len(names) < 2:
                continue
            natural = f"{singular(table.rsplit('.', 1)[-1])}_{key}"
            top = max(names.values())
            leaders = sorted(name for name, count in names.items() if count == top)
            if len(leaders) == 1:
                expected = leaders[0]
            elif natural in leaders:
                expected = natural
            else:
                expected = None
            for path, column in usable:
                if column.column == expected:
                    continue
                others = sorted(
                    {f"{c.owner}.{c.column}" for _, c in usable if c.column != column.column}
                )
                if expected is not None:
                    advice = f"elsewhere it is `{expected}` ({', '.join(others)}); use one name"
                else:
                    advice = f"elsewhere it is named differently ({', '.join(others)}); pick one"
                findings.append(
                    project.finding(
                        self,
                        path,
                        column.span.line,
                        f"`{column.owner}.{column.column}` references `{target}`; {advice}",
                        column=column.span.column,
                        end_line=column.span.end_line,
                        end_column=column.span.end_column,
                    )
                )
        return findings
