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


ROUTES = """\
from fastapi import APIRouter, Depends

router = APIRouter()


def get_db():
    yield None


@router.get("/items")
def list_items(db: object = Depends(get_db)):
    return []
"""


def test_annotated_dependency_fix_needs_fastapi_095(project) -> None:
    project.write({"requirements.txt": "fastapi==0.79.0\n", "app/routes.py": ROUTES})
    finding = only(project, "DEP101")
    assert finding.line == 11
    assert finding.fix.safety is Safety.UNSAFE
    assert "need FastAPI 0.95" in finding.fix.note
    assert "`fastapi==0.79.0`, requirements.txt:1" in finding.fix.note
    assert project.fix(select="DEP101") == {}


def test_annotated_dependency_fix_is_safe_on_a_new_floor(project) -> None:
    project.write({"requirements.txt": "fastapi>=0.100\n", "app/routes.py": ROUTES})
    assert only(project, "DEP101").fix.safety is Safety.SAFE


def test_unbounded_fastapi_installs_the_newest(project) -> None:
    project.write({"requirements.txt": "fastapi\n", "app/routes.py": ROUTES})
    assert only(project, "DEP101").fix.safety is Safety.SAFE


def test_the_lock_decides_over_an_old_floor(project) -> None:
    lock = (
        'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "fastapi"\n'
        'version = "0.88.0"\nsource = { registry = "https://pypi.org/simple" }\n'
    )
    project.write(
        {"pyproject.toml": pyproject("fastapi>=0.60"), "uv.lock": lock, "app/routes.py": ROUTES}
    )
    note = only(project, "DEP101").fix.note
    assert "the lock installs FastAPI 0.88.0 (uv.lock:" in note


def test_return_annotation_fix_needs_fastapi_089(project) -> None:
    routes = (
        "from fastapi import APIRouter\nfrom pydantic import BaseModel\n\n"
        "router = APIRouter()\n\n\nclass Item(BaseModel):\n    name: str\n\n\n"
        '@router.get("/items/{item_id}", response_model=Item)\n'
        "def read_item(item_id: int) -> Item:\n    return Item(name='x')\n"
    )
    project.write({"requirements.txt": "fastapi>=0.85,<1\n", "app/routes.py": routes})
    finding = only(project, "RTE101")
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert "need FastAPI 0.89" in finding.fix.note
    project.write({"requirements.txt": "fastapi>=0.89,<1\n"})
    assert only(project, "RTE101").fix.safety is Safety.SAFE
