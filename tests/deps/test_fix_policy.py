"""PYD fixes turn unsafe where the project still declares Pydantic 1."""

from __future__ import annotations

from pathlib import Path

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.model import Safety

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


def test_v1_pin_makes_v2_renames_unsafe(tmp_path: Path) -> None:
    finding = pyd101(project(tmp_path, "pydantic>=1.10,<2"))
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert "requirements.txt:1" in finding.fix.note and "excludes Pydantic 2" in finding.fix.note


def test_v1_pin_keeps_check_fix_from_applying_it(tmp_path: Path, capsys) -> None:
    root = project(tmp_path, "pydantic==1.10.13")
    main(["check", str(root), "--fix", "--select", "PYD101"])
    assert "item.dict()" in (root / "models.py").read_text(encoding="utf-8")


def test_v2_pin_keeps_the_rename_safe(tmp_path: Path) -> None:
    finding = pyd101(project(tmp_path, "pydantic>=2.7"))
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
