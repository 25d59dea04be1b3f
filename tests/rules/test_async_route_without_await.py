"""ASY114: an ``async def`` route or dependency that never awaits and calls slow sync
code (a costly library, directly or through one project function). The look-alikes
include the shapes calibration found cheap (round 1), which must stay silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastaudit.model import Finding

from .conftest import project_findings, write_tree

RULE = "ASY114"

HEAD = """
from fastapi import APIRouter, Depends

router = APIRouter()
"""


def findings(root: Path, files: dict[str, str]) -> list[Finding]:
    return project_findings(write_tree(root, files), RULE)


def routes(body: str) -> dict[str, str]:
    return {"app/routes.py": HEAD + body}


REPORTED = {
    "pandas": """
import pandas as pd

@router.post("/stats")
async def stats(values: list[float]) -> dict:
    return pd.Series(values).describe().to_dict()
""",
    "a sync SDK": """
import boto3

s3 = boto3.client("s3")

@router.put("/files/{name}")
async def upload(name: str, body: bytes) -> dict:
    s3.put_object(Bucket="files", Key=name, Body=body)
    return {"name": name}
""",
    "Pillow": """
from PIL import Image

@router.post("/thumbs")
async def thumb(path: str) -> dict:
    Image.open(path).thumbnail((64, 64))
    return {}
""",
    "a dependency in this file": """
import stripe

async def customer(customer_id: str):
    return stripe.Customer.retrieve(customer_id)

@router.get("/billing")
async def billing(found=Depends(customer)) -> dict:
    return {"id": found.id}
""",
}

LEFT_ALONE = {
    "trivial": """
@router.get("/health")
async def health() -> dict:
    return {"status": "ok"}
""",
    # Calibration round 1: project helpers of unknown but small cost.
    "type guard helpers": """
from app.auth import is_anonymous, is_web_session

async def web_user(subject=Depends(lambda: None)):
    if is_anonymous(subject) or not is_web_session(subject):
        raise ValueError()
    return subject

@router.get("/me")
async def me(user=Depends(web_user)) -> dict:
    return {"user": user}
""",
    "jwt helper": """
from app.services import jwt

@router.get("/user")
async def current_user(user=Depends(lambda: None)) -> dict:
    return {"token": jwt.create_access_token_for_user(user, "secret")}
""",
    "html builder": """
from tagflow import tag, text
from app.backoffice.layout import layout

@router.get("/admin")
async def index() -> None:
    with layout("Home"):
        with tag.h1():
            text("Dashboard")
""",
    "dict get on a context": """
async def auth_session(session=Depends(lambda: None)):
    context = session.context or {}
    return context.get("organization_id")

@router.get("/sso")
async def sso(found=Depends(auth_session)) -> dict:
    return {"found": found}
""",
    # It awaits: the loop is its place.
    "awaits": """
import pandas as pd

@router.post("/stats")
async def stats(values: list[float], db=Depends(lambda: None)) -> dict:
    await db.log(values)
    return pd.Series(values).describe().to_dict()
""",
    # A plain coroutine, neither route nor dependency.
    "plain coroutine": """
import pandas as pd

async def summarise(values: list[float]) -> dict:
    return pd.Series(values).describe().to_dict()
""",
    # A sync route is already in the threadpool.
    "sync route": """
import pandas as pd

@router.post("/stats")
def stats(values: list[float]) -> dict:
    return pd.Series(values).describe().to_dict()
""",
    # A direct blocking call is ASY101's finding, not repeated.
    "direct blocking call": """
import pandas as pd
import requests

@router.get("/rates")
async def rates() -> dict:
    data = requests.get("https://rates.test", timeout=3).json()
    return pd.DataFrame(data).to_dict()
""",
    # The costly call only builds a coroutine handed to a task.
    "scheduled": """
import asyncio
from app.jobs import rebuild_index

@router.post("/reindex")
async def reindex() -> dict:
    asyncio.create_task(rebuild_index())
    return {"queued": True}
""",
}


@pytest.mark.parametrize("body", REPORTED.values(), ids=REPORTED.keys())
def test_reported(tmp_path: Path, body: str) -> None:
    found = findings(tmp_path, routes(body))
    assert len(found) == 1
    assert "never awaits" in found[0].message


@pytest.mark.parametrize("body", LEFT_ALONE.values(), ids=LEFT_ALONE.keys())
def test_left_alone(tmp_path: Path, body: str) -> None:
    assert findings(tmp_path, routes(body)) == []


def test_a_costly_project_function_is_named_with_its_call(tmp_path: Path) -> None:
    files = {
        "src/app/reports.py": """
            from reportlab.pdfgen import canvas

            class Reports:
                def render(self, report_id: int) -> bytes:
                    pdf = canvas.Canvas(f"/tmp/{report_id}.pdf")
                    pdf.drawString(10, 10, "report")
                    pdf.save()
                    return b""
            """,
        "src/app/routes.py": """
            from fastapi import APIRouter
            from app.reports import Reports

            router = APIRouter()

            @router.get("/reports/{report_id}")
            async def report(report_id: int) -> bytes:
                return Reports().render(report_id)
            """,
    }
    found = findings(tmp_path, files)
    assert [(f.path, f.span.line) for f in found] == [("src/app/routes.py", 7)]
    assert "`Reports().render(...)`, which calls `canvas.Canvas(...)` (CPU-heavy work)" in (
        found[0].message
    )


def test_a_dependency_named_in_another_module_is_reported(tmp_path: Path) -> None:
    files = {
        "app/deps.py": """
            import redis

            cache = redis.Redis()

            async def feature_flags() -> dict:
                return cache.hgetall("flags")
            """,
        "app/routes.py": """
            from typing import Annotated
            from fastapi import APIRouter, Depends
            from app import deps

            router = APIRouter()

            @router.get("/flags")
            async def flags(found: Annotated[dict, Depends(deps.feature_flags)]) -> dict:
                return found
            """,
    }
    found = findings(tmp_path, files)
    assert [(f.path, f.span.line) for f in found] == [("app/deps.py", 5)]
    assert "is a dependency that never awaits" in found[0].message
    assert "(a sync network call)" in found[0].message


def test_a_chain_asy108_reports_is_not_repeated(tmp_path: Path) -> None:
    files = {
        "app/exports.py": """
            import time
            import pandas as pd

            def export(rows):
                time.sleep(1)
                return pd.DataFrame(rows).to_csv()
            """,
        "app/routes.py": """
            from fastapi import APIRouter
            from app.exports import export

            router = APIRouter()

            @router.post("/export")
            async def run_export(rows: list[dict]) -> str:
                return export(rows)
            """,
    }
    root = write_tree(tmp_path, files)
    assert project_findings(root, RULE) == []
    assert [f.rule for f in project_findings(root, "ASY108")] == ["ASY108"]
