"""MIG rules: alembic.ini template (and its fix), env.py vs the app's engine, empty
downgrades, file names."""

from __future__ import annotations

import textwrap

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_project
from fastaudit.model import Severity

from .conftest import project_findings, write_tree

# ------------------------------------------------------------------ MIG101
GENERATED_INI = """
    # A generic, single database configuration.

    [alembic]
    # path to migration scripts
    script_location = migrations

    # template used to generate migration file names; The default value is %%(rev)s_%%(slug)s
    # file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s

    prepend_sys_path = .

    [loggers]
    keys = root
"""


# Date and time, then the revision id: two migrations of one day never share a name.
DATED = (
    "file_template = %%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
)


def test_missing_file_template_is_added_after_the_header_block(tmp_path):
    write_tree(tmp_path, {"alembic.ini": GENERATED_INI})
    (finding,) = project_findings(tmp_path, "MIG101")
    assert (finding.path, finding.line) == ("alembic.ini", 3)
    assert finding.message == (
        "`[alembic]` sets no `file_template`, so revision files are named "
        "`<revision id>_<slug>.py` and do not sort by date"
    )
    report = fix_project(scan(tmp_path, Config(select=["MIG101"])), write=True)
    assert not report.errors
    text = (tmp_path / "alembic.ini").read_text()
    lines = text.splitlines()
    assert lines[3] == DATED
    assert lines[2] == "[alembic]"
    assert project_findings(tmp_path, "MIG101") == []


def test_undated_template_value_is_replaced(tmp_path):
    write_tree(
        tmp_path,
        {
            "db/alembic.ini": """
                [alembic]
                script_location = migrations
                file_template = %%(rev)s_%%(slug)s  ; the default
            """
        },
    )
    (finding,) = project_findings(tmp_path, "MIG101")
    assert (finding.path, finding.line) == ("db/alembic.ini", 3)
    assert finding.message == (
        "`file_template = %%(rev)s_%%(slug)s  ; the default` lacks %%(year), %%(month), "
        "%%(day): revision files should start with the date"
    )
    fix_project(scan(tmp_path, Config(select=["MIG101"])), write=True)
    assert (tmp_path / "db/alembic.ini").read_text().splitlines()[2] == DATED


def test_dated_template_with_time_is_fine(tmp_path):
    write_tree(
        tmp_path,
        {
            "alembic.ini": """
                [alembic]
                file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(slug)s
            """
        },
    )
    assert project_findings(tmp_path, "MIG101") == []


@pytest.mark.parametrize(
    "template",
    [
        "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s",  # dated, without time or id
        "%%(year)d%%(month).2d%%(day).2d_%%(rev)s",  # dated, without a slug
        "%%(epoch)s_%%(slug)s",  # seconds since 1970
    ],
)
def test_a_dated_template_of_the_authors_own_is_left_alone(tmp_path, template):
    write_tree(tmp_path, {"alembic.ini": f"[alembic]\nfile_template = {template}\n"})
    assert project_findings(tmp_path, "MIG101") == []


def test_the_fixed_template_names_two_migrations_of_one_day_apart():
    """What alembic does with the template (``%`` interpolation of the ini value, then
    ``%`` formatting with the revision's tokens) for two revisions minutes apart with
    the same message."""
    from configparser import ConfigParser

    from fastaudit.rules.migrations.undated_migration_file_template import DATED_TEMPLATE

    parser = ConfigParser()
    parser.read_string(f"[alembic]\nfile_template = {DATED_TEMPLATE}\n")
    template = parser.get("alembic", "file_template")
    day = {"year": 2025, "month": 3, "day": 2, "slug": "add_index", "epoch": 0, "second": 0}
    first = template % {**day, "hour": 14, "minute": 30, "rev": "3f2a9c1b7d4e"}
    second = template % {**day, "hour": 14, "minute": 30, "rev": "9a8b7c6d5e4f"}
    assert first == "2025-03-02_1430_3f2a9c1b7d4e_add_index"
    assert first != second


# ------------------------------------------------------------------ MIG102
SYNC_ENV = """
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    config = context.config
"""
ASYNC_APP = """
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine("postgresql+asyncpg://db/shop")
"""


def test_sync_env_in_async_app(tmp_path):
    write_tree(tmp_path, {"migrations/env.py": SYNC_ENV, "src/database.py": ASYNC_APP})
    (finding,) = project_findings(tmp_path, "MIG102")
    assert (finding.path, finding.line) == ("migrations/env.py", 2)
    assert finding.message == (
        "migrations/env.py builds a sync engine (`engine_from_config`) while the app uses an "
        "async engine (src/database.py:1); use Alembic's async template "
        "(`async_engine_from_config` + `connection.run_sync`)"
    )


