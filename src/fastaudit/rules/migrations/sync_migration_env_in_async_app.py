"""MIG102: a sync Alembic `env.py` while the app's engine is async."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastaudit.engine.layout import is_migration, is_test_path
from fastaudit.model import Finding, Severity
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


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
            if is_migration(project, path) or is_test_path(path):
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
