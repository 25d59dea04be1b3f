"""The auditor at 80x24 and at scale (issue 11, section 4): what a person sees on a small
terminal, keys that say why they cannot act, and counts that agree with the reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from fastaudit.audit.scan import scan
from fastaudit.report import markdown
from fastaudit.report.text import summary
from fastaudit.tui.screens import main as main_module
from fastaudit.tui.screens.fix_preview import FixPreviewScreen
from fastaudit.tui.screens.learn import LearnScreen
from fastaudit.tui.screens.main import MainScreen
from fastaudit.tui.screens.states import ErrorScreen
from fastaudit.tui.widgets.detail import FindingDetail

from .conftest import NARROW, WIDE, main_screen, make_app, press, select, settle, text_of


def visible_tree_rows(screen: MainScreen) -> int:
    """Rows of findings the tree shows on screen (its height inside the border)."""
    tree = screen.tree
    return min(tree.content_region.height, tree.last_line + 1)


class TestAt80x24:
    async def test_the_tree_shows_at_least_12_rows_with_the_filter_open_or_not(self, demo: Path):
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            assert visible_tree_rows(screen) >= 12
            await press(pilot, "slash")
            assert screen.query_one("#filter").region.height == 1
            assert visible_tree_rows(screen) >= 12

    async def test_the_header_gives_way_and_the_summary_names_the_project(self, demo: Path):
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            summary_bar = screen.query_one("#summary")
            assert summary_bar.region.height == 1
            assert text_of(screen, "#summary").startswith("shopfront · ")
            assert summary_bar.region.y == 0  # no header above it

    async def test_z_maximises_the_detail_pane_and_z_restores(self, demo: Path):
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            detail = screen.query_one(FindingDetail)
            small = detail.region.height
            await press(pilot, "z")
            assert screen.maximized is detail
            assert detail.region.height > small * 2
            assert not screen.tree.region  # the tree is out of view
            await press(pilot, "z")
            assert screen.maximized is None
            assert detail.region.height == small
            assert screen.tree.has_focus

    async def test_the_footer_shows_the_keys_that_matter(self, demo: Path):
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            footer = pilot.app.screen.query_one(Footer)
            shown = {
                key.key_display
                for key in footer.query(FooterKey)
                if key.region and key.region.right <= NARROW[0]
            }
            assert {"?", "q", "/", "f", "F", "u", "z", "o"} <= shown

    @pytest.mark.parametrize("width", [80, 100, 120])
    async def test_the_footer_never_cuts_a_key(self, demo: Path, width: int):
        """A key that does not fit whole is left out ("r Res" at 120 columns was not)."""
        async with make_app(demo).run_test(size=(width, 30)) as pilot:
            await settle(pilot)
            await pilot.pause()
            footer = pilot.app.screen.query_one(Footer)
            keys = [k for k in footer.query(FooterKey) if k.display]
            palette = [k for k in keys if k.has_class("-command-palette")]
            others = [k for k in keys if k not in palette]
            assert palette and others[0].key_display == "?"
            for key in others:
                assert key.region.width == len(key.key_display) + 1 + len(key.description)
                assert key.region.right <= palette[0].region.x
            if width == 120:
                assert [k.description for k in others][-2:] == ["Structure", "Learn"]

    async def test_learn_opens_at_the_top_of_the_lesson(self, demo: Path):
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            await press(pilot, "l")
            screen = pilot.app.screen
            assert isinstance(screen, LearnScreen)
            assert screen.places  # a page with places, whose list takes the focus
            assert screen.query_one("#learn").scroll_y == 0
            await press(pilot, "n")
            assert screen.query_one("#learn").scroll_y == 0

    async def test_do_and_dont_wrap_long_lines(self, demo: Path):
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            await select(pilot, "ASY104", "src/orders/router.py")  # examples up to 91 columns
            await press(pilot, "z")
            detail = screen.query_one(FindingDetail)
            wrapped = 0
            for example_id in ("#dont", "#do"):
                example = detail.query_one(example_id, Static)
                lines = str(example.render()).split("\n")
                assert example.content_region.height >= len(lines)
                if any(len(line) > example.content_region.width for line in lines):
                    assert example.content_region.height > len(lines)
                    wrapped += 1
            assert wrapped


class TestMessagesKeepLineBreaks:
    async def test_a_rule_group_lists_its_files_one_per_line(self, demo: Path):
        async with make_app(demo).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            screen.tree.select_key(("family", "PIN"))
            await press(pilot)
            text = text_of(screen, "#detail-message")
            assert "\\n" not in text
            assert len(text.split("\n")) > 1

    async def test_a_finding_detail_shows_why_its_file_is_served_on_lines(self, demo: Path):
        async with make_app(demo).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            await select(pilot, "ASY104", "src/orders/router.py")
            text = text_of(screen, "#detail-message")
            assert "\\n" not in text
            assert text.split("\n")[-1] == (
                "Served code, as the app imports it: src/main.py → src/orders/router.py."
            )

    async def test_the_scan_failed_screen_shows_the_traceback_on_lines(
        self, shop: Path, monkeypatch: pytest.MonkeyPatch
    ):
        def broken_scan(*args, **kwargs):
            raise RuntimeError("the engine broke")

        monkeypatch.setattr(main_module, "scan", broken_scan)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await pilot.app.workers.wait_for_complete()
            await press(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, ErrorScreen)
            body = text_of(screen, "#error-body")
            assert "\\n" not in body
            assert "RuntimeError: the engine broke" in body.split("\n")


class TestKeysSayWhy:
    async def test_f_without_a_fix_says_so(self, shop: Path, notices: list[str]):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY103", "app/reports.py")  # `with open(...)`: no fix
            await press(pilot, "f")
            assert pilot.app.screen is main_screen(pilot.app)
            assert any("ASY103 has no automatic fix" in notice for notice in notices)

    async def test_shift_f_without_safe_fixes_says_so(self, shop: Path, notices: list[str]):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            main_screen(pilot.app).tree.select_key(("family", "ASY", "rule", "ASY101"))
            await press(pilot)
            await press(pilot, "F")
            assert not isinstance(pilot.app.screen, FixPreviewScreen)
            assert any("No safe fix under this rule" in notice for notice in notices)

    async def test_u_with_nothing_to_undo_says_so(self, shop: Path, notices: list[str]):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await press(pilot, "u")
            assert any("Nothing to undo" in notice for notice in notices)

    async def test_the_palette_shows_unavailable_actions_dimmed_with_the_reason(self, shop: Path):
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY101", "app/main.py")
            await press(pilot, "ctrl+p")
            await pilot.press(*"fix: undo")
            await pilot.pause(0.3)
            options = pilot.app.screen.query_one(CommandList)
            prompts = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            undo = next(p for p in prompts if "fix: undo the last change" in p)
            assert "unavailable: Nothing to undo." in undo
            await press(pilot, "enter")  # choosing it says why, and changes nothing
            assert isinstance(pilot.app.screen, MainScreen)

    async def test_o_with_a_misspelled_editor_shows_an_error_and_stays(
        self, shop: Path, notices: list[str], monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("EDITOR", "vimmm-not-installed")
        monkeypatch.delenv("VISUAL", raising=False)
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await select(pilot, "ASY105", "app/orders.py")
            await press(pilot, "o")
            assert any("$EDITOR names vimmm-not-installed" in notice for notice in notices)
            await press(pilot, "j")  # still answering keys
            assert main_screen(pilot.app).selected_group is not None


class TestCountsAgree:
    async def test_header_group_detail_and_reports_state_the_same_numbers(self, demo: Path):
        result = scan(demo, use_cache=False)
        text = summary(result).plain
        safe, unsafe = map(int, re.search(r"(\d+) fixable with .*\((\d+) more with", text).groups())
        files = int(re.search(r"of (\d+) files", text).group(1))
        assert f"{safe} fixable with `fastaudit check --fix` ({unsafe} more" in markdown.render(
            result
        )
        assert f"of {files} file(s)" in markdown.render(result)
        async with make_app(demo).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main_screen(pilot.app)
            header = text_of(screen, "#summary")
            assert f"{files} files" in header
            assert f"◆ {safe} ◇ {unsafe} fixable" in header
            groups = [node.data for node in screen.tree.root.children]
            safe_in_groups = 0
            for group in groups:
                screen.tree.select_key(group.key)
                await press(pilot)
                meta = text_of(screen, "#detail-meta")
                group_safe = int(re.search(r"◆ (\d+) safe", meta).group(1))
                safe_in_groups += group_safe
                if group_safe:
                    await press(pilot, "F")
                    preview = pilot.app.screen
                    assert isinstance(preview, FixPreviewScreen)
                    assert preview.plan.count == group_safe, group.name
                    await press(pilot, "escape")
            assert safe_in_groups == safe


class TestBrokenConfiguration:
    async def test_a_broken_pyproject_shows_in_the_header(self, shop: Path):
        (shop / "pyproject.toml").write_text("[project\nname = 'shop'\n")
        async with make_app(shop).run_test(size=WIDE) as pilot:
            await settle(pilot)
            header = text_of(main_screen(pilot.app), "#summary")
            assert "⚠ pyproject.toml is not valid TOML" in header


class TestFixPreviewAtEightyByTwentyFour:
    async def test_a_long_unsafe_note_leaves_the_diff_room(self, demo: Path):
        """ASY108's wrap carries a five-line note at 80 columns: it scrolls in its own
        box and the diff keeps most of the dialog."""
        async with make_app(demo).run_test(size=NARROW) as pilot:
            await settle(pilot)
            await select(pilot, "ASY108", "src/auth/service.py")
            await press(pilot, "f")
            preview = pilot.app.screen
            assert isinstance(preview, FixPreviewScreen)
            assert "thread" in preview.plan.note
            meta = preview.query_one("#preview-meta")
            diff = preview.query_one("#preview-diff")
            assert meta.virtual_size.height > meta.size.height  # the note scrolls
            assert diff.size.height >= 6
