"""PIN106 fixes that remove the old package: its successor is already declared, or it
is a library nothing uses."""

from __future__ import annotations

import tomllib
from pathlib import Path

from fastaudit.audit.scan import scan
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_project
from fastaudit.model import Safety

PYPROJECT = """\
[project]
name = "shop"
version = "1.0.0"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.115"]

[dependency-groups]
dev = [
    "ruff>=0.6",
    "isort>=5",  # sorting
    "pytest>=8",
]
"""


def pin106(root: Path):
    result = scan(root, Config(select=["PIN106"]), use_cache=False)
    return result, [f for f in result.findings if f.rule == "PIN106"]


def test_requirements_line_is_removed_with_its_comment(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "fastapi>=0.115\nblack==24.3.0  # formatter\nruff>=0.6\n", encoding="utf-8"
    )
    result, findings = pin106(tmp_path)
    [finding] = findings
    assert finding.span.line == 2 and "ruff is already declared, remove black" in finding.message
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert not fix_project(result, unsafe=True).errors
    assert (tmp_path / "requirements.txt").read_text() == "fastapi>=0.115\nruff>=0.6\n"


def test_toml_array_element_on_its_own_line_is_removed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    result, [finding] = pin106(tmp_path)
    assert finding.span.line == 10
    assert not fix_project(result, unsafe=True).errors
    text = (tmp_path / "pyproject.toml").read_text()
    assert text == PYPROJECT.replace('    "isort>=5",  # sorting\n', "")
    assert tomllib.loads(text)["dependency-groups"]["dev"] == ["ruff>=0.6", "pytest>=8"]


def test_element_sharing_its_line_is_left_to_a_person(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT.replace(
            'dependencies = ["fastapi>=0.115"]', 'dependencies = ["fastapi>=0.115", "black>=24"]'
        ),
        encoding="utf-8",
    )
    _, findings = pin106(tmp_path)
    black = next(f for f in findings if "black" in f.message)
    assert black.fix is None


def test_a_replaced_library_nothing_imports_is_removed_not_swapped(tmp_path: Path) -> None:
    """A runtime library no file imports is unused: installing its successor instead
    would add another unused library, so the finding and the fix say to remove it."""
    (tmp_path / "requirements.txt").write_text(
        "fastapi>=0.115\ndatabases[postgresql]==0.9.0  # async db\nasyncpg>=0.29\n",
        encoding="utf-8",
    )
    (tmp_path / "app.py").write_text("import asyncpg\n", encoding="utf-8")
    result, [finding] = pin106(tmp_path)
    assert finding.message == (
        "`databases[postgresql]==0.9.0` declares databases, replaced by sqlalchemy[asyncio] "
        "(encode/databases is archived; SQLAlchemy 2.0 ships a native asyncio engine and "
        "session); no Python file imports it: remove it rather than install its successor"
    )
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert finding.fix.description == "remove databases"
    assert not fix_project(result, unsafe=True).errors
    assert (tmp_path / "requirements.txt").read_text() == "fastapi>=0.115\nasyncpg>=0.29\n"


def test_a_replaced_tool_nothing_imports_is_still_swapped(tmp_path: Path) -> None:
    """black, isort, autoflake are run, not imported: no import says nothing about use."""
    (tmp_path / "requirements.txt").write_text("fastapi>=0.115\nblack==24.3.0\n", encoding="utf-8")
    result, [finding] = pin106(tmp_path)
    assert "remove it" not in finding.message
    assert finding.fix is not None and finding.fix.description.startswith("declare ruff")
    assert not fix_project(result, unsafe=True).errors
    assert (tmp_path / "requirements.txt").read_text() == "fastapi>=0.115\nruff>=0.6\n"


def test_a_successor_another_package_installs_does_not_keep_the_swap(tmp_path: Path) -> None:
    """Seen on real code: databases declared and never imported, the migrations import
    sqlalchemy, which alembic depends on: removing databases breaks nothing."""
    (tmp_path / "requirements.txt").write_text(
        "fastapi>=0.115\ndatabases==0.9.0\nalembic>=1.13\n", encoding="utf-8"
    )
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text("from sqlalchemy import pool\n")
    result, [finding] = pin106(tmp_path)
    assert "remove it rather than install its successor" in finding.message
    assert not fix_project(result, unsafe=True).errors
    assert (tmp_path / "requirements.txt").read_text() == "fastapi>=0.115\nalembic>=1.13\n"


def test_a_poetry_table_entry_on_its_own_line_is_removed(tmp_path: Path) -> None:
    """Seen on real code: ``databases = "^0.6.1"`` in ``[tool.poetry.dependencies]``."""
    pyproject = (
        '[tool.poetry]\nname = "shop"\n\n[tool.poetry.dependencies]\n'
        'python = "^3.11"\nfastapi = "^0.115"\ndatabases = { version = "^0.6.1", '
        'extras = ["postgresql"] }  # old\nasyncpg = "^0.29"\n'
    )
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    result, [finding] = pin106(tmp_path)
    assert finding.fix is not None and finding.fix.description == "remove databases"
    assert not fix_project(result, unsafe=True).errors
    text = (tmp_path / "pyproject.toml").read_text()
    assert text == pyproject.replace(
        'databases = { version = "^0.6.1", extras = ["postgresql"] }  # old\n', ""
    )
    assert "databases" not in tomllib.loads(text)["tool"]["poetry"]["dependencies"]
