"""Pilot tests: every key of the main screen, with files on disk checked byte for byte."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from fastaudit.tui.app import AuditApp
from fastaudit.tui.grouping import Grouping
from fastaudit.tui.messages import ScanProgress
from fastaudit.tui.screens.dependencies import DependencyScreen
from fastaudit.tui.screens.fix_preview import FixPreviewScreen
from fastaudit.tui.screens.help import HelpScreen
from fastaudit.tui.screens.main import MainScreen
from fastaudit.tui.screens.states import ErrorScreen, ProblemsScreen
from fastaudit.tui.widgets.matrix_table import MatrixTable

from .conftest import WIDE, crlf_private_main, main_screen, make_app, press, select, settle

MAIN_FIXED = b"""\
import asyncio

import requests
from fastapi import FastAPI

from app import orders, reports

app = FastAPI()
app.include_router(orders.router)
app.include_router(reports.router)


@app.get("/health")
async def health():
    await asyncio.sleep(0.1)
    return {"ok": True}


@app.get("/weather/{city}")
async def weather(city: str):
    reply = requests.get(f"https://api.weather.test/{city}", timeout=3)
    return reply.json()
"""


def rules_shown(screen: MainScreen) -> list[tuple[str, str, int]]:
    return [
        (node.data.finding.rule, node.data.finding.path, node.data.finding.span.line)
        for node in screen.tree.nodes()
        if node.data is not None and node.data.finding is not None
    ]


class TestScanAndNavigation:
    async def test_findings_appear_grouped_with_counts(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            assert len(screen.findings) == 6
            top = [node.data for node in screen.tree.root.children]
            assert [(g.kind, g.name, len(g.findings)) for g in top] == [
                ("family", "ASY", 5),
                ("family", "DEP", 1),
            ]
            rules = [(g.name, len(g.findings)) for g in top[0].children]
            assert rules == [("ASY101", 1), ("ASY102", 2), ("ASY103", 1), ("ASY105", 1)]
            # The cursor starts on the first finding and the detail pane explains it.
            assert screen.selected_finding is not None
            assert screen.selected_finding.rule == "ASY101"
            assert "6 files" in str(screen.query_one("#summary").render())

    async def test_arrows_and_jk_move(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            tree = main_screen(pilot.app).tree
            start = tree.cursor_line
            await press(pilot, "j")
            assert tree.cursor_line == start + 1
            await press(pilot, "down")
            assert tree.cursor_line == start + 2
            await press(pilot, "k", "up")
            assert tree.cursor_line == start

    async def test_enter_and_space_collapse_and_expand(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            tree = main_screen(pilot.app).tree
            await press(pilot, "k")  # the ASY101 file node
            node = tree.cursor_node
            assert node is not None and node.is_expanded
            await press(pilot, "space")
            assert not node.is_expanded
            await press(pilot, "enter")
            assert node.is_expanded

    async def test_progress_messages_replace_each_other(self):
        first = ScanProgress(1, 1, 10, ())
        second = ScanProgress(1, 2, 10, ())
        assert second.can_replace(first)
        assert not ScanProgress(2, 1, 10, ()).can_replace(first)


class TestFixAndUndo:
    async def test_f_previews_and_enter_applies(self, shop: Path):
        main_py = shop / "app" / "main.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f")
            assert isinstance(pilot.app.screen, FixPreviewScreen)
            assert "+    await asyncio.sleep(0.1)" in pilot.app.screen.plan.diff
            await press(pilot, "enter")
            screen = main_screen(pilot.app)
            assert main_py.read_bytes() == MAIN_FIXED
            # The fixed finding is gone; the one below it kept its line (`import asyncio`
            # took the place of the `import time` the fix left unused).
            shown = rules_shown(screen)
            assert ("ASY102", "app/main.py", 15) not in shown
            assert ("ASY101", "app/main.py", 21) in shown
            assert len(screen.findings) == 5
            # The selection landed on the neighbour: the other `time.sleep`.
            assert screen.selected_finding is not None
            assert (screen.selected_finding.rule, screen.selected_finding.path) == (
                "ASY102",
                "app/orders.py",
            )

    async def test_project_rules_catch_up_in_a_worker_after_a_fix(
        self, shop: Path, monkeypatch: pytest.MonkeyPatch
    ):
        from fastaudit.audit.scan import scan
        from fastaudit.tui.screens import main as main_module

        gate = threading.Event()
        real = main_module.run_project_pass

        def held(snapshot):
            gate.wait(10)
            return real(snapshot)

        monkeypatch.setattr(main_module, "run_project_pass", held)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "enter")
            screen = main_screen(pilot.app)
            summary = screen.query_one("#summary")
            # The fixed file is rescanned at once, while the project rules still run.
            assert ("ASY102", "app/main.py", 15) not in rules_shown(screen)
            assert screen.settling
            assert "checking the project" in str(summary.render())
            gate.set()
            await settle(pilot)
            assert not screen.settling
            assert "checking" not in str(summary.render())
            expected = scan(shop, use_cache=False).findings
            assert [(f.rule, f.path, f.span.line) for f in screen.findings] == [
                (f.rule, f.path, f.span.line) for f in expected
            ]

    async def test_y_applies_and_escape_cancels(self, shop: Path):
        main_py = shop / "app" / "main.py"
        original = main_py.read_bytes()
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "escape")
            assert isinstance(pilot.app.screen, MainScreen)
            assert main_py.read_bytes() == original
            await press(pilot, "f", "n")
            assert main_py.read_bytes() == original
            await press(pilot, "f", "y")
            assert main_py.read_bytes() == MAIN_FIXED

    async def test_u_restores_the_exact_bytes(self, shop: Path):
        main_py, original = crlf_private_main(shop)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "enter")
            assert main_py.read_bytes() == MAIN_FIXED.replace(b"\n", b"\r\n")
            await press(pilot, "u")
            assert main_py.read_bytes() == original
            assert stat.S_IMODE(main_py.stat().st_mode) == 0o640
            screen = main_screen(pilot.app)
            assert len(screen.findings) == 6
            assert not screen.session.can_undo
            assert screen.check_action("undo", ()) is None

    async def test_u_refuses_when_the_file_changed_since(self, shop: Path):
        main_py = shop / "app" / "main.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f", "enter")
            edited = main_py.read_bytes() + b"# edited by hand\n"
            main_py.write_bytes(edited)
            await press(pilot, "u")
            assert main_py.read_bytes() == edited
            assert main_screen(pilot.app).session.can_undo

    async def test_fix_refused_when_the_file_changed_since_the_scan(self, shop: Path):
        main_py = shop / "app" / "main.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            edited = b"# edited by hand\n" + main_py.read_bytes()
            main_py.write_bytes(edited)
            await press(pilot, "f")
            assert isinstance(pilot.app.screen, MainScreen)
            assert main_py.read_bytes() == edited

    async def test_file_changed_between_preview_and_apply(self, shop: Path):
        main_py = shop / "app" / "main.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "f")
            edited = main_py.read_bytes() + b"# edited by hand\n"
            main_py.write_bytes(edited)
            await press(pilot, "enter")
            assert main_py.read_bytes() == edited
            assert not main_screen(pilot.app).session.can_undo

    async def test_f_is_dimmed_without_a_fix(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY103", "app/reports.py")  # `with open(...)`: no fix
            screen = main_screen(pilot.app)
            assert screen.check_action("fix", ()) is None
            await press(pilot, "f")
            assert pilot.app.screen is screen

    async def test_shift_f_fixes_all_safe_fixes_under_the_node_and_u_undoes_them(self, shop: Path):
        files = {p: (shop / p).read_bytes() for p in ("app/main.py", "app/orders.py")}
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            screen.tree.select_key(("family", "ASY"))
            await press(pilot)
            await press(pilot, "F")
            preview = pilot.app.screen
            assert isinstance(preview, FixPreviewScreen)
            assert preview.plan.paths == ["app/main.py", "app/orders.py"]
            await press(pilot, "enter")
            assert (shop / "app/main.py").read_bytes() == MAIN_FIXED
            orders = (shop / "app/orders.py").read_text()
            assert "    await asyncio.sleep(2)  # wait for the warehouse\n" in orders
            assert orders.startswith("import asyncio\nimport subprocess\n")
            assert "def backoff() -> None:\n    time.sleep(1)\n" in orders  # sync: untouched
            assert sorted(f.rule for f in screen.findings) == [
                "ASY101",
                "ASY103",
                "ASY105",
                "DEP101",
            ]
            await press(pilot, "u")
            for path, data in files.items():
                assert (shop / path).read_bytes() == data
            assert len(screen.findings) == 6


class TestSuppress:
    async def test_i_previews_and_adds_noqa(self, shop: Path):
        orders = shop / "app" / "orders.py"
        original = orders.read_bytes()
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY105", "app/orders.py")
            await press(pilot, "i")
            assert isinstance(pilot.app.screen, FixPreviewScreen)
            await press(pilot, "enter")
            line = orders.read_text().splitlines()[11]
            assert line == (
                '    subprocess.run(["notify-warehouse", str(order_id)], check=True)'
                "  # noqa: ASY105"
            )
            screen = main_screen(pilot.app)
            assert "ASY105" not in {f.rule for f in screen.findings}
            await press(pilot, "u")
            assert orders.read_bytes() == original

    async def test_i_extends_an_existing_comment(self, shop: Path):
        orders = shop / "app" / "orders.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/orders.py")
            await press(pilot, "i", "enter")
            line = orders.read_text().splitlines()[10]
            assert line == "    time.sleep(2)  # wait for the warehouse  # noqa: ASY102"

    async def test_i_refuses_after_a_backslash_continuation(self, shop: Path):
        path = shop / "app" / "slow.py"
        text = (
            "import time\n\n\nasync def wait():\n    time.sleep(1) \\\n        if True else None\n"
        )
        path.write_text(text)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/slow.py")
            await press(pilot, "i")
            assert isinstance(pilot.app.screen, MainScreen)
            assert path.read_text() == text


class TestViews:
    async def test_slash_filters_and_escape_clears(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            await press(pilot, "slash")
            assert isinstance(pilot.app.focused, Input)
            await pilot.press(*"orders")
            await press(pilot, "enter")
            assert {path for _, path, _ in rules_shown(screen)} == {"app/orders.py"}
            assert pilot.app.focused is screen.tree
            await press(pilot, "slash", *"sleep")
            assert {rule for rule, _, _ in rules_shown(screen)} == {"ASY102"}
            await press(pilot, "escape")
            assert len(rules_shown(screen)) == 6
            assert not screen.has_class("-filtering")

    async def test_g_switches_grouping_and_keeps_the_selection(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            await select(pilot, "ASY105", "app/orders.py")
            before = screen.selected_finding
            await press(pilot, "g")
            assert screen.grouping is Grouping.FILE
            top = [node.data.name for node in screen.tree.root.children]
            assert top == ["app/main.py", "app/orders.py", "app/reports.py", "app/users.py"]
            assert screen.selected_finding == before
            await press(pilot, "g")
            assert screen.grouping is Grouping.RULE

    async def test_question_mark_shows_help(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(pilot.app.screen, HelpScreen)
            await press(pilot, "escape")
            assert isinstance(pilot.app.screen, MainScreen)

    async def test_d_shows_the_dependency_view(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "d")
            assert isinstance(pilot.app.screen, DependencyScreen)
            table = pilot.app.screen.query_one(MatrixTable)
            assert [str(c.label) for c in table.columns.values()][:2] == ["package", "status"]
            assert table.fixed_columns == 1
            await press(pilot, "escape")
            assert isinstance(pilot.app.screen, MainScreen)

    async def test_w_lists_files_that_could_not_be_audited(self, broken_shop: Path):
        async with make_app(broken_shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "w")
            screen = pilot.app.screen
            assert isinstance(screen, ProblemsScreen)
            assert [path for path, _ in screen.files] == ["app/broken.py"]

    async def test_w_lists_unreadable_folders_and_broken_links(
        self, shop: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """The scan survives a folder it may not read (denied here as it would be for
        a user without permission: the suite may run as root) and says so once."""
        (shop / "pgdata").mkdir()
        (shop / "pgdata" / "stale.py").write_text("import time\n")
        (shop / "current").symlink_to("releases/v2")
        scandir = os.scandir

        def denied(path=None):
            if path is not None and os.path.basename(path) == "pgdata":
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path) if path is not None else scandir()

        monkeypatch.setattr(os, "scandir", denied)
        told: list[str] = []
        notify = MainScreen.notify

        def record(self, message, **kwargs):
            told.append(message)
            return notify(self, message, **kwargs)

        monkeypatch.setattr(MainScreen, "notify", record)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            assert main_screen(pilot.app).findings  # the rest of the shop was audited
            assert told == ["1 folder(s) could not be read and were skipped: w lists them."]
            await press(pilot, "w")
            screen = pilot.app.screen
            assert isinstance(screen, ProblemsScreen)
            assert screen.warnings == ["pgdata: cannot read folder (permission denied); skipped"]
            assert screen.broken_links == [("current", "releases/v2")]
            shown = str(screen.query_one("#problem-links", Static).render())
            assert shown == "current → releases/v2 (missing)"

    async def test_r_rescans(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            extra = "import time\n\n\nasync def nap():\n    time.sleep(3)\n"
            (shop / "app" / "nap.py").write_text(extra)
            await press(pilot, "r")
            await settle(pilot)
            assert len(main_screen(pilot.app).findings) == 7

    async def test_o_opens_the_editor_at_the_line(
        self, shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
        suspended = []

        from contextlib import contextmanager

        @contextmanager
        def fake_suspend(self):  # the headless driver cannot hand the terminal over
            suspended.append(True)
            yield

        monkeypatch.setattr(AuditApp, "suspend", fake_suspend)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY105", "app/orders.py")
            await press(pilot, "o")
        assert suspended == [True]
        assert record.read_text().splitlines() == ["+12", str(shop / "app" / "orders.py")]

    async def test_q_quits(self, shop: Path):
        app = make_app(shop)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "q")
        assert app.return_value == 0

    async def test_command_palette_runs_actions(self, shop: Path):
        main_py = shop / "app" / "main.py"
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY102", "app/main.py")
            await press(pilot, "ctrl+p")
            await pilot.press(*"fix: preview")
            await pilot.pause(0.3)
            await press(pilot, "enter")
            assert isinstance(pilot.app.screen, FixPreviewScreen)
            await press(pilot, "enter")
            assert main_py.read_bytes() == MAIN_FIXED

    async def test_command_palette_jumps_to_a_rule(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p")
            await pilot.press(*"rule: ASY105")
            await pilot.pause(0.3)
            await press(pilot, "enter")
            group = main_screen(pilot.app).selected_group
            assert group is not None and (group.kind, group.name) == ("rule", "ASY105")


class TestStates:
    async def test_not_a_directory(self, shop: Path):
        async with make_app(shop / "pyproject.toml").run_test(size=WIDE) as pilot:
            await press(pilot)
            assert isinstance(pilot.app.screen, ErrorScreen)
            assert pilot.app.screen.problem == "Not a folder"

    async def test_a_project_folder_it_may_not_read(
        self, shop: Path, monkeypatch: pytest.MonkeyPatch
    ):
        scandir = os.scandir

        def denied(path=None):
            if path is not None and Path(path) == shop:
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path) if path is not None else scandir()

        monkeypatch.setattr(os, "scandir", denied)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await press(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, ErrorScreen)
            assert screen.problem == "Cannot read the folder"
            assert screen.body == f"Cannot read folder {shop} (permission denied)."

    async def test_no_python_files(self, no_python: Path):
        async with make_app(no_python).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            assert screen.has_class("-empty")
            assert "No Python files" in str(screen.query_one("#empty").render())

    async def test_clean_project(self, clean: Path):
        async with make_app(clean).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            assert screen.has_class("-empty")
            assert "No findings" in str(screen.query_one("#empty").render())

    async def test_untrusted_names_and_code_are_shown_literally(self, shop: Path):
        name = "[bold red]x[reverse].py"
        (shop / "app" / name).write_text(
            'import time\n\n\nasync def f():\n    time.sleep(1)\n    return "\x1b[31m"\n'
        )
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            await select(pilot, "ASY102", f"app/{name}")
            labels = [str(node.label) for node in screen.tree.nodes()]
            assert any(f"app/{name}" in label for label in labels)
            code = str(screen.query_one("#code").render())
            assert "\\x1b[31m" in code and "\x1b" not in code


class TestMouse:
    async def test_clicking_a_finding_selects_it(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            tree = screen.tree
            target = next(f for f in screen.findings if f.rule == "ASY103")
            node = next(n for n in tree.nodes() if n.data is not None and n.data.finding == target)
            assert screen.selected_finding != target
            row = node.line - tree.scroll_offset.y + 1  # the tree draws a one-cell border
            await pilot.click(tree, offset=(12, row))
            await press(pilot)
            assert screen.selected_finding == target
