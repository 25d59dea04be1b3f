"""DBS: the database layer: async engines for async apps, constraint naming, and the
table/column naming conventions that keep a schema predictable."""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import add_call_argument, insert_at_line, replace_lines
from fastaudit.engine.project_index import MODEL_METADATA
from fastaudit.model import Edit, Finding, Severity, Span
from fastaudit.rules._support.inflect import plural_table_name, singular
from fastaudit.rules._support.project_walk import (
    WorkingAsyncRouteFacts,
    file_facts,
    first_working_async_route,
    is_migration_path,
    is_test_path,
    text_contains,
)
from fastaudit.rules._support.sync_sessions import SYNC_SESSION_PROVIDER, note_sync_session_provider
from fastaudit.rules.base import ProjectRule, Rule

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView


# ------------------------------------------------------------------ DBS101
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

    def __init__(self) -> None:
        super().__init__()
        self._candidate: bool | None = None  # may this file build a sync engine?

    def _wants(self, ctx: FileContext) -> bool:
        candidate = self._candidate
        if candidate is None:
            candidate = self._candidate = (
                not is_test_path(ctx.path)
                and not is_migration_path(ctx.path)
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
            if not is_test_path(path) and not is_migration_path(path)
        )


def _what(callee: str) -> str:
    if "engine" in callee:
        return "engine"
    if callee.endswith(("sessionmaker", "scoped_session")):
        return "session factory"
    return "session"


# ------------------------------------------------------------------ DBS102
NAMING_CONSTANT = "NAMING_CONVENTION"
NAMING_CONVENTION_SOURCE = """\
NAMING_CONVENTION = {
    "ix": "%(column_0_label)s_idx",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
"""
_METADATA = frozenset({"sqlalchemy.MetaData", "sqlalchemy.schema.MetaData", "sqlmodel.MetaData"})
_DECLARATIVE_BASES = frozenset(
    {"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBase"}
)
_DECLARATIVE_FACTORIES = frozenset(
    {"sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base"}
)
# What a ``metadata=`` argument hands the models to: a declarative base or a registry.
_METADATA_TAKERS = _DECLARATIVE_FACTORIES | {
    "sqlalchemy.orm.registry",
    "sqlalchemy.orm.decl_api.registry",
    "sqlalchemy.orm.as_declarative",
    "sqlalchemy.ext.declarative.as_declarative",
}
_MADE_METADATA = frozenset(f"{name}()" for name in _METADATA)


