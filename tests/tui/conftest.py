"""Shared fixtures: copies of small projects in a temporary folder with a fixed name,
so that only paths relative to the project root ever appear on screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from fastaudit.tui.app import AuditApp, create_app
from fastaudit.tui.grouping import finding_key
from fastaudit.tui.screens.main import MainScreen

FIXTURES = Path(__file__).parent / "fixtures"
WIDE = (120, 36)
NARROW = (80, 24)

CLEAN_MAIN = """\
import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health():
    await asyncio.sleep(0)
    return {"ok": True}
"""


CLEAN_PYPROJECT = """\
[project]
name = "clean"
version = "0.1.0"

[tool.fastaudit]
select = ["ASY", "DEP", "SCN"]
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The fixture project with ASY findings (two with safe fixes) and clean files."""
    target = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def flatshop(tmp_path: Path) -> Path:
    """A project laid out by file type (STR101), with pins below the matrix minimums."""
    target = tmp_path / "flatshop"
    shutil.copytree(FIXTURES / "flatshop", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the bundled demo project: a true instance of every rule family."""
    from fastaudit.cli import copy_demo

    return copy_demo(tmp_path / "shopfront")


@pytest.fixture
def broken_shop(shop: Path) -> Path:
    """The shop plus a file Python cannot parse (an SCN finding)."""
    (shop / "app" / "broken.py").write_text("def create_order(payload:\n    return payload\n")
    return shop


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    target = tmp_path / "clean"
    (target / "app").mkdir(parents=True)
    (target / "app" / "main.py").write_text(CLEAN_MAIN)
    (target / "pyproject.toml").write_text(CLEAN_PYPROJECT)
    return target


@pytest.fixture
def no_python(tmp_path: Path) -> Path:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "README.md").write_text("# Notes\n")
    return target


def crlf_private_main(shop: Path) -> tuple[Path, bytes]:
    """Give the shop's app/main.py CRLF endings and mode 0640 (both must survive a fix
    and its undo); returns the path and its bytes."""
    main_py = shop / "app" / "main.py"
    original = main_py.read_bytes().replace(b"\n", b"\r\n")
    main_py.write_bytes(original)
    main_py.chmod(0o640)
    return main_py, original


def make_app(root: Path) -> AuditApp:
    return create_app(root, testing=True)


async def settle(pilot: Pilot) -> None:
    """Wait for the scan to finish and the tree to show its results."""
    app = pilot.app
    # The scan's worker starts the project-facts worker when it ends: wait in rounds, so
    # a worker started by the last one's result is waited for too (under load, one round
    # could snapshot the screen before that second worker's result was shown).
    for _ in range(3):
        await app.workers.wait_for_complete()
        for _ in range(6):
            await pilot.pause()
    screen = app.screen
    if isinstance(screen, MainScreen):
        assert not screen.scanning


def main_screen(app: AuditApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    for _ in range(3):
        await pilot.pause()


async def select(pilot, rule: str, path: str) -> None:
    """Put the tree's cursor on the first finding of ``rule`` in ``path``."""
    screen = main_screen(pilot.app)
    finding = next(f for f in screen.findings if f.rule == rule and f.path == path)
    assert screen.tree.select_key(finding_key(finding))
    await press(pilot)
    assert screen.selected_finding == finding


def text_of(screen, selector: str) -> str:
    """What a widget of ``screen`` renders, as text."""
    return str(screen.query_one(selector).render())


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification the main screen shows."""
    from fastaudit.tui.screens.main import MainScreen

    seen: list[str] = []
    original = MainScreen.notify

    def notify(self, message, *args, **kwargs):
        seen.append(f"{kwargs.get('title', '')}: {message}")
        return original(self, message, *args, **kwargs)

    monkeypatch.setattr(MainScreen, "notify", notify)
    return seen
