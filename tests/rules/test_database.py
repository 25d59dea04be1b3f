"""DBS rules: exact findings, look-alikes, and the naming-convention fix."""

from __future__ import annotations

import re
import textwrap

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_source
from fastaudit.model import Safety
from fastaudit.rules._support.inflect import is_plural, plural_table_name, singular

from .conftest import project_findings


def found(source: str, rule: str, path: str = "app/models.py"):
    return [f for f in check_source(textwrap.dedent(source), path, [rule]) if f.rule == rule]


def project(tmp_path, files: dict[str, str], rule: str):
    # Dedented only, not through `code`: a leading newline is line 1 in these tests' lines.
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return project_findings(tmp_path, rule)


def sites(findings) -> list[tuple[str, int]]:
    """Every place of DBS101's one finding (one decision: the sync database stack),
    the first where it is reported and the others as its detail lists them."""
    places = []
    for finding in findings:
        places.append((finding.path, finding.line))
        for path, line in re.findall(r"^  (\S+?):(\d+): ", finding.detail, re.M):
            places.append((path, int(line)))
    return places


ASYNC_ROUTER = """
    from fastapi import APIRouter, Request

    router = APIRouter()


    @router.get("/orders")
    async def list_orders(request: Request):
        return await request.json()
"""
SYNC_ROUTER = ASYNC_ROUTER.replace("async def", "def").replace("await ", "")


# ------------------------------------------------------------------ DBS101
def test_sync_engine_and_sessionmaker_in_async_app(tmp_path):
    findings = project(
        tmp_path,
        {
            "app/database.py": """
                from sqlalchemy import create_engine
                from sqlalchemy.orm import Session, sessionmaker

                engine = create_engine("postgresql://db/shop")
                SessionLocal = sessionmaker(bind=engine)


                def one_off():
                    return Session(engine)
            """,
            "app/orders/router.py": ASYNC_ROUTER,
        },
        "DBS101",
    )
    assert [(f.path, f.line, f.span.column) for f in findings] == [("app/database.py", 5, 10)]
    assert sites(findings) == [
        ("app/database.py", 5),
        ("app/database.py", 6),
        ("app/database.py", 10),
    ]
    assert findings[0].message.endswith(
        " (and 2 more like it: app/database.py:6, app/database.py:10)"
    )
    assert len(findings[0].message) <= 300
    first, others = findings[0].detail.split("\n\nThe same holds at:\n")
    assert first == (
        "`create_engine(...)` builds a sync engine but routes are async "
        "(`async def list_orders` in app/orders/router.py:8); use `create_async_engine(...)` "
        "from `sqlalchemy.ext.asyncio` with an async driver URL (`postgresql+asyncpg://`, "
        "`sqlite+aiosqlite://`)"
    )
    second, third = others.splitlines()
    assert "`async_sessionmaker(engine, expire_on_commit=False)`" in second
    assert "sync session factory" in second
    assert "`AsyncSession` from `sqlalchemy.ext.asyncio`" in third


def test_sync_engine_lookalikes(tmp_path):
    files = {
        "app/database.py": """
            from sqlalchemy.ext.asyncio import AsyncSession as Session
            from sqlalchemy.ext.asyncio import create_async_engine
            from sqlalchemy.orm import sessionmaker

            engine = create_async_engine("postgresql+asyncpg://db/shop")
            SessionLocal = sessionmaker(engine, class_=Session)
            session = Session(engine)
        """,
        "app/orders/router.py": ASYNC_ROUTER,
        # Tests and migrations build their own sync engines: not the app's.
        "tests/conftest.py": """
            from sqlalchemy import create_engine
            engine = create_engine("sqlite://")
        """,
        "migrations/env.py": """
            from sqlalchemy import create_engine
            engine = create_engine("sqlite://")
        """,
    }
    assert project(tmp_path, files, "DBS101") == []


