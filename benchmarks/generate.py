"""Generate a large, reproducible FastAPI project for the benchmark.

The same seed gives byte-identical trees. Each domain package gets a router, schemas,
models, service, dependencies and config module, plus tests; about one module in ten
carries a violation (a blocking call in an async route, a v1 Pydantic call, a default
argument ``Depends``) so the rules have real work to report.

    python benchmarks/generate.py OUT_DIR [--domains 400]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROUTER = '''\
"""HTTP endpoints of the {domain} domain."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from src.database import get_session
from src.{domain} import service
from src.{domain}.dependencies import valid_{entity}_id
from src.{domain}.schemas import {Entity}Create, {Entity}Out, {Entity}Update

router = APIRouter(prefix="/{domain}", tags=["{domain}"])
SessionDep = Annotated[AsyncSession, Depends(get_session)]

{extra_imports}
'''

ROUTE = '''
@router.get("/{{item_id}}/{name}", response_model={Entity}Out)
async def {name}_{entity}(
    item: Annotated[dict, Depends(valid_{entity}_id)], session: SessionDep
) -> dict:
    """Return one {entity} with its {name} details."""
    rows = await session.execute(select(service.{Entity}).where(service.{Entity}.id == item["id"]))
    record = rows.scalar_one_or_none()
    if record is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="{entity} not found")
    total = 0
    for index, value in enumerate(record.values or []):
        if index % {mod} == 0:
            total += value * {factor}
        elif value > {limit}:
            total -= value // 2
    return {{"id": record.id, "{name}": total, "label": f"{{record.name}}-{name}"}}


@router.post("/{name}", status_code=status.HTTP_201_CREATED)
async def create_{name}_{entity}(payload: {Entity}Create, session: SessionDep) -> {Entity}Out:
    created = await service.create_{entity}(session, payload, kind="{name}")
    return {Entity}Out.model_validate(created)
'''

BAD_ROUTES = [
    """
@router.get("/legacy/{name}")
async def legacy_{name}_{entity}(item_id: int):
    reply = requests.get(f"https://legacy.internal/{domain}/{{item_id}}", timeout=5)
    time.sleep(0.1)
    return reply.json()
""",
    """
@router.put("/{{item_id}}/{name}")
async def update_{name}_{entity}(item_id: int, payload: {Entity}Update, db=Depends(get_session)):
    data = payload.dict(exclude_unset=True)
    return await service.update_{entity}(db, item_id, data)
""",
    """
@router.delete("/{{item_id}}/{name}")
async def delete_{name}_{entity}(item_id: int, session: SessionDep):
    try:
        await service.delete_{entity}(session, item_id)
    except Exception:
        return {{"deleted": False}}
    return {{"deleted": True}}
""",
]

SCHEMAS = '''\
"""Request and response bodies of the {domain} domain."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class {Entity}Base(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str | None = None
    values: list[int] = Field(default_factory=list)


class {Entity}Create({Entity}Base):
    owner_id: int


class {Entity}Update(BaseModel):
    name: str | None = None
    description: str | None = None


class {Entity}Out({Entity}Base):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
{fields}
'''

MODELS = '''\
"""Tables of the {domain} domain."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from src.models import Base


class {Entity}(Base):
    __tablename__ = "{entity}"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
{columns}
'''

SERVICE = '''\
"""Business logic of the {domain} domain."""

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from src.{domain}.models import {Entity}
from src.{domain}.schemas import {Entity}Create


async def create_{entity}(session: AsyncSession, payload: {Entity}Create, kind: str) -> {Entity}:
    record = {Entity}(name=f"{{kind}}:{{payload.name}}", owner_id=payload.owner_id)
    session.add(record)
    await session.commit()
    await session.refresh(record)
    return record


async def update_{entity}(session: AsyncSession, item_id: int, data: dict) -> None:
    await session.execute(update({Entity}).where({Entity}.id == item_id).values(**data))
    await session.commit()


async def delete_{entity}(session: AsyncSession, item_id: int) -> None:
    await session.execute(delete({Entity}).where({Entity}.id == item_id))
    await session.commit()


async def list_{entity}s(session: AsyncSession, limit: int = 50) -> list[{Entity}]:
    rows = await session.execute(select({Entity}).limit(limit))
    return list(rows.scalars())
{helpers}
'''

HELPER = """

def score_{entity}_{n}(values: list[int]) -> int:
    best = 0
    for left, right in zip(values, values[1:]):
        if left < right:
            best = max(best, right - left + {n})
        else:
            best = min(best, left - right - {n})
    return best
"""

DEPENDENCIES = '''\
"""Route dependencies of the {domain} domain."""

from typing import Annotated

from fastapi import Depends, HTTPException

from src.database import get_session
from src.{domain} import service


async def valid_{entity}_id(item_id: int, session=Depends(get_session)) -> dict:
    records = await service.list_{entity}s(session)
    for record in records:
        if record.id == item_id:
            return {{"id": record.id, "name": record.name}}
    raise HTTPException(status_code=404)


ValidItem = Annotated[dict, Depends(valid_{entity}_id)]
'''

TEST = '''\
"""Tests of the {domain} endpoints."""

import pytest
from httpx import ASGITransport, AsyncClient

from src.main import app


@pytest.fixture
async def client():
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:
        yield ac

