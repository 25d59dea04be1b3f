"""Pilot tests of a finding's places: `p` goes to the links of a call chain (ASY108),
enter shows one's code in the code view, `o` opens it in the editor, esc goes back."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from fastaudit.tui.app import AuditApp
from fastaudit.tui.widgets.code_view import CodeView
from fastaudit.tui.widgets.detail import FindingDetail
from fastaudit.tui.widgets.places import PlacesList

from .conftest import NARROW, WIDE, main_screen, make_app, press, select, settle

# ``sync_now`` reaches ``time.sleep`` through three sync functions in three files.
ROUTES = """\
from fastapi import APIRouter

from app.service import refresh

router = APIRouter()


@router.post("/sync")
async def sync_now():
    return refresh()
"""
SERVICE = """\
from app.store import save


def refresh():
    return save()
"""
STORE = """\
import time

from app.throttle import pause


def save():
    pause()
    return True
"""
THROTTLE = """\
import time


def pause():
    time.sleep(0.5)


async def nap():
    time.sleep(1)  # ASY102: a finding without other places
"""


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    root = tmp_path / "chain"
    (root / "app").mkdir(parents=True)
    files = {"routes.py": ROUTES, "service.py": SERVICE, "store.py": STORE, "throttle.py": THROTTLE}
    for name, code in files.items():
        (root / "app" / name).write_text(code)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "chain"\nversion = "0"\n\n[tool.fastaudit]\nselect = ["ASY"]\n'
    )
    return root


def code_title(app: AuditApp) -> str:
    return str(main_screen(app).query_one(CodeView).border_title)


def code_text(app: AuditApp) -> str:
    return str(main_screen(app).query_one(CodeView).render())


class TestPlaces:
    @pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
    async def test_enter_on_a_link_shows_its_code_and_esc_goes_back(
        self, chain: Path, size: tuple[int, int]
    ):
        async with make_app(chain).run_test(size=size) as pilot:
            await settle(pilot)
            await select(pilot, "ASY108", "app/routes.py")
            screen = main_screen(pilot.app)
            assert code_title(pilot.app) == "app/routes.py:10"
            # The key is in the footer while the finding has places.
            assert screen.check_action("places", ()) is True
            await press(pilot, "p")
            places = screen.query_one(PlacesList)
            assert screen.focused is places
            assert [f"{p.path}:{p.line}" for p in places.places] == [
                "app/routes.py:10",
                "app/service.py:5",
                "app/store.py:7",
                "app/throttle.py:5",
            ]
            # Stacked panes: the detail pane fills the screen while the list has the focus.
            assert (screen.maximized is not None) == (size == NARROW)
            await press(pilot, "down", "enter")
            assert code_title(pilot.app) == "app/service.py:5"
            assert "return save()" in code_text(pilot.app)
            await press(pilot, "end", "enter")
            assert code_title(pilot.app) == "app/throttle.py:5"
            assert "time.sleep(0.5)" in code_text(pilot.app)
            await press(pilot, "escape")
            assert screen.focused is screen.tree
            assert screen.maximized is None
            assert code_title(pilot.app) == "app/routes.py:10"

    async def test_a_click_on_a_link_shows_its_code(self, chain: Path):
        async with make_app(chain).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY108", "app/routes.py")
            places = main_screen(pilot.app).query_one(PlacesList)
            await pilot.click(places, offset=(2, 2))
            await press(pilot)
            assert code_title(pilot.app) == "app/store.py:7"

    async def test_the_detail_text_leaves_the_links_to_the_list(self, chain: Path):
        async with make_app(chain).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY108", "app/routes.py")
            detail = main_screen(pilot.app).query_one(FindingDetail)
            message = str(detail.query_one("#detail-message").render())
            assert "The chain, from the event loop to the blocking call:" in message
            assert "app/service.py:5" not in message

    async def test_p_without_places_says_why(self, chain: Path, notices: list[str]):
        async with make_app(chain).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/throttle.py")
            screen = main_screen(pilot.app)
            assert not screen.check_action("places", ())
            await press(pilot, "p")
            assert screen.focused is screen.tree
        assert notices == ["Not available: This ASY102 finding involves no other places."]

    async def test_o_opens_the_editor_at_the_shown_link(
        self, chain: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        record = tmp_path / "editor-args"
        script = tmp_path / "fake-editor"
        script.write_text(
            f"#!{sys.executable}\nimport sys\n"
            f"open({str(record)!r}, 'w').write('\\n'.join(sys.argv[1:]))\n"
        )
        script.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(script))
        monkeypatch.delenv("VISUAL", raising=False)

        @contextmanager
        def fake_suspend(self):  # the headless driver cannot hand the terminal over
            yield

        monkeypatch.setattr(AuditApp, "suspend", fake_suspend)
        async with make_app(chain).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY108", "app/routes.py")
            await press(pilot, "p", "down", "down", "enter", "o")
        assert record.read_text().splitlines() == ["+7", str(chain / "app" / "store.py")]