def test_sync_env_in_sync_app_is_fine(tmp_path):
    write_tree(
        tmp_path,
        {
            "migrations/env.py": SYNC_ENV,
            "src/database.py": "from sqlalchemy import create_engine\n",
        },
    )
    assert project_findings(tmp_path, "MIG102") == []


def test_env_reusing_the_app_engine_with_asyncio_is_fine(tmp_path):
    env = """
        import asyncio

        from alembic import context

        from src.database import engine
    """
    write_tree(tmp_path, {"migrations/env.py": env, "src/database.py": ASYNC_APP})
    assert project_findings(tmp_path, "MIG102") == []


# ------------------------------------------------------------------ MIG103
def test_empty_downgrade_exact_position():
    source = textwrap.dedent(
        """\
        from alembic import op


        def upgrade():
            op.drop_column("order", "legacy_code")


        def downgrade():
            # ### commands auto generated by Alembic - please adjust! ###
            pass
            # ### end Alembic commands ###
        """
    )
    (finding,) = check_source(source, "migrations/versions/x.py", ["MIG103"])
    assert (finding.rule, finding.line, finding.span.end_line) == ("MIG103", 8, 10)
    assert finding.message == (
        "`downgrade()` does nothing while `upgrade()` changes the schema (op.drop_column): "
        "this revision cannot be rolled back"
    )
    assert finding.severity is Severity.WARNING
    assert finding.fix is None


def mig103(body: str):
    source = textwrap.dedent(body)
    return check_source(source, "migrations/versions/0007_backfill.py", ["MIG103"])


def test_data_only_migration_is_left_alone():
    """A repair or backfill with no schema operation: the schema rolls back fine, and the
    reverse of a data repair is usually nothing."""
    assert (
        mig103(
            """\
        import sqlalchemy as sa
        from alembic import op

        status = sa.table("order", sa.column("status", sa.String))


        def upgrade():
            op.execute("UPDATE \\"order\\" SET status = 'pending' WHERE status IS NULL")
            op.bulk_insert(status, [{"status": "archived"}])
            op.execute(sa.text("delete from audit_log where created_at < now()"))


        def downgrade():
            pass
        """
        )
        == []
    )


def test_an_explained_empty_downgrade_is_a_decision():
    body = """\
        from alembic import op


        def upgrade():
            op.drop_column("order", "legacy_code")


        def downgrade():
            # ### commands auto generated by Alembic - please adjust! ###
            pass
            # ### end Alembic commands ###
        """
    assert [f.line for f in mig103(body)] == [8]
    explained = body.replace(
        "            pass\n",
        "            # legacy_code held nothing: no way back, none needed\n            pass\n",
    )
    assert mig103(explained) == []


def test_a_service_create_writes_a_row_but_a_table_create_is_schema():
    service = mig103(
        """\
        from sqlalchemy.orm import Session
        from alembic import op

        from app.tags import service as tag_service


        def upgrade():
            session = Session(bind=op.get_bind())
            tag_service.create(db_session=session, name="urgent")


        def downgrade():
            pass
        """
    )
    assert service == []  # rows written through the app's service: data only
    table = mig103(
        """\
        import sqlalchemy as sa
        from alembic import op

        kind = sa.Enum("a", "b", name="kind")


        def upgrade():
            kind.create(op.get_bind(), checkfirst=True)


        def downgrade():
            pass
        """
    )
    assert [f.severity for f in table] == [Severity.WARNING]
    assert "(.create())" in table[0].message


def test_session_backfill_is_data_only():
    findings = mig103(
        """\
        from alembic import op
        from sqlalchemy.orm import Session

        from app.models import Customer


        def _backfill(session):
            for customer in session.query(Customer).filter_by(country=None):
                customer.country = "NL"
            session.add_all([])


        def upgrade():
            session = Session(bind=op.get_bind())
            _backfill(session)
            session.commit()


        def downgrade():
            pass
        """
    )
    assert findings == []


def test_a_batched_backfill_in_an_autocommit_block_is_data_only():
    """``autocommit_block()`` is a transaction mode and ``fetchall()`` reads rows from
    what ``op.get_bind()`` returns; a SQLite ``PRAGMA`` sets the connection. None of them
    changes the schema, so a batched backfill around them, its SQL kept in a local, is
    data only."""
    findings = mig103(
        """\
        import sqlalchemy as sa
        from alembic import op


        def upgrade():
            op.execute("PRAGMA foreign_keys=OFF")
            weigh_in_batches = '''
                WITH unweighed AS (SELECT id FROM parcel WHERE weight_kg IS NULL LIMIT 100)
                UPDATE parcel SET weight_kg = 0 FROM unweighed WHERE parcel.id = unweighed.id
            '''
            with op.get_context().autocommit_block():
                conn = op.get_bind()
                while True:
                    rows = conn.execute(sa.text("SELECT id FROM parcel LIMIT 100")).fetchall()
                    if not rows:
                        break
                    conn.execute(sa.text(weigh_in_batches))
            op.execute("PRAGMA foreign_keys=ON")


        def downgrade():
            pass
        """
    )
    assert findings == []


