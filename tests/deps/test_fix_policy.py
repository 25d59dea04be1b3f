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
