"""MIG103: a migration whose `downgrade()` does nothing."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastaudit.engine.context import FILE_DONE, FileContext, Visited
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules._support.project_walk import text_contains
from fastaudit.rules.base import Rule


def _trivial(function: ast.FunctionDef) -> bool:
    """Only ``pass``, ``...`` or a docstring (comments are not in the tree)."""
    return all(
        isinstance(stmt, ast.Pass)
        or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        for stmt in function.body
    )


# `alembic.op` functions that touch neither the schema nor the data by themselves.
_OP_NEUTRAL = frozenset(
    {"get_bind", "get_context", "inline_literal", "f", "invoke", "implementation_for", "run_async"}
)
_SQL_DATA = frozenset({"UPDATE", "INSERT", "DELETE", "MERGE", "SELECT", "WITH", "TRUNCATE", "COPY"})
# Statements that change neither the schema nor the rows: connection and session
# settings (`PRAGMA foreign_keys=OFF`, `SET lock_timeout`), transaction control, locks,
# planner statistics and upkeep.
_SQL_NEUTRAL = frozenset(
    {
        "PRAGMA", "SET", "RESET", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
        "RELEASE", "LOCK", "ANALYZE", "VACUUM", "SHOW", "EXPLAIN", "CHECKPOINT",
    }
)  # fmt: skip
_SESSION_WRITES = frozenset(
    {
        "add",
        "add_all",
        "merge",
        "commit",
        "flush",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
    }
)
_SCHEMA_METHODS = frozenset({"create", "drop", "create_all", "drop_all"})
_STATEMENT_METHODS = {"update": "UPDATE", "insert": "INSERT", "delete": "DELETE"}


@dataclass(slots=True)
class _Effects:
    """What an ``upgrade()`` does, as short labels in the order first seen."""

    schema: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def note(self, kind: str, label: str) -> None:
        labels = getattr(self, kind)
        if label not in labels:
            labels.append(label)


def _literal_sql(node: ast.expr) -> str | None:
    """The text of a string literal (an f-string's start)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _sql_texts(node: ast.expr, strings: _Strings) -> list[str] | None:
    """The SQL of ``"UPDATE ..."`` or ``sa.text("UPDATE ...")``, or of a name bound
    only to such literals (``sql = \"\"\"UPDATE ...\"\"\"`` then ``sa.text(sql)``); None
    when some of it cannot be read."""
    if isinstance(node, ast.Call) and node.args and _method(node) == "text":
        node = node.args[0]
    if isinstance(node, ast.Name):
        values = strings.get(node.id)
        if not values:
            return None
        texts = [_literal_sql(value) for value in values]
        return None if any(text is None for text in texts) else [t for t in texts if t]
    text = _literal_sql(node)
    return None if text is None else [text]


# name -> every value assigned to it (in the function, else at module level).
_Strings = dict[str, list[ast.expr]]


def _assigned_values(statements: list[ast.stmt], *, nested: bool) -> _Strings:
    """What each plain name is assigned in ``statements`` (and, with ``nested``, in
    the blocks inside them); a name also bound otherwise (a loop target, an augmented
    assignment, ``with ... as``) maps to a non-literal, so it stays unread."""
    found: _Strings = {}
    nodes = [n for s in statements for n in walk(s)] if nested else statements
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in walk(target):
                    if isinstance(name, ast.Name):
                        value = node.value if isinstance(target, ast.Name) else target
                        found.setdefault(name.id, []).append(value)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.value or node.target)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.target)  # ``sql += ...``
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.withitem):
            bound = node.optional_vars if isinstance(node, ast.withitem) else node.target
            for name in walk(bound) if bound is not None else ():
                if isinstance(name, ast.Name):
                    found.setdefault(name.id, []).append(name)
    return found