class _ModelMetadata:
    """Walk state shared by DBS102 and DBS104: which ``MetaData`` objects the app's
    models are declared on.

    A ``MetaData`` only creates anything in the database when the models are declared
    on it (a declarative base's ``metadata``, ``declarative_base(metadata=m)``,
    ``registry(metadata=m)``, ``SQLModel.metadata = m``), when Alembic compares against
    it (``target_metadata``) or when ``m.create_all(...)`` runs. One made to reflect a
    table, to build an ad-hoc ``Table`` for one insert, or to mirror another datastore
    for queries names no constraint and declares no model. Uses seen in a file are
    noted as ``MODEL_METADATA`` facts (the name, project-wide), so a module-level
    ``metadata = MetaData()`` is judged once every file has been walked; a function's
    own ``MetaData()`` can only be used in that function, and is judged in the file.
    """

    def __init__(self) -> None:
        self._metadata_wanted: bool | None = None
        self._made: dict[int, tuple[int | None, str]] = {}  # id(call) -> (function, name)
        self._local_made: set[tuple[int, str]] = set()  # (id(function), name)
        self._local_uses: set[tuple[int, str]] = set()
        self._used_calls: set[int] = set()  # MetaData() calls used in place

    def _wants_metadata(self, ctx: FileContext) -> bool:
        wanted = self._metadata_wanted
        if wanted is None:
            # A revision's own MetaData is history, and its uses are steps of that
            # revision, not the app's models.
            in_revision = "versions" in ctx.path.split("/")[:-1]
            wanted = not in_revision and text_contains(ctx, "metadata", "MetaData", "create_all")
            self._metadata_wanted = wanted
        return wanted

    def _note_metadata_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not self._wants_metadata(ctx):
            return
        for keyword in node.keywords:
            # ``context.configure(target_metadata=m)``, ``declarative_base(metadata=m)``
            takes = keyword.arg == "target_metadata" or (
                keyword.arg == "metadata" and ctx.resolve(node.func) in _METADATA_TAKERS
            )
            if takes:
                self._note_use(keyword.value, ctx)

    def _note_metadata_assign(
        self, targets: list[ast.expr], value: ast.expr, ctx: FileContext
    ) -> None:
        if not self._wants_metadata(ctx):
            return
        function = ctx.function
        in_class_body = ctx.class_name is not None and function is None
        for target in targets:
            if isinstance(target, ast.Name):
                if target.id == "target_metadata" or (
                    in_class_body and target.id == "metadata"
                ):  # Alembic's env.py; ``class Base(DeclarativeBase): metadata = m``
                    self._note_use(value, ctx)
                elif isinstance(value, ast.Call) and ctx.resolve(value.func) in _METADATA:
                    if function is not None:
                        self._made[id(value)] = (id(function.node), target.id)
                        self._local_made.add((id(function.node), target.id))
                    elif ctx.class_name is None:
                        self._made[id(value)] = (None, target.id)
            elif isinstance(target, ast.Attribute) and target.attr == "metadata":
                self._note_use(value, ctx)  # ``SQLModel.metadata = MetaData(...)``

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        # ``m.create_all(engine)``, or ``conn.run_sync(m.create_all)``.
        if node.attr == "create_all" and self._wants_metadata(ctx):
            self._note_use(node.value, ctx)

    def _note_use(self, value: ast.expr, ctx: FileContext) -> None:
        if isinstance(value, (ast.List, ast.Tuple)):  # ``target_metadata = [a, b]``
            for element in value.elts:
                self._note_use(element, ctx)
        elif isinstance(value, ast.Call):
            if ctx.resolve(value.func) in _METADATA:
                self._used_calls.add(id(value))
        elif isinstance(value, ast.Name) and (local := self._local_key(value, ctx)):
            self._local_uses.add(local)
        else:
            name = _project_name(value, ctx)
            if name is not None:
                ctx.add_fact(MODEL_METADATA, name)

    def _local_key(self, node: ast.Name, ctx: FileContext) -> tuple[int, str] | None:
        """(function, name) when ``node`` is a ``MetaData()`` made in this function."""
        function = ctx.function
        if function is None:
            return None
        key = (id(function.node), node.id)
        return key if key in self._local_made else None

    def _holds_models(self, call: ast.Call, ctx: FileContext) -> tuple[bool, str | None]:
        """For a ``MetaData()`` call: (known to hold the models, or else the project-wide
        name to settle that by once every file is seen)."""
        if id(call) in self._used_calls:
            return True, None
        made = self._made.get(id(call))
        if made is None:
            return False, None  # not kept under a name (or kept on an object): unused
        function, name = made
        if function is None:
            return False, _module_name(name, ctx)
        return (function, name) in self._local_uses, None


def _module_name(name: str, ctx: FileContext) -> str:
    return ctx.qualify(name)


def _project_name(node: ast.expr, ctx: FileContext) -> str | None:
    """The project-wide name of what ``node`` refers to: ``app.db.metadata`` for a name
    imported from there or written ``db.metadata``, ``<this module>.metadata`` for one
    assigned here; None for a parameter or a local."""
    if isinstance(node, ast.Name):
        if not ctx.is_module_binding(node.id):
            return None
        resolved = ctx.resolve(node)
        if resolved is None or resolved.endswith(")"):
            return _module_name(node.id, ctx)  # bound in this module (to a call's result)
        return resolved
    if isinstance(node, ast.Attribute):
        resolved = ctx.resolve(node)
        return resolved if resolved and not resolved.endswith(")") else None
    return None


@dataclass(slots=True)
class _Unnamed:
    node: ast.AST
    message: str
    kind: str  # "call-kwarg" (MetaData/declarative_base) or "class-body"
    keyword: str = ""


