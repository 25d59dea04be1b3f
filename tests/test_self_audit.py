"""We practise what we preach: our own code passes fastaudit, ruff check and ruff format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastaudit.cli import main

REPO = Path(__file__).resolve().parent.parent
OUR_CODE = ["src", "tests", "benchmarks", "scripts", "setup.py"]


def test_fastaudit_finds_nothing_in_its_own_code(capsys) -> None:
    assert main(["check", str(REPO), "--no-cache", "--format", "json"]) == 0, capsys.readouterr()


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    paths = [str(REPO / p) for p in OUR_CODE if (REPO / p).exists()]
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *paths],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_check_is_clean() -> None:
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
