"""Engines and sessions.

New code uses the async engine through `get_session`. The sync `SessionLocal` still
backs the order-history and invoice endpoints, and `database` (encode/databases) runs
the reporting queries; both go away once the orders domain is ported.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import databases
from fastapi import Depends
from sqlalchemy import MetaData, create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from src.config import settings

engine = create_async_engine(str(settings.DATABASE_URL), pool_pre_ping=True)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)

# psycopg2 for the sync engine: same database, different driver.
legacy_engine = create_engine(
    str(settings.DATABASE_URL).replace("+asyncpg", "+psycopg2"), pool_pre_ping=True
)
SessionLocal = sessionmaker(bind=legacy_engine, autoflush=False)

database = databases.Database(str(settings.DATABASE_URL))


class Base(DeclarativeBase):
    metadata = MetaData()


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionFactory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