class MetadataWithoutNamingConvention(_ModelMetadata, Rule):
    id = "DBS102"
    name = "metadata-without-naming-convention"
    title = "`MetaData` without a constraint naming convention"
    severity = Severity.WARNING
    fix_safety = (
        "Unsafe: constraints created after the fix get the convention's names, so the "
        "next autogenerated migration may rename or recreate existing constraints; review it."
    )
    rationale = """
    Without `naming_convention`, indexes and constraints are named by the database
    (`user_email_key` on PostgreSQL, random names elsewhere) or not at all, and Alembic
    cannot drop or alter an unnamed constraint portably. Give the `MetaData` a naming
    convention (the keys `ix`, `uq`, `ck`, `fk`, `pk`) so every constraint has a name
    known in advance, the same in every environment. A `DeclarativeBase` subclass without
    its own `metadata` uses a convention-less `MetaData()`. Only the metadata the app's
    tables are created from is looked at: the one its models are declared on (a
    `DeclarativeBase`'s `metadata`, `declarative_base(metadata=...)`,
    `registry(metadata=...)`, `SQLModel.metadata`), the one given to Alembic as
    `target_metadata`, or one passed to `create_all`, wherever in the project that
    happens. A `MetaData()` kept only to reflect existing tables, to build a throwaway
    `Table` for one insert, or to mirror another datastore for queries creates nothing
    and is left alone, as is any `MetaData` inside an Alembic revision.
    """
    dont = """
    from sqlalchemy import MetaData
    from sqlalchemy.orm import declarative_base

    metadata = MetaData()
    Base = declarative_base(metadata=metadata)
    """
    dont_fixed = """
    from sqlalchemy import MetaData
    from sqlalchemy.orm import declarative_base

    NAMING_CONVENTION = {
        "ix": "%(column_0_label)s_idx",
        "uq": "%(table_name)s_%(column_0_name)s_key",
        "ck": "%(table_name)s_%(constraint_name)s_check",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
        "pk": "%(table_name)s_pkey",
    }

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    Base = declarative_base(metadata=metadata)
    """
    do = """
    from sqlalchemy import MetaData
    from sqlalchemy.orm import DeclarativeBase

    from app.constants import DB_NAMING_CONVENTION


    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=DB_NAMING_CONVENTION)
    """
    extra_valid = (
        """
        from sqlalchemy import MetaData

        metadata = MetaData(naming_convention={"pk": "pk_%(table_name)s"})
        metadata.create_all(engine)
        """,
        # Options passed through **kwargs cannot be seen: not reported.
        """
        import sqlalchemy as sa

        metadata = sa.MetaData(**options)
        target_metadata = metadata
        """,
        # The project's own MetaData class is not SQLAlchemy's.
        """
        class MetaData:
            pass

        meta = MetaData()
        meta.create_all()
        """,
        """
        from sqlalchemy import MetaData
        from sqlalchemy.orm import declarative_base

        Base = declarative_base(metadata=MetaData(naming_convention={"pk": "%(table_name)s_pkey"}))
        """,
        # Bases deriving from a project base inherit its metadata.
        """
        from app.db import Base

        class Order(Base):
            __tablename__ = "order"
        """,
        # Only reflects existing tables, and only builds a throwaway table to query:
        # neither declares the app's models nor creates anything.
        """
        import sqlalchemy as sa

        existing = sa.MetaData()
        existing.reflect(bind=engine)

        def count_rows(conn):
            scratch = sa.MetaData()
            report = sa.Table("report", scratch, autoload_with=conn)
            return conn.execute(sa.select(sa.func.count()).select_from(report))
        """,
    )
    extra_invalid = (
        """
        import sqlalchemy as sa

        metadata = sa.MetaData(schema="billing")
        target_metadata = metadata
        """,
        """
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass
        """,
        """
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()
        """,
        """
        from sqlalchemy import MetaData
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            metadata = MetaData(schema="shop")
        """,
        """
        import sqlalchemy as sa

        def create_tables(engine):
            meta = sa.MetaData()
            sa.Table("audit", meta, sa.Column("id", sa.Integer, primary_key=True))
            meta.create_all(engine)
        """,
    )

    def __init__(self) -> None:
        super().__init__()
        self._found: list[_Unnamed] = []

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        self._note_metadata_call(node, ctx)
        callee = ctx.resolve(node.func)
        if callee in _METADATA:
            keyword = "naming_convention"
            message = "`{}` has no `naming_convention`: constraints get database-chosen names"
        elif callee in _DECLARATIVE_FACTORIES:
            keyword = "metadata"
            message = (
                "`{}` builds its own `MetaData()` without a naming convention: pass "
                "`metadata=MetaData(naming_convention=...)`"
            )
        else:
            return
        if any(k.arg is None or k.arg == keyword for k in node.keywords):
            return
        if keyword == "naming_convention" and len(node.args) >= 4:
            return  # given positionally (rare, but then it is there)
        written = f"{ctx.text(node.func)}({'...' if node.args or node.keywords else ''})"
        self._found.append(_Unnamed(node, message.format(written), "call-kwarg", keyword))

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        self._note_metadata_assign(node.targets, node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is not None:
            self._note_metadata_assign([node.target], node.value, ctx)

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if not any(ctx.resolve(base) in _DECLARATIVE_BASES for base in node.bases):
            return
        for stmt in node.body:
            targets = (
                stmt.targets
                if isinstance(stmt, ast.Assign)
                else [stmt.target]
                if isinstance(stmt, ast.AnnAssign)
                else []
            )
            if any(isinstance(t, ast.Name) and t.id in ("metadata", "registry") for t in targets):
                return
        self._found.append(
            _Unnamed(
                node,
                f"`class {node.name}(DeclarativeBase)` sets no `metadata`, so its tables use a "
                "`MetaData()` without a naming convention",
                "class-body",
            )
        )

    def finish(self, ctx: FileContext) -> None:
        if not self._found:
            return
        if "versions" in ctx.path.split("/")[:-1]:
            # A revision's MetaData or Base is a throwaway for that step (a data
            # migration, a reflected table): the app's tables are declared on the
            # models' metadata, and history is not rewritten. Nothing to say here.
            return
        # A declarative base always holds models. A bare ``MetaData()`` only matters
        # when the models, Alembic or ``create_all`` use it; a module-level one may be
        # used from another file, so its finding waits for the whole project.
        kept: list[tuple[_Unnamed, str | None]] = []
        for item in self._found:
            if item.kind == "call-kwarg" and item.keyword == "naming_convention":
                assert isinstance(item.node, ast.Call)
                holds, settle_by = self._holds_models(item.node, ctx)
                if holds or settle_by is not None:
                    kept.append((item, settle_by))
            else:
                kept.append((item, None))
        if not kept:
            return
        constant, constant_edit = self._constant(ctx, kept[0][0].node)
        for item, settle_by in kept:
            fix = self._fix(ctx, item, constant, constant_edit)
            ctx.report(
                item.node,
                item.message,
                fix=fix,
                end=_header_end(item.node),
                when=(MODEL_METADATA, settle_by) if settle_by is not None else None,
            )

    # ------------------------------------------------------------ the fix
    def _constant(self, ctx: FileContext, first: ast.AST) -> tuple[str, Edit | None]:
        """The name of the convention dict, and the edit defining it when missing. The
        edit is the same for every finding in the file, so it is applied once."""
        found, _ = ctx.lookup(NAMING_CONSTANT)
        if found:
            return NAMING_CONSTANT, None
        statement = _top_level_statement(ctx.tree, first)
        if statement is None:
            return NAMING_CONSTANT, None
        newline = ctx.source.newline
        gap = 2 if isinstance(statement, (ast.ClassDef, ast.FunctionDef)) else 1
        text = NAMING_CONVENTION_SOURCE.replace("\n", newline) + newline * gap
        return NAMING_CONSTANT, insert_at_line(ctx.source, _first_line(statement), text)

    def _fix(self, ctx: FileContext, item: _Unnamed, constant: str, constant_edit: Edit | None):
        description = f"Add a naming convention (`{constant}`)"
        note = self.fix_safety
        if item.kind == "call-kwarg":
            node = item.node
            assert isinstance(node, ast.Call)
            if item.keyword == "metadata":
                metadata, import_edit = ctx.ensure_import("sqlalchemy", "MetaData")
                argument = f"metadata={metadata}(naming_convention={constant})"
            else:
                import_edit = None
                argument = f"naming_convention={constant}"
            return ctx.fix(
                description,
                add_call_argument(ctx, node, argument),
                constant_edit,
                import_edit,
                safe=False,
                note=note,
            )
        node = item.node
        assert isinstance(node, ast.ClassDef)
        first = node.body[0]
        if first.lineno == node.lineno:
            return None  # ``class Base(DeclarativeBase): pass`` on one line
        metadata, import_edit = ctx.ensure_import("sqlalchemy", "MetaData")
        indent = " " * first.col_offset
        line = f"{indent}metadata = {metadata}(naming_convention={constant}){ctx.source.newline}"
        docstring = (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        )
        only_pass = len(node.body) == 1 and isinstance(first, ast.Pass)
        if only_pass:
            if ctx.text(first) != ctx.source.line_text(first.lineno).strip():
                return None  # a comment after ``pass``: leave it to the author
            body_edit = replace_lines(ctx.source, first.lineno, first.end_lineno, line)  # type: ignore[arg-type]
        else:
            anchor = node.body[1] if docstring and len(node.body) > 1 else first
            # A lone docstring: after it; else before the first statement past any docstring.
            at = (
                first.end_lineno + 1  # type: ignore[operator]
                if docstring and len(node.body) == 1
                else _first_line(anchor)
            )
            body_edit = insert_at_line(ctx.source, at, line)
        return ctx.fix(description, body_edit, constant_edit, import_edit, safe=False, note=note)


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return min([statement.lineno, *(d.lineno for d in decorators or ())])


def _header_end(node: ast.AST) -> ast.AST | None:
    """Report a class on its header only (up to the last base), not its whole body."""
    if isinstance(node, ast.ClassDef) and node.bases:
        return node.bases[-1]
    return None


def _top_level_statement(tree: ast.Module, node: ast.AST) -> ast.stmt | None:
    line = node.lineno  # type: ignore[attr-defined]
    for statement in tree.body:
        if statement.lineno <= line <= (statement.end_lineno or statement.lineno):
            return statement
    return None


# ------------------------------------------------------------------ DBS103
_TABLE = frozenset({"sqlalchemy.Table", "sqlalchemy.schema.Table", "sqlmodel.Table"})


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
        if node.args and ctx.resolve(node.func) in _TABLE:
            self._check(node.args[0], ctx)

    def _check(self, value: ast.expr, ctx: FileContext) -> None:
        if is_migration_path(ctx.path):
            return  # history: the model is where the name is chosen
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return
        singular_name = plural_table_name(value.value)
        if singular_name is not None:
            ctx.report(
                value,
                f'table name "{value.value}" is plural; name it after one row: "{singular_name}"',
            )


# ------------------------------------------------------------------ DBS104
_DATETIME_TYPES = frozenset({"DateTime", "DATETIME", "TIMESTAMP"})
_DATE_TYPES = frozenset({"Date", "DATE"})
_COLUMN_FACTORIES = frozenset(
    {"sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.orm.mapped_column"}
)
_SQLMODEL_FIELD = "sqlmodel.Field"
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


class TemporalColumnSuffix(_ModelMetadata, Rule):
    id = "DBS104"
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
        if not node.args or ctx.resolve(node.func) not in _COLUMN_FACTORIES:
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
            and ctx.resolve(table.func) in _TABLE
        ):
            return None
        metadata = table.args[1]
        if isinstance(metadata, ast.Call):
            # ``Table("t", MetaData(), ...)``: nothing else can reach that metadata.
            return _NOT_MODELS if ctx.resolve(metadata.func) in _METADATA else None
        if not isinstance(metadata, ast.Name):
            return None  # ``Base.metadata``: the models' own
        local = self._local_key(metadata, ctx)
        if local is not None:
            return local
        if ctx.is_module_binding(metadata.id) and ctx.resolve(metadata) in _MADE_METADATA:
            return _module_name(metadata.id, ctx)
        return None  # imported, or a parameter: not known here

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        self._note_metadata_assign(node.targets, node.value, ctx)
        if not self._in_class_body(ctx) or len(node.targets) != 1:
            return
        target = node.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(node.value, ast.Call)
            and ctx.resolve(node.value.func) in _COLUMN_FACTORIES
            and not _named(node.value)
        ):
            self._check(target.id, _call_kind(node.value, ctx), target, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is not None:
            self._note_metadata_assign([node.target], node.value, ctx)
        if not self._in_class_body(ctx) or not isinstance(node.target, ast.Name):
            return
        value = node.value
        if isinstance(value, ast.Call) and ctx.resolve(value.func) in _COLUMN_FACTORIES:
            if _named(value):
                return
            kind = _call_kind(value, ctx)
            if kind is None:
                kind = _mapped_kind(node.annotation, ctx)
        elif value is None or (
            isinstance(value, ast.Call) and ctx.resolve(value.func) == _SQLMODEL_FIELD
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
        if is_migration_path(ctx.path):
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


def _named(call: ast.Call) -> bool:
    first = call.args[0] if call.args else None
    return isinstance(first, ast.Constant) and isinstance(first.value, str)


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


# ------------------------------------------------------------------ DBS105
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
                and not is_migration_path(path)
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
        if _named(value):
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
        if ctx.resolve(node.func) not in _TABLE:
            return
        for arg in node.args[1:]:
            if isinstance(arg, ast.Call) and ctx.resolve(arg.func) in _COLUMN_FACTORIES:
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
    if callee == _SQLMODEL_FIELD:
        for keyword in call.keywords:
            if keyword.arg == "foreign_key":
                return _target_text(keyword.value)
        return None
    if callee not in _COLUMN_FACTORIES:
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
