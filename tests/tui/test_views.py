"""Pilot tests of the views added to the main screen: undo after a restart (the journal),
the dependency matrix, the structure view, the learn walkthrough, and streaming."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fastaudit.fixes.journal import journal_path
from fastaudit.tui.app import time_to_first_finding
from fastaudit.tui.grouping import Grouping, build_groups, finding_key, walk
from fastaudit.tui.screens.dependencies import DependencyScreen
from fastaudit.tui.screens.learn import LearnScreen
from fastaudit.tui.screens.main import MainScreen
from fastaudit.tui.screens.structure import StructureScreen
from fastaudit.tui.widgets.findings_tree import FindingsTree
from fastaudit.tui.widgets.matrix_table import MatrixTable
from fastaudit.workflows.learn import AREAS, Progress

from .conftest import (
    WIDE,
    crlf_private_main,
    main_screen,
    make_app,
    press,
    select,
    settle,
    text_of,
)


class TestUndoAfterRestart:
    async def test_u_undoes_a_fix_made_before_the_restart(self, shop: Path, notices: list[str]):
        main_py, original = crlf_private_main(shop)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "enter")
        fixed = main_py.read_bytes()
        assert fixed != original
        os.chmod(main_py, 0o600)  # permissions changed since: undo restores them too

        async with make_app(shop).run_test(size=WIDE) as pilot:  # a new session
            await settle(pilot)
            screen = main_screen(pilot.app)
            assert len(screen.findings) == 5
            assert screen.check_action("undo", ()) is True
            assert any("can be undone" in notice for notice in notices)
            await press(pilot, "u")
            assert main_py.read_bytes() == original
            assert stat.S_IMODE(main_py.stat().st_mode) == 0o640
            assert len(screen.findings) == 6
            # The cursor is back on the finding the undone fix had fixed.
            assert screen.selected_finding is not None
            assert (screen.selected_finding.rule, screen.selected_finding.path) == (
                "ASY102",
                "app/main.py",
            )
            assert not screen.session.can_undo

    async def test_u_refuses_after_a_restart_when_the_file_changed(
        self, shop: Path, notices: list[str]
    ):
        main_py = shop / "app" / "main.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "enter")
        edited = main_py.read_bytes() + b"# edited by hand\n"
        main_py.write_bytes(edited)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "u")
            assert main_py.read_bytes() == edited
            assert main_screen(pilot.app).session.can_undo
            assert any("Undo refused: app/main.py: changed since" in n for n in notices)

    async def test_a_corrupt_journal_is_ignored_with_a_notification(
        self, shop: Path, notices: list[str]
    ):
        path = journal_path(shop)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'{"kind": "fastaudit-undo-journal", "format": 1, "root": ')
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            assert not screen.session.can_undo
            assert any("Undo history: the undo journal" in n and "ignored" in n for n in notices)
            # Fixing still works, and starts a fresh journal.
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "enter")
            assert screen.session.can_undo
        assert b'"entries"' in path.read_bytes()


class TestDependencyMatrix:
    async def test_d_shows_the_matrix_rows(self, flatshop: Path):
        async with make_app(flatshop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            summary = text_of(main_screen(pilot.app), "#summary")
            assert "deps: 2 below minimum, 1 replaced" in summary
            await press(pilot, "d")
            screen = pilot.app.screen
            assert isinstance(screen, DependencyScreen)
            table = screen.query_one(MatrixTable)
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
            # Status second (on screen at 80 columns), where declared last.
            assert rows == [
                ["python", "ok", 'requires-python = ">=3.11"', "—", "3.11", "pyproject.toml:4"],
                ["fastapi", "admits older", "fastapi>=0.90", "—", "0.115", "pyproject.toml:6"],
                ["pydantic", "ok", "pydantic>=2.7", "—", "2.7", "pyproject.toml:7"],
                [
                    "python-jose",
                    "replaced by pyjwt",
                    "python-jose[cryptography]>=3.3",
                    "—",
                    "—",
                    "pyproject.toml:8",
                ],
                [
                    "sqlalchemy",
                    "pinned below",
                    "sqlalchemy==1.4.52",
                    "—",
                    "2.0",
                    "pyproject.toml:9",
                ],
            ]

    async def test_enter_on_a_row_goes_to_its_finding(self, flatshop: Path):
        async with make_app(flatshop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "d", "down", "enter")
            screen = main_screen(pilot.app)
            finding = screen.selected_finding
            assert finding is not None
            assert (finding.rule, finding.path, finding.span.line) == (
                "PIN101",
                "pyproject.toml",
                6,
            )

    async def test_the_summary_follows_a_fix_to_a_dependency_file(self, flatshop: Path):
        async with make_app(flatshop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "PIN101", "pyproject.toml")
            screen = main_screen(pilot.app)
            assert screen.check_action("fix", ()) is True
            await press(pilot, "f", "enter")
            await settle(pilot)
            assert "deps: 1 below minimum, 1 replaced" in text_of(screen, "#summary")
            await press(pilot, "u")
            await settle(pilot)
            assert "deps: 2 below minimum, 1 replaced" in text_of(screen, "#summary")

    async def test_all_ok_shows_a_tick(self, clean: Path):
        (clean / "pyproject.toml").write_text(
            (clean / "pyproject.toml")
            .read_text()
            .replace('version = "0.1.0"', 'version = "0.1.0"\ndependencies = ["fastapi>=0.115"]')
        )
        async with make_app(clean).run_test(size=WIDE) as pilot:
            await settle(pilot)
            assert "deps: ✓" in text_of(main_screen(pilot.app), "#summary")


class TestStructure:
    async def test_s_shows_domains_and_the_proposed_layout(self, flatshop: Path):
        async with make_app(flatshop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "s")
            screen = pilot.app.screen
            assert isinstance(screen, StructureScreen)
            assert "laid out by file type (STR101)" in text_of(screen, "#structure-summary")
            app_text = text_of(screen, ".structure-app")
            assert "App app/main.py:5" in app_text
            assert "routers/  __init__.py, items.py, users.py" in app_text
            current = text_of(screen, "#current-layout-0")
            proposed = text_of(screen, "#proposed-layout-0")
            assert current.splitlines()[:4] == [
                "app/",
                "├── crud/",
                "│   ├── __init__.py  ✕ not needed",
                "│   ├── item.py  → items/crud.py",
            ]
            assert "│   └── users.py  → users/router.py" in current
            assert proposed.splitlines()[0] == "app/"
            assert "│   └── schemas.py  ← schemas/user.py" in proposed
            assert proposed.splitlines()[-1] == "└── models.py  ← models/base.py"
            await press(pilot, "escape")
            assert isinstance(pilot.app.screen, MainScreen)

    async def test_the_app_is_found_whatever_rules_are_selected(self, shop: Path):
        """The shop selects ASY, DEP and SCN only: no layout rule runs, yet its app is
        found (the serving rules need it too)."""
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "s")
            summary = text_of(pilot.app.screen, "#structure-summary")
            assert summary.startswith("1 app(s)")

    async def test_without_an_app(self, shop: Path):
        main = shop / "app" / "main.py"
        main.write_text(main.read_text().replace("app = FastAPI()", "app = object()"))
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "s")
            summary = text_of(pilot.app.screen, "#structure-summary")
            assert "No FastAPI() application found" in summary


class TestLearn:
    async def test_pages_places_and_progress(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "l")
            screen = pilot.app.screen
            assert isinstance(screen, LearnScreen)
            assert "Step 1/11 · Project layout" in text_of(screen, "#learn-progress")
            assert "0/11 done" in text_of(screen, "#learn-progress")
            await press(pilot, "n")
            assert AREAS[screen.index].key == "async"
            assert "5 places in your code" in text_of(screen, "#learn-places-title")
            assert "requests.get" in text_of(screen, "#dont")  # ASY101, broken here
            await press(pilot, "m")
            assert "✔ done" in text_of(screen, "#learn-progress")
            assert "1/11 done" in text_of(screen, "#learn-progress")
            assert Progress(shop).done == {"async"}
            await press(pilot, "p", "p")
            assert AREAS[screen.index].key == "tooling"  # wraps around

    async def test_enter_on_a_place_jumps_to_the_finding(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "l", "n", "down")
            learn = pilot.app.screen
            assert isinstance(learn, LearnScreen)
            wanted = learn.places[1]
            await press(pilot, "enter")
            screen = main_screen(pilot.app)
            assert screen.selected_finding == wanted
            await press(pilot, "l")  # reopens where it was left
            assert AREAS[pilot.app.screen.index].key == "async"

    async def test_progress_is_kept_between_runs(self, shop: Path):
        Progress(shop).mark("layout")
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "l")
            assert "1/11 done" in text_of(pilot.app.screen, "#learn-progress")
            await press(pilot, "space")  # toggles it off
            assert Progress(shop).done == set()

    async def test_command_palette_opens_an_area(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p")
            await pilot.press(*"learn: database")
            await pilot.pause(0.3)
            await press(pilot, "enter")
            screen = pilot.app.screen
            assert isinstance(screen, LearnScreen)
            assert AREAS[screen.index].key == "database"


class TestStreaming:
    async def test_updates_keep_nodes_and_the_cursor_the_person_chose(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            tree = screen.query_one(FindingsTree)
            findings = list(screen.findings)
            colors = pilot.app.get_css_variables()
            later = [f for f in findings if f.path in ("app/orders.py", "app/users.py")]
            tree.show(build_groups(later), Grouping.RULE, colors, streaming=True)
            await press(pilot)
            # Nobody moved the cursor: it is on the first finding of the tree.
            assert tree.cursor_node is not None
            assert tree.cursor_node.data.finding == build_groups(later)[0].findings[0]
            first = tree.cursor_node
            await press(pilot, "j")  # the person moves to the next finding
            while tree.cursor_node.data.finding is None:
                await press(pilot, "j")
            chosen = tree.cursor_node
            assert chosen is not first
            # More findings arrive, several sorted before the chosen one.
            tree.show(build_groups(findings), Grouping.RULE, colors, streaming=True)
            await press(pilot)
            assert tree.cursor_node is chosen  # the same node object: not rebuilt
            assert len(list(tree.nodes())) == len(list(walk(build_groups(findings))))

    async def test_the_cursor_follows_the_first_finding_until_moved(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            tree = screen.query_one(FindingsTree)
            findings = list(screen.findings)
            colors = pilot.app.get_css_variables()
            some = [f for f in findings if f.rule != "ASY101"]
            tree.show([], Grouping.RULE, colors, streaming=True)  # a new scan starts
            await press(pilot)
            tree.show(build_groups(some), Grouping.RULE, colors, streaming=True)
            await press(pilot)
            tree.show(build_groups(findings), Grouping.RULE, colors, streaming=True)
            await press(pilot)
            assert screen.selected_finding is not None
            assert screen.selected_finding.rule == "ASY101"
            assert tree.select_key(finding_key(findings[0]))

    def test_time_to_first_finding(self, shop: Path):
        seconds = time_to_first_finding(shop)
        assert 0 < seconds < 60