def test_sync_engine_is_fine_when_every_route_is_sync(tmp_path):
    files = {
        "app/database.py": """
            from sqlalchemy import create_engine
            engine = create_engine("postgresql://db/shop")
        """,
        "app/orders/router.py": SYNC_ROUTER,
    }
    assert project(tmp_path, files, "DBS101") == []


# ------------------------------------------------------------------ DBS102
CONVENTION = """\
NAMING_CONVENTION = {
    "ix": "%(column_0_label)s_idx",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
"""


def test_metadata_finding_and_unsafe_fix():
    source = (
        'import sqlalchemy as sa\n\nmetadata = sa.MetaData(schema="billing")\n'
        "target_metadata = metadata\n"
    )
    (finding,) = found(source, "DBS102")
    assert (finding.line, finding.span.column) == (3, 12)
    assert finding.message == (
        "`sa.MetaData(...)` has no `naming_convention`: constraints get database-chosen names"
    )
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert fix_source(source, ["DBS102"]) == (
        "import sqlalchemy as sa\n\n"
        + CONVENTION
        + '\nmetadata = sa.MetaData(schema="billing", naming_convention=NAMING_CONVENTION)\n'
        + "target_metadata = metadata\n"
    )


def test_no_finding_inside_a_migration_revision():
    """A revision's throwaway ``MetaData`` never creates the app's tables, and history
    is not rewritten: the convention belongs on the models' metadata (issue 12)."""
    source = (
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        "def upgrade() -> None:\n"
        "    meta = sa.MetaData()\n"
        '    sa.Table("order", meta, sa.Column("id", sa.Integer, primary_key=True))\n'
        "    meta.create_all(op.get_bind())\n"
    )
    assert found(source, "DBS102", "migrations/versions/3f2a9c1b7d4e_add_order.py") == []
    assert fix_source(source, ["DBS102"], path="migrations/versions/3f2a9c1b7d4e_add_order.py") == (
        source
    )
    # The same code elsewhere (the models, env.py) is still fixed.
    assert found(source, "DBS102", "migrations/env.py")[0].fix is not None