def test_a_schema_change_inside_an_autocommit_block_is_still_one():
    (finding,) = mig103(
        """\
        import sqlalchemy as sa
        from alembic import op


        def upgrade():
            add_state = "ALTER TYPE parcel_state ADD VALUE 'lost'"
            with op.get_context().autocommit_block():
                op.get_bind().execute(sa.text(add_state))


        def downgrade():
            pass
        """
    )
    # Inside the block it is still read; a new enum value gets its own advice.
    assert "adds an enum value (ALTER TYPE ... ADD VALUE)" in finding.message


@pytest.mark.parametrize(
    ("upgrade", "what"),
    [
        ('op.execute("ALTER TABLE invoice ADD COLUMN note text")', "(ALTER TABLE)"),
        (
            'op.add_column("invoice", sa.Column("note", sa.Text()))\n'
            "    op.execute(\"UPDATE invoice SET note = ''\")",
            "(op.add_column)",
        ),
        ('op.get_bind().execute(sa.text("CREATE INDEX ix ON invoice (note)"))', "(CREATE INDEX)"),
        ("op.execute(statement)", "may change the schema (op.execute(statement))"),
    ],
)
def test_schema_changes_stay_warnings(upgrade, what):
    source = (
        "import sqlalchemy as sa\nfrom alembic import op\n\nstatement = build()\n\n"
        f"def upgrade():\n    {upgrade}\n\ndef downgrade():\n    pass\n"
    )
    (finding,) = check_source(source, "migrations/versions/0008_note.py", ["MIG103"])
    assert finding.severity is Severity.WARNING
    assert what in finding.message
    assert finding.message.endswith("this revision cannot be rolled back")


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        (
            "CREATE OR REPLACE FUNCTION order_search() RETURNS trigger AS $$ ... $$",
            "CREATE OR REPLACE FUNCTION",
        ),
        ("create unique index concurrently ix_note on invoice (note)", "CREATE UNIQUE INDEX"),
        ("DROP INDEX IF EXISTS ix_note", "DROP INDEX"),
        ("CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION"),
        ("CREATE MATERIALIZED VIEW invoice_total AS SELECT 1", "CREATE MATERIALIZED VIEW"),
        ("COMMENT ON COLUMN invoice.note IS 'free text'", "COMMENT ON COLUMN"),
        ("CREATE TEMP TABLE scratch (id int)", "CREATE TEMP TABLE"),
        ("-- set up\nALTER TYPE invoice_status RENAME TO bill_status", "ALTER TYPE"),
        ("GRANT SELECT ON invoice TO reporting", "GRANT"),
    ],
)
def test_raw_sql_is_named_by_its_whole_statement_kind(sql, kind):
    source = (
        "from alembic import op\n\n"
        f"def upgrade():\n    op.execute({sql!r})\n\ndef downgrade():\n    pass\n"
    )
    (finding,) = check_source(source, "migrations/versions/0009_raw.py", ["MIG103"])
    assert f"changes the schema ({kind})" in finding.message


def test_a_batched_backfill_in_autocommit_mode_is_data_only():
    """Transaction control, connection settings, reads and SQL held in variables bound
    only to literals are not schema changes."""
    findings = mig103(
        """\
        import sqlalchemy as sa
        from alembic import op

        PAGE = "SELECT id FROM ticket WHERE priority IS NULL LIMIT 200"


        def upgrade():
            op.execute("PRAGMA foreign_keys=OFF")
            fill = \"\"\"
                -- one page at a time
                UPDATE ticket SET priority = 'normal' WHERE id = :id
            \"\"\"
            with op.get_context().autocommit_block():
                bind = op.get_bind()
                bind.exec_driver_sql("SET statement_timeout = 0")
                while True:
                    rows = bind.execute(sa.text(PAGE)).fetchall()
                    if not rows:
                        break
                    for (ticket_id,) in rows:
                        bind.execute(sa.text(fill), {"id": ticket_id})
            op.execute("PRAGMA foreign_keys=ON")


        def downgrade():
            pass
        """
    )
    assert findings == []