{tests}
'''

TEST_CASE = """
async def test_{name}_{entity}(client: AsyncClient):
    response = await client.get("/{domain}/1/{name}")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.json()["id"] == 1
"""

WORDS = [
    "account",
    "order",
    "invoice",
    "basket",
    "coupon",
    "review",
    "rating",
    "shipment",
    "parcel",
    "refund",
    "payout",
    "ledger",
    "vendor",
    "catalog",
    "product",
    "variant",
    "stock",
    "warehouse",
    "carrier",
    "tracker",
    "ticket",
    "comment",
    "thread",
    "profile",
    "avatar",
    "session",
    "device",
    "token",
    "webhook",
    "export",
    "report",
    "metric",
    "alert",
    "incident",
]


def camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


def generate(out: Path, domains: int, seed: int = 20261125) -> tuple[int, int]:
    """Write the project; returns (files, lines)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    src = out / "src"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "models.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
    )
    (src / "database.py").write_text(
        "from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n\n"
        'engine = create_async_engine("postgresql+asyncpg://app@db/app")\n'
        "SessionFactory = async_sessionmaker(engine, expire_on_commit=False)\n\n\n"
        "async def get_session():\n    async with SessionFactory() as session:\n"
        "        yield session\n"
    )
    main = ["from fastapi import FastAPI\n", "app = FastAPI(openapi_url=None)\n"]
    (out / "pyproject.toml").write_text(
        '[project]\nname = "bigshop"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["fastapi>=0.115", "pydantic>=2.7", "sqlalchemy[asyncio]>=2.0",\n'
        '    "httpx>=0.27", "requests>=2.32"]\n'
    )
    files = 4
    lines = 0
    for index in range(domains):
        word = WORDS[index % len(WORDS)]
        domain = f"{word}_{index}"
        entity = f"{word}{index}"
        names = {"domain": domain, "entity": entity, "Entity": camel(entity)}
        package = src / domain
        package.mkdir()
        routes = "".join(
            ROUTE.format(
                **names,
                name=f"view{n}",
                mod=rng.randint(2, 7),
                factor=rng.randint(2, 9),
                limit=rng.randint(10, 99),
            )
            for n in range(rng.randint(3, 6))
        )
        extra_imports = ""
        if index % 10 == 0:
            bad = rng.choice(BAD_ROUTES)
            routes += bad.format(**names, name=f"old{index}")
            extra_imports = "import time\n\nimport requests\n"
        texts = {
            "__init__.py": "",
            "router.py": ROUTER.format(**names, extra_imports=extra_imports) + routes,
            "schemas.py": SCHEMAS.format(
                **names,
                fields="".join(f"    field_{n}: int = 0\n" for n in range(rng.randint(2, 10))),
            ),
            "models.py": MODELS.format(
                **names,
                columns="".join(
                    f"    extra_{n}: Mapped[str | None] = mapped_column(String(40))\n"
                    for n in range(rng.randint(2, 8))
                ),
            ),
            "service.py": SERVICE.format(
                **names,
                helpers="".join(
                    HELPER.format(entity=entity, n=n) for n in range(rng.randint(2, 8))
                ),
            ),
            "dependencies.py": DEPENDENCIES.format(**names),
        }
        for name, text in texts.items():
            (package / name).write_text(text)
            lines += text.count("\n")
            files += 1
        tests = out / "tests" / domain
        tests.mkdir(parents=True)
        test_text = TEST.format(
            **names,
            tests="".join(TEST_CASE.format(**names, name=f"view{n}") for n in range(3)),
        )
        (tests / "__init__.py").write_text("")
        (tests / f"test_{domain}.py").write_text(test_text)
        files += 2
        lines += test_text.count("\n")
        main.append(f"from src.{domain}.router import router as {domain}_router\n")
        main.append(f"app.include_router({domain}_router)\n")
    (src / "main.py").write_text("".join(main))
    files += 1
    return files, lines


DENSE_HEADER = """\
import time

import requests
from fastapi import APIRouter

router = APIRouter()
"""

DENSE_ROUTE = """

@router.get("/{name}/{n}")
async def {name}_{n}():
    time.sleep(0.1)
    reply = requests.get("https://api.example.test/{name}/{n}", timeout=3)
    return reply.json()
"""


def generate_findings(out: Path, findings: int = 2500, per_file: int = 20) -> int:
    """A small project with many findings: ``findings`` in all, half of them with a safe
    fix (``time.sleep`` in async code), ``per_file`` per module. Returns the file count.

    For the auditor's own figures (cursor moves, previews) on a long findings list."""
    if out.exists():
        shutil.rmtree(out)
    package = out / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (out / "pyproject.toml").write_text(
        '[project]\nname = "dense"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["fastapi>=0.115", "requests>=2.32"]\n'
        '\n[tool.fastaudit]\nselect = ["ASY"]\n'
    )
    routes = max(findings // 2, 1)
    per_module = max(per_file // 2, 1)
    files = 1
    for start in range(0, routes, per_module):
        name = f"area{start // per_module}"
        body = "".join(
            DENSE_ROUTE.format(name=name, n=n) for n in range(min(per_module, routes - start))
        )
        (package / f"{name}.py").write_text(DENSE_HEADER + body)
        files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--domains", type=int, default=400)
    args = parser.parse_args()
    files, lines = generate(args.out, args.domains)
    print(f"wrote {files} files, {lines} lines to {args.out}")


if __name__ == "__main__":
    main()
