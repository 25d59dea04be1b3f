"""MIG: Alembic migrations: dated, descriptive revision files; an async env.py for an
async app; downgrades that actually go back."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.model import Edit, Finding, Fix, Safety, Severity
from fastaudit.rules._support.config_files import read_ini
from fastaudit.rules._support.project_walk import (
    file_facts,
    is_migration_path,
    is_test_path,
    text_contains,
)
from fastaudit.rules.base import ProjectRule, Rule

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView

# The time and the revision id keep two migrations written on one day (with the same
# message, even) from being given the same file name.
DATED_TEMPLATE = "%%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
_DATE_PARTS = ("year", "month", "day")


# ------------------------------------------------------------------ MIG101
def _is_dated(template: str) -> bool:
    """Whether revision files from ``template`` start from a date: the author's own
    dated template (with or without a slug, in any order) is left alone."""
    return "(epoch)" in template or all(f"({part})" in template for part in _DATE_PARTS)


class UndatedMigrationFileTemplate(ProjectRule):
    id = "MIG101"
    name = "undated-migration-file-template"
    title = "alembic.ini has no dated, slugged `file_template`"
    severity = Severity.INFO
    fix_safety = "Safe: only the names of revision files created from now on change."
    rationale = """
    Alembic's default revision file name is `<random id>_<slug>.py`: listing the
    `versions/` folder shows the migrations in no useful order. A `file_template` that
    starts with the date and time, keeps the revision id and ends with the message's slug
    (`2025-03-02_1430_3f2a9c1b7d4e_add_order_status.py`) sorts chronologically, says what
    each file does, and cannot give two migrations of one day the same name. A template
    you already date is left as it is. The `%%` doubling is needed because alembic.ini
    is read with interpolation.
    """
    dont = """
    [alembic]
    script_location = migrations
    """
    do = """
    [alembic]
    script_location = migrations
    file_template = %%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s
    """
    dont_fixed = do
    dont_files = {"alembic.ini": dont}
    do_files = {"alembic.ini": do}
    dont_fixed_files = {"alembic.ini": do}

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        findings = []
        for path in project.other_files:
            if path.rsplit("/", 1)[-1] != "alembic.ini":
                continue
            source = project.read_text(path)
            if source is None:
                continue
            ini = read_ini(source.text)
            header = ini.sections.get("alembic")
            if header is None:
                continue
            entry = ini.get("alembic", "file_template")
            newline = source.newline
            if entry is None:
                line = header
                for key in ("script_location", "prepend_sys_path"):
                    found = ini.get("alembic", key)
                    if found is not None and found.line == line + 1:
                        line = found.line
                at = source.line_start(line + 1) if line < len(source.lines) else len(source.text)
                prefix = "" if source.text.endswith("\n") or not source.text else newline
                edit = Edit(at, at, f"{prefix}file_template = {DATED_TEMPLATE}{newline}")
                findings.append(
                    project.finding(
                        self,
                        path,
                        header,
                        "`[alembic]` sets no `file_template`, so revision files are named "
                        "`<revision id>_<slug>.py` and do not sort by date",
                        fix=Fix(
                            f"Add `file_template = {DATED_TEMPLATE}`",
                            Safety.SAFE,
                            (edit,),
                        ),
                    )
                )
            elif not _is_dated(entry.value):
                raw = source.line_text(entry.line)
                start = source.line_start(entry.line) + raw.index(entry.value)
                edit = Edit(start, start + len(entry.value), DATED_TEMPLATE)
                missing = [part for part in _DATE_PARTS if f"({part})" not in entry.value]
                findings.append(
                    project.finding(
                        self,
                        path,
                        entry.line,
                        f"`file_template = {entry.value}` lacks "
                        f"{', '.join(f'%%({p})' for p in missing)}: revision files should "
                        "start with the date",
                        fix=Fix(f"Use `file_template = {DATED_TEMPLATE}`", Safety.SAFE, (edit,)),
                    )
                )
        return findings


# ------------------------------------------------------------------ MIG102
_ASYNC_ENGINE_NAMES = frozenset({"create_async_engine", "async_engine_from_config"})
_SYNC_ENGINE_NAMES = ("engine_from_config", "create_engine")


def _env_files(project: ProjectView) -> list[str]:
    env = []
    for path in project.python_files:
        if path.rsplit("/", 1)[-1] != "env.py":
            continue
        outcome = project.outcomes.get(path)
        if outcome is not None and any(
            r.module == "alembic" and "context" in r.names for r in outcome.imports
        ):
            env.append(path)
    return env


class SyncMigrationEnvInAsyncApp(ProjectRule):
    id = "MIG102"
    name = "sync-migration-env-in-async-app"
    title = "Alembic env.py is sync while the app's engine is async"
    severity = Severity.WARNING
    rationale = """
    An app built on `create_async_engine` connects through an async driver (asyncpg,
    aiosqlite). A sync `env.py` needs a second, sync driver and URL just for migrations,
    and the two drift apart. Alembic's async template (`alembic init -t async
    migrations`) runs migrations through `async_engine_from_config` and
    `connection.run_sync(...)`, on the same URL and driver as the app.
    """
    dont = """
    # migrations/env.py
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    # app/database.py
    from sqlalchemy.ext.asyncio import create_async_engine
    """
    do = """
    # migrations/env.py
    import asyncio

    from alembic import context
    from sqlalchemy import pool
    from sqlalchemy.ext.asyncio import async_engine_from_config
    """
    _APP = """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine("postgresql+asyncpg://shop@db/shop")
        SessionLocal = async_sessionmaker(engine)
        """
    dont_files = {
        "app/database.py": _APP,
        "migrations/env.py": """
            from alembic import context
            from sqlalchemy import engine_from_config, pool

            config = context.config


            def run_migrations_online():
                connectable = engine_from_config(
                    config.get_section(config.config_ini_section), poolclass=pool.NullPool
                )
                with connectable.connect() as connection:
                    context.configure(connection=connection)
                    with context.begin_transaction():
                        context.run_migrations()


            run_migrations_online()
            """,
    }
    do_files = {
        "app/database.py": _APP,
        "migrations/env.py": """
            import asyncio

            from alembic import context
            from sqlalchemy import pool
            from sqlalchemy.ext.asyncio import async_engine_from_config

            config = context.config


            def do_run_migrations(connection):
                context.configure(connection=connection)
                with context.begin_transaction():
                    context.run_migrations()


            async def run_async_migrations():
                connectable = async_engine_from_config(
                    config.get_section(config.config_ini_section), poolclass=pool.NullPool
                )
                async with connectable.connect() as connection:
                    await connection.run_sync(do_run_migrations)
                await connectable.dispose()


            asyncio.run(run_async_migrations())
            """,
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        envs = _env_files(project)
        if not envs:
            return []
        app_engine = None
        for path in project.python_files:
            if is_migration_path(path) or is_test_path(path):
                continue
            outcome = project.outcomes.get(path)
            if outcome is None:
                continue
            for record in outcome.imports:
                if record.module == "sqlalchemy.ext.asyncio" and (
                    _ASYNC_ENGINE_NAMES & set(record.names)
                ):
                    app_engine = (path, record.line)
                    break
            if app_engine:
                break
        if app_engine is None:
            return []
        findings = []
        for env in envs:
            imports = project.outcomes[env].imports
            if any(
                r.module == "asyncio" or r.module.startswith("sqlalchemy.ext.asyncio")
                for r in imports
            ):
                continue
            anchor = next(
                (
                    (r.line, name)
                    for r in imports
                    for name in _SYNC_ENGINE_NAMES
                    if r.module.startswith("sqlalchemy") and name in r.names
                ),
                None,
            )
            if anchor is None:
                anchor = next(
                    (r.line, "") for r in imports if r.module == "alembic" and "context" in r.names
                )
            line, name = anchor
            what = f"builds a sync engine (`{name}`)" if name else "runs migrations synchronously"
            project.read_text(env)
            findings.append(
                project.finding(
                    self,
                    env,
                    line,
                    f"{env} {what} while the app uses an async engine "
                    f"({app_engine[0]}:{app_engine[1]}); use Alembic's async template "
                    "(`async_engine_from_config` + `connection.run_sync`)",
                )
            )
        return findings


# ------------------------------------------------------------------ MIG103
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


def _sql_text(node: ast.expr) -> str | None:
    """The SQL of ``"UPDATE ..."`` or ``sa.text("UPDATE ...")`` (an f-string's start)."""
    if isinstance(node, ast.Call) and node.args and _method(node) == "text":
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


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
    return " ".join(kind)


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


def _execute_effect(call: ast.Call, label: str, effects: _Effects) -> None:
    if not call.args:
        return
    argument = call.args[0]
    sql = _sql_text(argument)
    if sql is not None:
        words = _sql_words(sql)
        if words and words[0] in _SQL_DATA:
            effects.note("data", words[0])
        elif words:
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
    as a possible schema change.
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

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if self._alembic is None:
            self._alembic = text_contains(ctx, "alembic")
        if self._alembic and ctx.function is not None:
            callee = ctx.resolve(node.func)
            if callee is not None:
                self._callees[id(node)] = callee

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
        effects = self._effects(upgrade)
        if effects.data and not effects.schema and not effects.unknown:
            # Data only: rolling back leaves the schema right, and undoing a repair or a
            # backfill would mean putting the old rows back; an empty reverse is usual.
            return
        if _explained(downgrade, ctx):
            return  # the authors wrote down why there is no reverse
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

    def _effects(self, upgrade: ast.FunctionDef) -> _Effects:
        """What ``upgrade()`` and the module's functions it calls do to the database."""
        effects = _Effects()
        pending: list[ast.FunctionDef] = [upgrade]
        seen: set[str] = {upgrade.name}
        while pending:
            function = pending.pop(0)
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                callee = self._callees.get(id(node))
                method = _method(node)
                if callee is not None and callee.startswith("alembic.op."):
                    name = callee.rsplit(".", 1)[-1]
                    if name == "execute":
                        _execute_effect(node, "op.execute", effects)
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
                    _execute_effect(node, method, effects)
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


def _schema_call(node: ast.Call, method: str) -> bool:
    """SQLAlchemy's ``Table.create(bind, checkfirst=...)`` (or an Enum's, an Index's)
    takes a bind and ``checkfirst`` only; ``service.create(db_session=..., obj_in=...)``
    writes a row."""
    if method in ("create_all", "drop_all"):
        return True
    if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
        return False
    return all(k.arg in ("bind", "checkfirst") for k in node.keywords)


# ------------------------------------------------------------------ MIG104
_GENERIC_TEXT = """
    migration migrations migrate update updates updated change changes changed auto
    autogenerate autogenerated new fix fixes misc tmp temp test wip rev revision db database
    schema models model tables table stuff edit edits first second third latest version
"""
_GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
# Revision ids and counters: hex with a digit in it (``3f2a9c1b7d4e``), numbers, ``v12``.
_REVISION_TOKEN = re.compile(r"^(?:(?=[0-9a-f]*\d)[0-9a-f]{4,}|\d+|v\d+)$", re.IGNORECASE)


# Words that say a revision is where the history starts. On a root revision
# (``down_revision = None``) they say what it does, create the schema from nothing;
# on any other they say nothing (``first`` is then as empty as ``update``).
_ORIGIN_WORDS = frozenset(
    {"first", "initial", "init", "baseline", "base", "start", "bootstrap", "genesis", "root"}
)
# A revision file whose ``down_revision`` is None: the root of a migration history.
ROOT_REVISION_FACT = "root-revision"


def _tokens(stem: str) -> list[str]:
    return re.split(r"[_\-\s.]+", stem)


def _descriptive_words(stem: str) -> list[str]:
    words = []
    for token in _tokens(stem):
        if not token or _REVISION_TOKEN.match(token) or token.lower() in _GENERIC_WORDS:
            continue
        if any(ch.isdigit() for ch in token) and not any(ch.isalpha() for ch in token):
            continue
        words.append(token)
    return words


class UndescriptiveMigrationName(ProjectRule):
    id = "MIG104"
    name = "undescriptive-migration-name"
    title = "Migration file name does not say what it does"
    severity = Severity.INFO
    rationale = """
    A revision called `3f2a9c1b7d4e_.py`, `0042_update.py` or `migration.py` tells a
    reviewer nothing; the history of the schema should read like a changelog
    (`2025-03-02_add_order_shipped_at.py`). Pass a message to
    `alembic revision -m "add order shipped_at"` and set a dated `file_template`
    (MIG101). Renaming an existing revision file is safe for Alembic (it reads the
    `revision` variable, not the name), so this can be fixed by hand. A root revision
    (`down_revision = None`) named as the start of the history (`first_revision`,
    `initial`, `init`, `baseline`) says what it does, and is left alone.
    """
    dont = """
    migrations/versions/3f2a9c1b7d4e_.py
    migrations/versions/0042_update.py
    """
    do = """
    migrations/versions/2025-03-02_add_order_shipped_at.py
    """
    _REVISION = """
        from alembic import op

        revision = "3f2a9c1b7d4e"
        down_revision = None


        def upgrade():
            op.drop_table("legacy")


        def downgrade():
            raise NotImplementedError
        """
    dont_files = {"migrations/versions/3f2a9c1b7d4e_.py": _REVISION}
    do_files = {"migrations/versions/2025-03-02_drop_legacy_table.py": _REVISION}

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if len(node.targets) == 1:
            self._note_root(node.targets[0], node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        self._note_root(node.target, node.value, ctx)

    @staticmethod
    def _note_root(target: ast.expr, value: ast.expr | None, ctx: FileContext) -> None:
        if (
            isinstance(target, ast.Name)
            and target.id == "down_revision"
            and isinstance(value, ast.Constant)
            and value.value is None
            and ctx.function is None
            and ctx.class_name is None
            and "versions" in ctx.path.split("/")[:-1]
        ):
            ctx.add_fact(ROOT_REVISION_FACT, True)

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        findings = []
        for path in project.python_files:
            parts = path.split("/")
            if "versions" not in parts[:-1] or parts[-1] == "__init__.py":
                continue
            outcome = project.outcomes.get(path)
            if outcome is None or not any(
                r.module == "alembic" or r.module.startswith("alembic.") for r in outcome.imports
            ):
                continue
            stem = parts[-1].removesuffix(".py")
            if _descriptive_words(stem):
                continue
            if file_facts(project, path, ROOT_REVISION_FACT) and _ORIGIN_WORDS & {
                token.lower() for token in _tokens(stem)
            }:
                continue  # the root, named as such: it creates the schema from nothing
            project.read_text(path)
            findings.append(
                project.finding(
                    self,
                    path,
                    1,
                    f"migration file name `{parts[-1]}` does not describe the change; name "
                    "it after what it does, e.g. `<date>_add_order_shipped_at.py`",
                )
            )
        return findings