def test_sql_in_a_variable_is_read_only_when_every_value_is_a_literal():
    body = """\
        import sqlalchemy as sa
        from alembic import op


        def upgrade():
            statement = "UPDATE ticket SET archived = false"
            if op.get_context().dialect.name == "postgresql":
                statement = {other}
            op.get_bind().execute(sa.text(statement))


        def downgrade():
            pass
        """
    assert mig103(body.format(other='"UPDATE ticket SET archived = FALSE"')) == []
    (ddl,) = mig103(body.format(other='"ALTER TABLE ticket DROP COLUMN archived"'))
    assert "changes the schema (ALTER TABLE)" in ddl.message
    (built,) = mig103(body.format(other="compile_statement()"))
    assert "may change the schema" in built.message


def test_calls_on_what_op_returns_are_not_op_operations():
    (finding,) = mig103(
        """\
        from alembic import op


        def upgrade():
            with op.get_context().autocommit_block():
                op.create_index("ticket_due_idx", "ticket", ["due_at"])


        def downgrade():
            pass
        """
    )
    assert "changes the schema (op.create_index):" in finding.message


def test_a_new_enum_value_gets_its_own_advice_at_info_level():
    body = """\
        from alembic import op


        def upgrade():
            op.execute("ALTER TYPE ticket_state ADD VALUE IF NOT EXISTS 'ON_HOLD'")


        def downgrade():
            pass
        """
    (finding,) = mig103(body)
    assert finding.severity is Severity.INFO
    assert finding.message.startswith(
        "`downgrade()` does nothing while `upgrade()` adds an enum value "
        "(ALTER TYPE ... ADD VALUE): Postgres cannot drop it"
    )
    assert "move them back to an old value" in finding.message
    kept = body.replace("    pass\n", "    # ON_HOLD rows are moved out by hand first\n    pass\n")
    assert mig103(kept) == []
    # Beside another schema change, the revision is reported as usual.
    dropped = '    op.drop_column("ticket", "hold_reason")\n'
    (both,) = mig103(body.replace("'ON_HOLD'\")\n", f"'ON_HOLD'\")\n        {dropped}"))
    assert both.severity is Severity.WARNING


# ------------------------------------------------------------------ MIG104
REVISION = """
    from alembic import op

    revision = "x"


    def upgrade():
        op.drop_table("legacy")
"""


def test_undescriptive_names(tmp_path):
    write_tree(
        tmp_path,
        {
            "migrations/versions/3f2a9c1b7d4e_.py": REVISION,
            "migrations/versions/0042_update.py": REVISION,
            "migrations/versions/migration.py": REVISION,
            "migrations/versions/ae1027a6acf_add_order_index.py": REVISION,
            "migrations/versions/2025-03-02_drop_legacy_table.py": REVISION,
            "migrations/versions/__init__.py": "",
            # Not a revision (no alembic import), and not under versions/.
            "migrations/versions/helpers.py": "X = 1\n",
            "app/migration.py": REVISION,
        },
    )
    # One naming convention, one decision: a single finding that lists every file.
    (result,) = project_findings(tmp_path, "MIG104")
    assert (result.path, result.line) == ("migrations/versions/0042_update.py", 1)
    assert result.message == (
        "migration file name `0042_update.py` does not describe the change; name it after "
        "what it does, e.g. `<date>_add_order_shipped_at.py` (and 2 more like it: "
        "migrations/versions/3f2a9c1b7d4e_.py:1, migrations/versions/migration.py:1)"
    )
    assert "migrations/versions/migration.py:1: migration file name `migration.py`" in (
        result.detail
    )


ROOT_REVISION = """
    from alembic import op

    revision = "x"
    down_revision = None


    def upgrade():
        op.create_table("account")
"""
CHILD_REVISION = ROOT_REVISION.replace("down_revision = None", 'down_revision = "w"')


def test_a_root_revision_named_as_the_start_of_history_is_descriptive(tmp_path):
    """The first revision creates the schema from nothing: `first_revision`,
    `initial`, `init` or `baseline` says just that. The same words on a revision that
    follows another say nothing, and a root with no words at all is still unnamed."""
    write_tree(
        tmp_path,
        {
            "migrations/versions/d4867f3a4c0a_first_revision.py": ROOT_REVISION,
            "other/versions/0001_init.py": ROOT_REVISION,
            "third/versions/baseline.py": ROOT_REVISION.replace(
                "down_revision = None", "down_revision: str | None = None"
            ),
            "fourth/versions/3f2a9c1b7d4e_.py": ROOT_REVISION,
            "migrations/versions/a1b2c3d4e5f6_first_revision.py": CHILD_REVISION,
        },
    )
    # One finding for the naming convention, listing the other files like it.
    (result,) = project_findings(tmp_path, "MIG104")
    assert result.path == "fourth/versions/3f2a9c1b7d4e_.py"
    assert result.message.endswith(
        "(and 1 more like it: migrations/versions/a1b2c3d4e5f6_first_revision.py:1)"
    )