def test_no_finding_on_a_test_modules_own_base():
    """Tables a test declares for itself never reach a migration."""
    source = (
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import declarative_base\n\n"
        "Scratch = declarative_base()\n\n"
        "class Widget(Scratch):\n"
        '    __tablename__ = "widget"\n'
        "    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    for path in ("tests/db/test_sessions.py", "tests/conftest.py", "app/test_models.py"):
        assert found(source, "DBS102", path) == [], path
    assert len(found(source, "DBS102", "app/models.py")) == 1


def test_declarative_base_fix_adds_metadata_and_import():
    source = textwrap.dedent(
        '''\
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            """All models derive from this."""
        '''
    )
    (finding,) = found(source, "DBS102")
    assert finding.line == 4
    assert finding.message == (
        "`class Base(DeclarativeBase)` sets no `metadata`, so its tables use a `MetaData()` "
        "without a naming convention"
    )
    assert fix_source(source, ["DBS102"]) == (
        "from sqlalchemy import MetaData\n"
        "from sqlalchemy.orm import DeclarativeBase\n\n\n"
        + CONVENTION
        + "\n\n"
        + "class Base(DeclarativeBase):\n"
        + '    """All models derive from this."""\n'
        + "    metadata = MetaData(naming_convention=NAMING_CONVENTION)\n"
    )


def test_declarative_base_with_only_pass_is_replaced():
    source = (
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
    )
    fixed = fix_source(source, ["DBS102"])
    assert fixed.endswith(
        "class Base(DeclarativeBase):\n"
        "    metadata = MetaData(naming_convention=NAMING_CONVENTION)\n"
    )
    assert "pass" not in fixed


def test_two_metadata_calls_share_one_constant():
    source = (
        'from sqlalchemy import MetaData\n\nmain = MetaData()\naudit = MetaData(schema="audit")\n'
        "target_metadata = [main, audit]\n"
    )
    assert len(found(source, "DBS102")) == 2
    fixed = fix_source(source, ["DBS102"])
    assert fixed.count("NAMING_CONVENTION = {") == 1
    assert "main = MetaData(naming_convention=NAMING_CONVENTION)" in fixed
    assert 'audit = MetaData(schema="audit", naming_convention=NAMING_CONVENTION)' in fixed


def test_existing_constant_is_reused():
    source = (
        "from sqlalchemy import MetaData\n\n"
        'NAMING_CONVENTION = {"pk": "%(table_name)s_pkey"}\n'
        "metadata = MetaData()\n"
        "metadata.create_all(engine)\n"
    )
    fixed = fix_source(source, ["DBS102"])
    assert fixed == source.replace("MetaData()", "MetaData(naming_convention=NAMING_CONVENTION)")


def test_declarative_base_factory_fix():
    source = "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n"
    fixed = fix_source(source, ["DBS102"])
    assert fixed.startswith("from sqlalchemy import MetaData\n")
    assert fixed.endswith(
        "Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))\n"
    )


def test_one_line_base_is_reported_without_fix():
    (finding,) = found(
        "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase): pass\n",
        "DBS102",
    )
    assert finding.fix is None


# ------------------------------------------------------------------ DBS103
@pytest.mark.parametrize(
    ("word", "plural", "single"),
    [
        ("users", True, "user"),
        ("categories", True, "category"),
        ("addresses", True, "address"),
        ("statuses", True, "status"),
        ("boxes", True, "box"),
        ("movies", True, "movie"),
        ("caches", True, "cache"),
        ("people", True, "person"),
        ("menus", True, "menu"),
        ("status", False, "status"),
        ("news", False, "news"),
        ("data", False, "data"),
        ("series", False, "series"),
        ("address", False, "address"),
        ("analysis", False, "analysis"),
        ("analytics", False, "analytics"),
        ("bus", False, "bus"),
        ("user", False, "user"),
    ],
)
def test_inflection(word, plural, single):
    assert is_plural(word) is plural
    assert singular(word) == single


def test_plural_table_name_uses_the_last_word():
    assert plural_table_name("post_likes") == "post_like"
    assert plural_table_name("users_role") is None
    assert plural_table_name("order_status") is None


def test_plural_tablename_finding():
    (finding,) = found(
        """
        class Order(Base):
            __tablename__ = "orders"
        """,
        "DBS103",
    )
    assert (finding.line, finding.span.column) == (3, 21)
    assert finding.message == 'table name "orders" is plural; name it after one row: "order"'
    assert finding.fix is None


def test_plural_table_in_migration_is_history():
    source = 'import sqlalchemy as sa\nt = sa.Table("users", md)\n'
    revision = "from alembic import op\n" + source  # every Alembic revision imports op
    assert found(revision, "DBS103", "migrations/versions/0001_add_user.py") == []
    assert len(found(source, "DBS103", "app/tables.py")) == 1
    # A ``versions/`` folder of the app's own (API versions) is no migration.
    assert len(found(source, "DBS103", "app/api/versions/tables.py")) == 1


# ------------------------------------------------------------------ DBS104
def test_temporal_column_messages():
    findings = found(
        """
        from datetime import date, datetime
        from typing import Optional

        import sqlalchemy as sa
        from sqlalchemy.orm import Mapped, mapped_column


        class Invoice(Base):
            __tablename__ = "invoice"

            created: Mapped[datetime]
            paid_on: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
            due: Mapped[date] = mapped_column()
            issued_at = sa.Column(sa.Date)
            created_at: Mapped[datetime]
            due_date: Mapped[date]
            note: Mapped[str]
        """,
        "DBS104",
    )
    assert [(f.line, f.message) for f in findings] == [
        (12, 'date-time column "created" should end in "_at" (e.g. "created_at")'),
        (13, 'date-time column "paid_on" should end in "_at" (e.g. "paid_at")'),
        (14, 'date column "due" should end in "_date" (e.g. "due_date")'),
        (15, 'date column "issued_at" should end in "_date" (e.g. "issued_date")'),
    ]


def test_temporal_column_type_wins_over_annotation():
    # A Date column annotated as datetime by mistake: the SQL type decides.
    findings = found(
        """
        from datetime import datetime
        from sqlalchemy import Date
        from sqlalchemy.orm import Mapped, mapped_column

        class Event(Base):
            __tablename__ = "event"
            start_date: Mapped[datetime] = mapped_column(Date)
        """,
        "DBS104",
    )
    assert findings == []


def test_temporal_column_in_migration_is_history():
    source = (
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        'def upgrade():\n    op.add_column("order", sa.Column("placed", sa.DateTime))\n'
    )
    assert found(source, "DBS104", "migrations/versions/0002_add_placed.py") == []


def test_temporal_names_that_already_say_date_or_time_are_left_alone():
    # Names that already carry a date/time word: nothing natural to suggest, and the
    # reader already knows what the column holds.
    findings = found(
        """
        from datetime import date, datetime

        from sqlalchemy import Date, DateTime
        from sqlalchemy.orm import Mapped, mapped_column


        class Person(Base):
            __tablename__ = "person"

            date_of_birth: Mapped[date]
            birth_date: Mapped[date]
            joined_on: Mapped[date]
            birthday: Mapped[date]
            timestamp: Mapped[datetime]
            due_by: Mapped[datetime]
            valid_until: Mapped[datetime]
            deadline: Mapped[datetime]
            time_of_arrival: Mapped[datetime] = mapped_column(DateTime)
        """,
        "DBS104",
    )
    assert [(f.line, f.message) for f in findings] == []


def test_temporal_suggestions_are_natural_names():
    findings = found(
        """
        from datetime import date, datetime

        from sqlalchemy.orm import Mapped


        class Account(Base):
            __tablename__ = "account"

            last_login: Mapped[datetime]
            login_time: Mapped[datetime]
            expiry: Mapped[datetime]
            expires: Mapped[date]
            birth_date: Mapped[datetime]
            date_of_birth: Mapped[datetime]
            due_by: Mapped[date]
        """,
        "DBS104",
    )
    assert [(f.line, f.message) for f in findings] == [
        (10, 'date-time column "last_login" should end in "_at" (e.g. "last_login_at")'),
        (11, 'date-time column "login_time" should end in "_at" (e.g. "login_at")'),
        (12, 'date-time column "expiry" should end in "_at" (e.g. "expires_at")'),
        (13, 'date column "expires" should end in "_date" (e.g. "expiry_date")'),
        (
            14,
            'date-time column "birth_date" is named as a date but holds a date and time: '
            'make it a `Date` if it holds a calendar day, or name the instant with "_at"',
        ),
        (
            15,
            'date-time column "date_of_birth" is named as a date but holds a date and time: '
            'make it a `Date` if it holds a calendar day, or name the instant with "_at"',
        ),
        (16, 'date column "due_by" should end in "_date" (e.g. "due_by_date")'),
    ]
    suggested = " ".join(f.message for f in findings)
    assert "timestamp_at" not in suggested and "_by_at" not in suggested


# ------------------------------------------------------------------ DBS105
MODEL = """
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import Mapped, mapped_column


    class {cls}(Base):
        __tablename__ = "{table}"

        id: Mapped[int] = mapped_column(primary_key=True)
        {columns}
"""


def model(cls: str, table: str, *columns: str) -> str:
    body = "\n        ".join(
        f'{c}: Mapped[int] = mapped_column(ForeignKey("{t}"))'
        for c, t in (col.split(":") for col in columns)
    )
    return MODEL.format(cls=cls, table=table, columns=body)


def test_divergent_foreign_key_is_reported_alone(tmp_path):
    findings = project(
        tmp_path,
        {
            "app/posts/models.py": model("Post", "post", "profile_id:user.id"),
            "app/comments/models.py": model("Comment", "comment", "user_id:user.id"),
            "app/likes/models.py": model("PostLike", "post_like", "user_id:user.id"),
            # A role name is not the same key under another name, and is not cited.
            "app/tasks/models.py": model("Task", "task", "assignee_id:user.id"),
            # Several keys to one table are roles; a self-reference is a role too.
            "app/messages/models.py": model(
                "Message", "message", "sender_id:user.id", "recipient_id:user.id"
            ),
            "app/users/models.py": model("User", "user", "invited_by_id:user.id"),
        },
        "DBS105",
    )
    assert [(f.path, f.line, f.span.column) for f in findings] == [("app/posts/models.py", 10, 5)]
    assert findings[0].message == (
        "`post.profile_id` references `user.id`; elsewhere it is `user_id` "
        "(comment.user_id, post_like.user_id); use one name"
    )


def test_tie_prefers_the_natural_name(tmp_path):
    findings = project(
        tmp_path,
        {
            "app/a.py": model("Post", "post", "account_id:user.id"),
            "app/b.py": model("Comment", "comment", "user_id:user.id"),
        },
        "DBS105",
    )
    assert [(f.path, f.line) for f in findings] == [("app/a.py", 10)]


def test_tie_without_natural_name_reports_each(tmp_path):
    findings = project(
        tmp_path,
        {
            "app/a.py": model("Post", "post", "profile_id:user.id"),
            "app/b.py": model("Comment", "comment", "account_id:user.id"),
        },
        "DBS105",
    )
    assert [f.path for f in findings] == ["app/a.py", "app/b.py"]
    assert "named differently (comment.account_id); pick one" in findings[0].message


def test_table_and_sqlmodel_forms(tmp_path):
    findings = project(
        tmp_path,
        {
            "app/tables.py": """
                import sqlalchemy as sa
                from sqlalchemy import ForeignKey

                post_tag = sa.Table(
                    "post_tag",
                    metadata,
                    sa.Column("post_ref", ForeignKey("post.id")),
                )
            """,
            "app/models.py": """
                from sqlmodel import Field, SQLModel

                class Comment(SQLModel, table=True):
                    post_id: int = Field(foreign_key="post.id")

                class Like(SQLModel, table=True):
                    post_id: int = Field(foreign_key="post.id")
            """,
        },
        "DBS105",
    )
    assert [(f.path, f.line) for f in findings] == [("app/tables.py", 8)]
    assert findings[0].message.startswith("`post_tag.post_ref` references `post.id`")


def test_role_named_foreign_keys_are_not_divergence(tmp_path):
    # Each column names the part a user plays in its table, not the user table itself.
    findings = project(
        tmp_path,
        {
            "app/projects/models.py": model("Project", "project", "owner_id:user.id"),
            "app/reports/models.py": model("Report", "report", "created_by_id:user.id"),
            "app/tickets/models.py": model("Ticket", "ticket", "assignee_id:user.id"),
            "app/posts/models.py": model("Post", "post", "author_id:user.id"),
            "app/comments/models.py": model("Comment", "comment", "user_id:user.id"),
            "app/alerts/models.py": model("Alert", "alert", "oncall_service_id:service.id"),
            "app/deploys/models.py": model("Deploy", "deploy", "service_id:service.id"),
        },
        "DBS105",
    )
    assert [(f.path, f.message) for f in findings] == []


def test_target_name_with_and_without_its_group_prefix(tmp_path):
    findings = project(
        tmp_path,
        {
            "app/a.py": model("Bill", "payment_bill", "payment_account_id:payment_account.id"),
            "app/b.py": model("Refund", "refund", "account_id:payment_account.id"),
        },
        "DBS105",
    )
    assert [(f.path, f.line) for f in findings] == [("app/b.py", 10)]
    assert findings[0].message == (
        "`refund.account_id` references `payment_account.id`; elsewhere it is "
        "`payment_account_id` (payment_bill.payment_account_id); use one name"
    )


def test_role_beside_the_plain_key_keeps_the_plain_key_compared(tmp_path):
    # `invoice` holds `user_id` and `created_by_id`: the role does not hide `user_id`.
    findings = project(
        tmp_path,
        {
            "app/a.py": model("Invoice", "invoice", "user_id:user.id", "created_by_id:user.id"),
            "app/b.py": model("Payment", "payment", "user_id:user.id"),
            "app/c.py": model("Refund", "refund", "profile_id:user.id"),
        },
        "DBS105",
    )
    assert [(f.path, f.line) for f in findings] == [("app/c.py", 10)]
    assert findings[0].message.endswith(
        "elsewhere it is `user_id` (invoice.user_id, payment.user_id); use one name"
    )


# ------------------------------------------------------- DBS101 on real-code shapes
def _dbs101(tmp_path, database: str) -> list[tuple[str, int]]:
    files = {
        "app/__init__.py": "",
        "app/main.py": (
            "from fastapi import FastAPI\n\nfrom app import db\n\napp = FastAPI()\n\n\n"
            '@app.get("/")\nasync def home():\n    return {"db": await db.ping()}\n'
        ),
        "app/db.py": database,
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = scan(tmp_path, Config(select=["DBS101"]), use_cache=False, jobs=1)
    return sites(result.findings)


def test_sessionmaker_bound_to_an_async_engine_is_async(tmp_path):
    database = (
        "from sqlalchemy.ext.asyncio import create_async_engine\n"
        "from sqlalchemy.ext.asyncio.session import AsyncSession\n"
        "from sqlalchemy.orm import sessionmaker\n\n"
        'engine = create_async_engine("postgresql+asyncpg://x")\n'
        "factory = sessionmaker(bind=engine, class_=AsyncSession, expire_on_commit=False)\n"
        "plain = sessionmaker(bind=engine)\n"
    )
    assert _dbs101(tmp_path, database) == []


def test_a_nested_session_factory_is_one_finding(tmp_path):
    database = (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import scoped_session, sessionmaker\n\n"
        'engine = create_engine("sqlite://")\n'
        "session = scoped_session(sessionmaker(bind=engine))\n"
    )
    assert _dbs101(tmp_path, database) == [("app/db.py", 4), ("app/db.py", 5)]


def test_metadata_used_only_to_reflect_is_left_alone():
    source = (
        "import sqlalchemy as sa\n\n"
        'engine = sa.create_engine("sqlite://")\n'
        "existing = sa.MetaData()\n"
        "existing.reflect(bind=engine)\n"
        "users = existing.tables['user']\n"
    )
    assert found(source, "DBS102", "app/report.py") == []
    # Declaring a table on it creates nothing either; creating its tables does.
    declaring = source.replace(
        "existing.reflect(bind=engine)\n", 'audit = sa.Table("audit", existing)\n'
    )
    assert found(declaring, "DBS102", "app/report.py") == []
    creating = declaring + "existing.create_all(engine)\n"
    assert [f.line for f in found(creating, "DBS102", "app/report.py")] == [4]


# ------------------------------------------- DBS102/DBS104: which MetaData holds the models
def test_metadata_that_never_holds_the_models_is_left_alone(tmp_path):
    """A MetaData that only reflects a table, a fallback never used, an ad-hoc table in
    a seed script and query-only mirrors of another datastore create nothing: their
    constraints are never named by SQLAlchemy (precision review, DBS102)."""
    files = {
        "app/db.py": """
            from sqlalchemy import MetaData
            from sqlalchemy.orm import DeclarativeBase

            NAMING = {"pk": "%(table_name)s_pkey"}


            class Base(DeclarativeBase):
                metadata = MetaData(naming_convention=NAMING)
        """,
        "app/search.py": """
            from sqlalchemy import MetaData, Table


            def install_trigger(conn, table, metadata=None):
                if metadata is None:
                    metadata = MetaData()
                conn.execute(table.update())


            def drop_trigger(conn, name):
                meta = MetaData()
                reflected = Table(name, meta, autoload_with=conn)
                conn.execute(reflected.delete())
        """,
        "scripts/seed.py": """
            from sqlalchemy import Column, Integer, MetaData, String, Table, insert


            def seed(conn):
                scratch = MetaData()
                account = Table(
                    "account", scratch, Column("id", Integer), Column("name", String)
                )
                conn.execute(insert(account).values(name="admin"))
        """,
        "app/analytics.py": """
            from sqlalchemy import Column, DateTime, MetaData, String, Table, select

            warehouse = MetaData()
            page_view = Table(
                "page_view", warehouse, Column("path", String), Column("seen", DateTime)
            )


            def recent():
                return select(page_view).order_by(page_view.c.seen)
        """,
    }
    assert project(tmp_path, files, "DBS102") == []


def test_metadata_given_to_models_alembic_or_create_all_is_reported(tmp_path):
    files = {
        "app/db.py": """
            from sqlalchemy import MetaData

            metadata = MetaData()
        """,
        "app/models.py": """
            from sqlalchemy.orm import declarative_base

            from app.db import metadata

            Base = declarative_base(metadata=metadata)
        """,
        "app/reports.py": """
            import sqlalchemy as sa

            report_metadata = sa.MetaData(schema="reports")
        """,
        "migrations/env.py": """
            from alembic import context

            from app.models import Base
            from app.reports import report_metadata

            target_metadata = [Base.metadata, report_metadata]
        """,
        "app/audit.py": """
            from sqlalchemy import MetaData

            audit = MetaData()
        """,
        "app/main.py": """
            from app import audit


            def create_tables(engine):
                audit.audit.create_all(engine)
        """,
        "app/legacy.py": """
            from sqlalchemy import MetaData
            from sqlalchemy.orm import registry


            def build(engine):
                local = MetaData()
                local.create_all(engine)
                return registry(metadata=MetaData())
        """,
        "app/sqlmodel_db.py": """
            from sqlalchemy import MetaData
            from sqlmodel import SQLModel

            SQLModel.metadata = MetaData()
        """,
    }
    findings = project(tmp_path, files, "DBS102")
    assert sorted((f.path, f.line) for f in findings) == [
        ("app/audit.py", 4),
        ("app/db.py", 4),
        ("app/legacy.py", 7),
        ("app/legacy.py", 9),
        ("app/reports.py", 4),
        ("app/sqlmodel_db.py", 5),
    ]
    assert all(f.fix is not None for f in findings)


def test_columns_of_a_query_only_table_mirror_are_not_named(tmp_path):
    """A ``Table`` on a MetaData that holds none of the app's models mirrors another
    datastore for building queries: its column names are not the app's to choose
    (precision review, DBS104)."""
    files = {
        "app/analytics.py": """
            from sqlalchemy import Column, DateTime, MetaData, String, Table

            warehouse = MetaData()
            event_type = Table(
                "event_type", warehouse, Column("name", String), Column("first_seen", DateTime)
            )
        """,
        "scripts/seed.py": """
            from sqlalchemy import Column, DateTime, MetaData, Table


            def seed(conn):
                scratch = MetaData()
                Table("job", scratch, Column("started", DateTime))
        """,
        "app/tables.py": """
            from sqlalchemy import Column, DateTime, MetaData, Table

            from app.models import Base

            metadata = MetaData()
            audit = Table("audit", metadata, Column("logged", DateTime))
            login = Table("login", Base.metadata, Column("happened", DateTime))


            def create(engine):
                metadata.create_all(engine)
        """,
    }
    findings = project(tmp_path, files, "DBS104")
    assert [(f.path, f.line, f.message.split('"')[1]) for f in findings] == [
        ("app/tables.py", 7, "logged"),
        ("app/tables.py", 8, "happened"),
    ]


# ------------------------------------------------------- DBS101: what counts as evidence
SYNC_DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("postgresql://db/shop")
    SessionLocal = sessionmaker(bind=engine)


    def get_db():
        with Session(engine) as session:
            yield session
"""


def test_trivial_async_route_is_no_evidence(tmp_path):
    """A health check that awaits nothing and takes no dependency says nothing about
    how the app talks to its database, when every route that does is ``def``."""
    files = {
        "app/database.py": SYNC_DATABASE,
        "app/deps.py": """
            from typing import Annotated

            from fastapi import Depends
            from sqlalchemy.orm import Session

            from app.database import get_db

            SessionDep = Annotated[Session, Depends(get_db)]
        """,
        "app/router.py": """
            from fastapi import APIRouter

            from app.deps import SessionDep

            router = APIRouter()


            @router.get("/health")
            async def health() -> bool:
                return True


            @router.get("/orders")
            def list_orders(session: SessionDep):
                return session.execute("select 1").all()
        """,
    }
    assert project(tmp_path, files, "DBS101") == []


@pytest.mark.parametrize(
    ("route", "cited"),
    [
        # Awaits something.
        (
            "async def list_orders(request: Request):\n    return await request.json()\n",
            "list_orders",
        ),
        # Takes a dependency: a shared Annotated alias from another module...
        ("async def list_orders(session: SessionDep):\n    return []\n", "list_orders"),
        # ...an inline Annotated one, or a Depends() default.
        (
            "async def list_orders(session: Annotated[Session, Depends(get_db)]):\n    return []\n",
            "list_orders",
        ),
        ("async def list_orders(session=Depends(get_db)):\n    return []\n", "list_orders"),
    ],
)
def test_async_route_doing_work_is_evidence(tmp_path, route, cited):
    files = {
        "app/database.py": SYNC_DATABASE,
        "app/deps.py": """
            from typing import Annotated

            from fastapi import Depends
            from sqlalchemy.orm import Session

            from app.database import get_db

            SessionDep = Annotated[Session, Depends(get_db)]
        """,
        "app/router.py": (
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends, Request\n"
            "from sqlalchemy.orm import Session\n\n"
            "from app.database import get_db\n"
            "from app.deps import SessionDep\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/health")\nasync def health() -> bool:\n    return True\n\n\n'
            f'@router.get("/orders")\n{route}'
        ),
    }
    findings = project(tmp_path, files, "DBS101")
    assert [line for _, line in sites(findings)] == [5, 6, 10]
    assert f"(`async def {cited}` in app/router.py:18)" in findings[0].message


ASYNC_DATABASE = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://db/shop")
    SessionFactory = async_sessionmaker(engine, expire_on_commit=False)
"""
WORKING_ROUTER = """
    from fastapi import APIRouter, Request

    router = APIRouter()


    @router.post("/orders")
    async def create_order(request: Request):
        return await request.json()
"""


def test_sync_engine_beside_an_async_one_for_a_sync_library(tmp_path):
    """The app's own engine is async; a second, sync engine feeds a library with a
    sync interface (a scheduler's job store) and serves no request."""
    files = {
        "app/database.py": ASYNC_DATABASE,
        "app/jobs/store.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import Session, sessionmaker

            sync_engine = create_engine("postgresql+psycopg://db/shop")
            SyncSession = sessionmaker(sync_engine)


            class JobStore:
                def jobs(self):
                    with Session(sync_engine) as session:
                        return session.execute("select 1").all()
        """,
        "app/router.py": WORKING_ROUTER,
    }
    assert project(tmp_path, files, "DBS101") == []


def test_sync_sessions_still_handed_to_endpoints_beside_an_async_engine(tmp_path):
    """Half-way through a port: the async engine exists, but a dependency still hands
    sync sessions to endpoints. That second engine is not a library's: reported."""
    files = {
        "app/database.py": ASYNC_DATABASE,
        "app/legacy.py": SYNC_DATABASE,
        "app/router.py": WORKING_ROUTER,
    }
    findings = project(tmp_path, files, "DBS101")
    assert sites(findings) == [
        ("app/legacy.py", 5),
        ("app/legacy.py", 6),
        ("app/legacy.py", 10),
    ]
