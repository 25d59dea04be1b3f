"""Fixes whose result depends on what the project declares: the ``pydantic_settings``
import (PYD106) and the ``T | None`` annotation (PYD107)."""

from __future__ import annotations

from fastaudit.model import Safety

SETTINGS = """\
from pydantic import BaseSettings


class Settings(BaseSettings):
    debug: bool = False
"""
MODEL = """\
from pydantic import BaseModel, Field


class Applicant(BaseModel):
    age: int = Field(default=None, ge=18)
"""


def pyproject(*deps: str, python: str = ">=3.11") -> str:
    listed = ", ".join(f'"{d}"' for d in deps)
    return (
        f'[project]\nname = "shop"\nversion = "1"\nrequires-python = "{python}"\n'
        f"dependencies = [{listed}]\n"
    )


def only(project, rule: str):
    [finding] = [f for f in project.scan(rule).findings if f.rule == rule]
    return finding


def test_settings_import_fix_is_unsafe_without_the_package(project) -> None:
    project.write(
        {"pyproject.toml": pyproject("fastapi>=0.115", "pydantic>=2.7"), "app/config.py": SETTINGS}
    )
    finding = only(project, "PYD106")
    assert finding.line == 1
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.startswith("pydantic-settings is not declared in pyproject.toml")
    assert project.fix(select="PYD106") == {}
    fixed = project.fix(select="PYD106", unsafe=True)
    assert fixed["app/config.py"].startswith("from pydantic_settings import BaseSettings\n")


def test_settings_import_fix_is_safe_when_declared(project) -> None:
    project.write(
        {
            "pyproject.toml": pyproject("fastapi>=0.115", "pydantic-settings>=2.4"),
            "app/config.py": SETTINGS,
        }
    )
    finding = only(project, "PYD106")
    assert finding.fix.safety is Safety.SAFE and finding.fix.note == ""
    assert project.fix(select="PYD106") == {
        "app/config.py": SETTINGS.replace("from pydantic import", "from pydantic_settings import")
    }


def test_settings_come_with_fastapi_all(project) -> None:
    project.write({"requirements.txt": "fastapi[all]>=0.115\n", "app/config.py": SETTINGS})
    assert only(project, "PYD106").fix.safety is Safety.SAFE


def test_settings_in_requirements_file_named_in_the_note(project) -> None:
    project.write({"requirements.txt": "fastapi>=0.115\n", "app/config.py": SETTINGS})
    note = only(project, "PYD106").fix.note
    assert note.startswith("pydantic-settings is not declared in requirements.txt")


def test_union_none_fix_names_the_python_floor(project) -> None:
    project.write(
        {
            "pyproject.toml": pyproject("fastapi>=0.115", "pydantic>=2.7", python=">=3.9"),
            "app/models.py": MODEL,
        }
    )
    finding = only(project, "PYD107")
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.endswith(
        "`T | None` needs Python 3.10, and the project supports older ones (`requires-python = "
        '">=3.9"`, pyproject.toml:4): write `Optional[T]` instead'
    )


def test_union_none_fix_on_a_modern_floor_has_no_such_note(project) -> None:
    project.write(
        {
            "pyproject.toml": pyproject("fastapi>=0.115", "pydantic>=2.7", python=">=3.10"),
            "app/models.py": MODEL,
        }
    )
    assert "Python 3.10" not in only(project, "PYD107").fix.note
