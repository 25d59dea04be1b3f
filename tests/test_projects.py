"""Fixture projects of several eras and shapes, each audited as a whole.

Every project's findings are compared exactly with its table (rule, path, line), so a
rule that starts missing a case or reporting a correct one shows up here. `modern-async`
follows the rulebook throughout: the whole audit must find nothing in it. Each project
is also fixed (on a copy, unsafe fixes included) and must still read afterwards.
"""

from __future__ import annotations

import ast
import shutil
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.rules import all_rules

PROJECTS = Path(__file__).parent / "projects"

# project -> {(path, line, rule)}
EXPECTED: dict[str, set[tuple[str, int, str]]] = {
    # Pydantic v1, python-jose, requests in async routes, pins in requirements.txt.
    "legacy-pydantic1-jose": {
        ("app/auth.py", 5, "LIB101"),  # from jose import JWTError, jwt
        ("app/auth.py", 17, "DEP101"),  # token: str = Depends(oauth2_scheme)
        ("app/config.py", 1, "PYD106"),  # from pydantic import BaseSettings
        ("app/config.py", 5, "SEC104"),  # secret_key: str = "dev-secret"
        ("app/config.py", 9, "PYD102"),  # class Config on the settings
        ("app/main.py", 8, "SET103"),  # FastAPI() with docs in every environment
        ("app/main.py", 13, "DOC101"),  # POST /users (register) answers 200
        ("app/main.py", 15, "PYD101"),  # user.dict(...)
        ("app/main.py", 16, "ASY101"),  # requests.get in async def register
        ("app/main.py", 19, "PYD101"),  # UserOut.parse_obj(...)
        ("app/main.py", 22, "DOC102"),  # POST /token: no response model or annotation
        ("app/main.py", 28, "DEP101"),  # username: str = Depends(current_username)
        ("app/schemas.py", 12, "PYD105"),  # @validator
        ("app/schemas.py", 17, "PYD105"),  # @root_validator
        ("app/schemas.py", 30, "PYD102"),  # class Config
        ("app/schemas.py", 31, "PYD103"),  # orm_mode
        ("app/schemas.py", 32, "PYD104"),  # json_encoders
        ("requirements.txt", 1, "PIN102"),  # fastapi==0.95.2
        ("requirements.txt", 3, "PIN104"),  # pydantic>=1.10,<2
        ("requirements.txt", 4, "PIN102"),  # SQLAlchemy==1.4.49
        ("requirements.txt", 5, "PIN106"),  # python-jose
    },
    # Follows the rulebook: nothing to report.
    "modern-async": set(),
    # routers/ schemas/ models/ crud/ at the top of the app: one layout finding.
    "flat-layout": {
        ("app/main.py", 5, "STR101"),
        ("app/routers/items.py", 12, "DEP101"),
        ("app/routers/items.py", 17, "DEP101"),
        ("app/routers/users.py", 12, "DEP101"),
        ("app/routers/users.py", 19, "DEP101"),
    },
    # Poetry constraints (caret, tilde, table) across main, dev and test groups; the app
    # package sits at the root (bookings/), not under src/.
    "poetry-app": {
        ("bookings/schemas.py", 10, "PYD107"),  # attendees: int = Field(default=None, ge=1)
        ("pyproject.toml", 9, "PIN105"),  # python = "^3.10"
        ("pyproject.toml", 10, "PIN104"),  # fastapi = "^0.110.0" means <0.111
        ("pyproject.toml", 15, "PIN104"),  # httpx = "~0.26" means <0.27
        ("pyproject.toml", 18, "PIN104"),  # ruff = "^0.4.2" (dev group) means <0.5
        ("pyproject.toml", 19, "PIN106"),  # black (dev group)
    },
    # uv: a range without a lower bound that the lock resolves below the minimum, and the
    # `jwt` distribution declared for `import jwt`.
    "uv-app": {
        ("pyproject.toml", 7, "PIN101"),  # "pydantic-settings"
        ("pyproject.toml", 9, "PIN108"),  # "jwt>=1.3"
        ("src/weather/config.py", 8, "SEC104"),  # TOKEN_SECRET: str = "dev"
        ("src/weather/router.py", 27, "ASY102"),  # time.sleep in async def
        ("uv.lock", 30, "PIN103"),  # pydantic-settings 2.3.4
    },
    # Two apps under services/, one declared in pyproject.toml, one in requirements.txt.
    "monorepo": {
        ("services/backoffice/app/reports/router.py", 2, "LIB101"),
        ("services/backoffice/app/reports/router.py", 9, "DEP102"),
        ("services/backoffice/app/reports/router.py", 18, "DEP101"),
        ("services/backoffice/requirements.txt", 1, "PIN102"),  # fastapi==0.111.0
        ("services/backoffice/requirements.txt", 3, "PIN106"),  # python-jose
        ("services/storefront/app/cart/router.py", 16, "ASY102"),
    },
}


def findings_of(project: str) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule) for f in scan(PROJECTS / project).findings}


def test_the_fixture_projects_exist():
    on_disk = {p.name for p in PROJECTS.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert set(EXPECTED) <= on_disk


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_findings_are_exactly_the_expected_ones(project):
    rules = all_rules()
    expected = {key for key in EXPECTED[project] if key[2] in rules}
    found = findings_of(project)
    missed = sorted(expected - found)
    unexpected = sorted(found - expected)
    assert not missed and not unexpected, f"missed: {missed}\nunexpected: {unexpected}"


def test_modern_async_is_clean_in_every_respect(capsys):
    root = PROJECTS / "modern-async"
    result = scan(root)
    assert result.findings == []
    assert result.warnings == []
    assert result.file_count >= 10
    assert main(["check", str(root), "--no-color"]) == 0
    assert "No problems" in capsys.readouterr().out


def _assert_still_reads(root: Path) -> None:
    for path in root.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for path in [*root.rglob("pyproject.toml"), *root.rglob("uv.lock")]:
        tomllib.loads(path.read_text(encoding="utf-8"))
    for path in root.rglob("requirements*.txt"):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                Requirement(line)


@pytest.mark.parametrize("project", sorted(p for p in EXPECTED if EXPECTED[p]))
def test_fixing_everything_leaves_a_project_that_reads(project, tmp_path, capsys):
    root = tmp_path / project
    shutil.copytree(PROJECTS / project, root)
    before = scan(root)
    code = main(["check", str(root), "--fix", "--unsafe-fixes", "--exit-zero", "--no-color"])
    capsys.readouterr()
    assert code == 0
    _assert_still_reads(root)
    after = scan(root)
    # Every fixable finding was fixed; what remains is what has no fix.
    assert not [(f.path, f.line, f.rule) for f in after.findings if f.fix is not None]
    assert len(after.findings) < len(before.findings)