def _sql_words(sql: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return " ".join(lines).replace("(", " ").upper().split()


# DDL verbs whose statement kind goes on to the kind of object acted on.
_DDL_VERBS = frozenset({"CREATE", "ALTER", "DROP", "COMMENT", "REFRESH", "SECURITY"})
# Words between such a verb and the object kind (`CREATE OR REPLACE FUNCTION`,
# `CREATE UNIQUE INDEX`, `COMMENT ON COLUMN`, `CREATE TEXT SEARCH CONFIGURATION`).
_DDL_MODIFIERS = frozenset(
    {
        "OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "MATERIALIZED", "UNLOGGED",
        "GLOBAL", "LOCAL", "RECURSIVE", "FOREIGN", "EVENT", "TRUSTED", "PROCEDURAL",
        "DEFAULT", "CONSTRAINT", "ON", "TEXT", "SEARCH", "LABEL", "ACCESS", "DATA",
    }
)  # fmt: skip
_DDL_OBJECTS = frozenset(
    {
        "TABLE", "INDEX", "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "SEQUENCE", "TYPE",
        "SCHEMA", "EXTENSION", "DOMAIN", "AGGREGATE", "ROLE", "USER", "GROUP", "DATABASE",
        "POLICY", "RULE", "COLLATION", "OPERATOR", "COLUMN", "PUBLICATION", "SUBSCRIPTION",
        "SERVER", "STATISTICS", "TABLESPACE", "CAST", "CONVERSION", "LANGUAGE",
        "TRANSFORM", "CONFIGURATION", "DICTIONARY", "PARSER", "TEMPLATE", "METHOD",
        "ROUTINE", "WRAPPER",
    }
)  # fmt: skip


def _sql_kind(words: list[str]) -> str:
    """The kind of statement ``words`` start: `CREATE OR REPLACE FUNCTION`, `ALTER
    TABLE`, `DROP INDEX` (not `IF EXISTS` or the name after it); other statements
    by their first word (`GRANT`, `DO`)."""
    verb = words[0]
    if verb not in _DDL_VERBS:
        return verb
    kind = [verb]
    for word in words[1:]:
        if word in _DDL_MODIFIERS:
            kind.append(word)
            continue
        if word in _DDL_OBJECTS:
            kind.append(word)
        break
    if kind == ["ALTER", "TYPE"] and "ADD VALUE" in " ".join(words):
        return _ENUM_ADD_VALUE
    return " ".join(kind)


# A new value of a Postgres enum, which Postgres has no statement to remove.
_ENUM_ADD_VALUE = "ALTER TYPE ... ADD VALUE"


def _method(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _statement_kind(node: ast.expr) -> str | None:
    """``UPDATE`` for ``table.update().where(...)`` or ``sa.update(table)...``."""
    while isinstance(node, ast.Call):
        kind = _STATEMENT_METHODS.get(_method(node) or "")
        if kind is not None:
            return kind
        func = node.func
        node = func.value if isinstance(func, ast.Attribute) else func
    return None


def _execute_effect(call: ast.Call, label: str, effects: _Effects, strings: _Strings) -> None:
    if not call.args:
        return
    argument = call.args[0]
    texts = _sql_texts(argument, strings)
    if texts is not None:
        for sql in texts:
            words = _sql_words(sql)
            if not words or words[0] in _SQL_NEUTRAL:
                continue
            if words[0] in _SQL_DATA:
                effects.note("data", words[0])
            else:
                effects.note("schema", _sql_kind(words))
        return
    kind = _statement_kind(argument)
    if kind is not None:
        effects.note("data", kind)
        return
    text = ast.unparse(call)
    effects.note("unknown", text if len(text) <= 40 else f"{label}(...)")


def _explained(downgrade: ast.FunctionDef, ctx: FileContext) -> bool:
    """A comment of the authors' own in an empty ``downgrade()`` (not Alembic's
    ``# ### commands auto generated ... ###`` lines): a decision, not an oversight."""
    lines = ctx.source.text.splitlines()[downgrade.lineno : downgrade.end_lineno or 0]
    for line in lines:
        comment = line.strip()
        if comment.startswith("#") and not comment.startswith("# ###"):
            return len(comment.lstrip("# ")) > 0
    return False


class EmptyDowngrade(Rule):
    id = "MIG103"
    name = "empty-migration-downgrade"
    title = "Migration `downgrade()` does nothing"
    severity = Severity.WARNING
    rationale = """
    A revision whose `upgrade()` changes the schema but whose `downgrade()` is `pass`
    cannot be rolled back: `alembic downgrade -1` reports success and leaves the schema
    where it was, so the next upgrade fails or, worse, the code and the schema silently
    disagree. Write the reverse operations (autogenerate drafts them), or, when a change
    truly cannot be undone, raise an error that says so. Merge revisions and empty
    revisions, whose `upgrade()` does nothing either, are not reported. Nor is a
    data-only revision (`op.execute("UPDATE ...")`, `op.bulk_insert`, a session
    backfill, and no schema operation, including raw DDL, in `upgrade()` or the module
    functions it calls): it rolls back without breaking the schema, and the reverse of
    a data repair is usually nothing. An empty `downgrade()` with a comment of the
    authors' own saying why is a decision, and is left alone too. The message names
    what `upgrade()` does; SQL the rule cannot read (`op.execute(statement)`) is treated
    as a possible schema change, while SQL held in a variable assigned only string
    literals is read. Connection settings and transaction control (`PRAGMA
    foreign_keys=OFF`, `SET lock_timeout`, `op.get_context().autocommit_block()`) and
    reads (`.fetchall()`) change nothing. A new Postgres enum value (`ALTER TYPE ... ADD
    VALUE`) is reported at info level with its own advice: Postgres cannot drop an enum
    value without recreating the type, so the usual reverse is to move the rows that
    hold it back to an old value (older code cannot read it), or to say why it can stay.
    """
    dont = """
    import sqlalchemy as sa
    from alembic import op

    revision = "7c1d2e3f4a5b"
    down_revision = "5a4b3c2d1e0f"


    def upgrade() -> None:
        op.add_column("order", sa.Column("shipped_at", sa.DateTime(timezone=True)))


    def downgrade() -> None:
        pass
    """
    do = """
    import sqlalchemy as sa
    from alembic import op

    revision = "7c1d2e3f4a5b"
    down_revision = "5a4b3c2d1e0f"


    def upgrade() -> None:
        op.add_column("order", sa.Column("shipped_at", sa.DateTime(timezone=True)))


    def downgrade() -> None:
        op.drop_column("order", "shipped_at")
    """
    extra_valid = (
        # A merge revision: nothing to do either way.
        """
        from alembic import op

        revision = "a1"
        down_revision = ("b2", "c3")

        def upgrade():
            pass

        def downgrade():
            pass
        """,
        # Declared irreversible, on purpose and loudly.
        """
        from alembic import op

        def upgrade():
            op.execute("DELETE FROM audit_log")

        def downgrade():
            raise NotImplementedError("audit rows cannot be restored")
        """,
        # Data only: the schema rolls back fine; the reverse of a backfill is nothing.
        """
        from alembic import op

        def upgrade():
            op.execute("UPDATE invoice SET currency = 'EUR' WHERE currency IS NULL")

        def downgrade():
            pass
        """,
        # Explained: the authors decided there is no reverse.
        """
        from alembic import op

        def upgrade():
            op.execute("CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$ $$")

        def downgrade():
            # The previous body is gone; re-running upgrade is harmless.
            pass
        """,
        # Not a migration: some other module's downgrade().
        """
        def upgrade(plan):
            plan.level += 1

        def downgrade(plan):
            pass
        """,
    )
    extra_invalid = (
        """
        from alembic import op

        def upgrade():
            op.create_index("order_status_idx", "order", ["status"])

        def downgrade():
            '''Nothing to undo.'''
        """,
        """
        import alembic.op as op

        def upgrade():
            op.drop_table("legacy")

        def downgrade():
            ...
        """,
    )

    # ``finish`` judges a file importing from Alembic alone.
    needs_text = ("alembic",)

    def __init__(self) -> None:
        self._functions: dict[str, ast.FunctionDef] = {}
        self._helpers: dict[str, ast.FunctionDef] = {}  # the module's other functions
        self._callees: dict[int, str] = {}  # id(call) -> qualified callee, in functions
        self._alembic: bool | None = None  # does the file mention alembic at all?

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        if ctx.function is None and ctx.class_name is None:
            if node.name in ("upgrade", "downgrade"):
                self._functions[node.name] = node
            else:
                self._helpers[node.name] = node

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> Visited | None:
        if self._alembic is None:
            self._alembic = text_contains(ctx, "alembic")
        if not self._alembic:
            return FILE_DONE  # not a revision: no call here is one of its steps
        if ctx.function is not None:
            callee = ctx.resolve(node.func)
            if callee is not None:
                self._callees[id(node)] = callee
        return None

    def finish(self, ctx: FileContext) -> None:
        upgrade = self._functions.get("upgrade")
        downgrade = self._functions.get("downgrade")
        if upgrade is None or downgrade is None:
            return
        if not any(r.module == "alembic" or r.module.startswith("alembic.") for r in ctx.imports):
            return
        if not _trivial(downgrade) or _trivial(upgrade):
            return
        end = downgrade.body[0] if downgrade.body[0].lineno == downgrade.lineno else None
        effects = self._effects(upgrade, ctx.tree)
        if effects.data and not effects.schema and not effects.unknown:
            # Data only: rolling back leaves the schema right, and undoing a repair or a
            # backfill would mean putting the old rows back; an empty reverse is usual.
            return
        if _explained(downgrade, ctx):
            return  # the authors wrote down why there is no reverse
        if effects.schema == [_ENUM_ADD_VALUE] and not effects.unknown:
            ctx.report(
                downgrade,
                "`downgrade()` does nothing while `upgrade()` adds an enum value "
                f"({_ENUM_ADD_VALUE}): Postgres cannot drop it, but older code breaks on "
                "rows that hold it; move them back to an old value in `downgrade()`, or say "
                "in a comment why it can stay",
                end=end,
                severity=Severity.INFO,
            )
            return
        if effects.schema:
            what = f"changes the schema ({', '.join(effects.schema[:3])})"
        elif effects.unknown:
            what = f"may change the schema ({', '.join(effects.unknown[:3])})"
        else:
            what = "may change the schema"
        ctx.report(
            downgrade,
            f"`downgrade()` does nothing while `upgrade()` {what}: this revision cannot be "
            "rolled back",
            end=end,
        )

    def _effects(self, upgrade: ast.FunctionDef, tree: ast.Module) -> _Effects:
        """What ``upgrade()`` and the module's functions it calls do to the database."""
        effects = _Effects()
        pending: list[ast.FunctionDef] = [upgrade]
        seen: set[str] = {upgrade.name}
        module_strings = _assigned_values(tree.body, nested=False)
        while pending:
            function = pending.pop(0)
            strings = module_strings | _assigned_values(function.body, nested=True)
            for node in walk(function):
                if not isinstance(node, ast.Call):
                    continue
                callee = self._callees.get(id(node))
                method = _method(node)
                name = _op_function(callee)
                if name is not None:
                    if name == "execute":
                        _execute_effect(node, "op.execute", effects, strings)
                    elif name == "bulk_insert":
                        effects.note("data", "op.bulk_insert")
                    elif name not in _OP_NEUTRAL:
                        effects.note("schema", f"op.{name}")
                elif isinstance(node.func, ast.Name) and node.func.id in self._helpers:
                    if node.func.id not in seen:
                        seen.add(node.func.id)
                        pending.append(self._helpers[node.func.id])
                elif not isinstance(node.func, ast.Attribute):
                    continue
                elif method in ("execute", "exec_driver_sql"):
                    _execute_effect(node, method, effects, strings)
                elif method in _SESSION_WRITES:
                    effects.note("data", "session writes")
                elif method in _SCHEMA_METHODS and _schema_call(node, method):
                    effects.note("schema", f".{method}()")
                elif any(k.arg in _SESSION_KEYWORDS for k in node.keywords):
                    # ``incident_service.create(db_session=session, ...)``: the app's own
                    # service writing rows through a session.
                    effects.note("data", f".{method}(db_session=...)")
        return effects


_SESSION_KEYWORDS = frozenset({"db_session", "session", "db"})


def _op_function(callee: str | None) -> str | None:
    """``add_column`` for ``alembic.op.add_column``; None for anything else, including a
    method called on what an ``op`` function returns (``op.get_context().autocommit_block``,
    ``op.get_bind().execute(...).fetchall``), which the generic cases read."""
    if callee is None or not callee.startswith("alembic.op."):
        return None
    name = callee.removeprefix("alembic.op.")
    return name if name.isidentifier() else None


def _schema_call(node: ast.Call, method: str) -> bool:
    """SQLAlchemy's ``Table.create(bind, checkfirst=...)`` (or an Enum's, an Index's)
    takes a bind and ``checkfirst`` only; ``service.create(db_session=..., obj_in=...)``
    writes a row."""
    if method in ("create_all", "drop_all"):
        return True
    if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
        return False
    return all(k.arg in ("bind", "checkfirst") for k in node.keywords)
