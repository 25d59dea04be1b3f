"""PYD fixes turn unsafe where the project still declares Pydantic 1."""

from __future__ import annotations

from pathlib import Path

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.model import Safety, Severity

MODEL = """\
from pydantic import BaseModel


class Item(BaseModel):
    name: str


def dump(item: Item) -> dict:
    return item.dict()
"""


def project(root: Path, requirement: str) -> Path:
    (root / "requirements.txt").write_text(f"{requirement}\n", encoding="utf-8")
    (root / "models.py").write_text(MODEL, encoding="utf-8")
    return root


def pyd101(root: Path):
    return next(f for f in scan(root, use_cache=False).findings if f.rule == "PYD101")


def test_a_project_on_pydantic_1_is_told_pydantic_2_spellings_as_migration_work(
    tmp_path: Path,
) -> None:
    """Every declared pydantic is 1.x: `.model_dump()` does not exist there yet. The
    rename is the work of the move to Pydantic 2 (the pin's finding asks for it): said
    so, at info level, and `--fix` leaves it."""
    finding = pyd101(project(tmp_path, "pydantic>=1.10,<2"))
    assert finding.severity is Severity.INFO
    assert finding.message.endswith(
        "(for the move to Pydantic 2, once `pydantic>=1.10,<2` (requirements.txt:1) is "
        "raised: the pinned 1.x lacks this)"
    )
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    main(["check", str(tmp_path), "--fix", "--select", "PYD101"])
    assert "item.dict()" in (tmp_path / "models.py").read_text(encoding="utf-8")


def test_a_pydantic_1_pin_beside_a_pydantic_2_one_makes_v2_renames_unsafe(
    tmp_path: Path,
) -> None:
    """A monorepo with one package still on 1.x: the rename is reported (the other
    package may be the one importing the model) but not applied by `--fix`."""
    root = project(tmp_path, "pydantic>=1.10,<2")
    (root / "worker").mkdir()
    (root / "worker" / "pyproject.toml").write_text(
        '[project]\nname = "worker"\nversion = "1"\ndependencies = ["pydantic>=2.7"]\n',
        encoding="utf-8",
    )
    finding = pyd101(root)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert "requirements.txt:1" in finding.fix.note and "excludes Pydantic 2" in finding.fix.note
    main(["check", str(root), "--fix", "--select", "PYD101"])
    assert "item.dict()" in (root / "models.py").read_text(encoding="utf-8")


def test_v2_pin_keeps_the_rename_safe(tmp_path: Path) -> None:
    finding = pyd101(project(tmp_path, "pydantic>=2.7"))
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE


OLD_FASTAPI_APP = """\
from fastapi import Depends, FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str

    class Config:
        orm_mode = True


@app.get("/items")
def items(db=Depends(get_db)) -> dict:
    return Item(name="x").dict()
"""


def test_an_old_fastapi_pin_keeps_pydantic_and_annotated_advice_for_the_upgrade(
    tmp_path: Path,
) -> None:
    """`fastapi==0.65.2` alone: it installs Pydantic 1 and reads no `Annotated` markers.
    The Pydantic 2 and `Annotated` findings wait for that pin, at info level, and their
    fixes are left to `--unsafe-fixes`."""
    (tmp_path / "requirements.txt").write_text("fastapi==0.65.2\n", encoding="utf-8")
    (tmp_path / "main.py").write_text(OLD_FASTAPI_APP, encoding="utf-8")
    findings = {
        f.rule: f
        for f in scan(tmp_path, use_cache=False).findings
        if f.rule in ("PYD101", "PYD102", "DEP101")
    }
    assert set(findings) == {"PYD101", "PYD102", "DEP101"}
    assert all(f.severity is Severity.INFO for f in findings.values())
    assert all(f.fix is None or f.fix.safety is Safety.UNSAFE for f in findings.values())
    assert findings["PYD101"].message.endswith(
        "(for the move to Pydantic 2, once `fastapi==0.65.2` (requirements.txt:1), which "
        "installs Pydantic 1, is raised: the pinned 1.x lacks this)"
    )
    assert findings["DEP101"].message.endswith(
        "(for the move to FastAPI 0.95 or later, once `fastapi==0.65.2` "
        "(requirements.txt:1) is raised: older releases do not read `Annotated` markers)"
    )
