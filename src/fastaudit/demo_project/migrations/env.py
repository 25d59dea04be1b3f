from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

import src.auth.models  # noqa: F401  (registers the tables on Base.metadata)
import src.catalog.models  # noqa: F401
import src.orders.models  # noqa: F401
from src.config import settings
from src.database import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# Migrations run through the sync driver.
config.set_main_option(
    "sqlalchemy.url", str(settings.DATABASE_URL).replace("+asyncpg", "+psycopg2")
)
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
