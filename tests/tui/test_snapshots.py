"""Snapshot tests, one class per feature, at fixed terminal sizes.

Review the report (``pytest --snapshot-report``) before ``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fastaudit.tui.screens import main as main_module

from .conftest import NARROW, WIDE, make_app, press, select, settle

pytestmark = pytest.mark.slow

BIG = (160, 48)
SIZES = pytest.mark.parametrize("size", [NARROW, BIG], ids=["80x24", "160x48"])


class TestMainScreen:
    def test_main_screen(self, snap_compare, shop: Path):
        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=settle)

    def test_narrow_layout_stacks_panes(self, snap_compare, shop: Path):
        assert snap_compare(make_app(shop), terminal_size=NARROW, run_before=settle)

    def test_grouped_by_file(self, snap_compare, shop: Path):
        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=settle, press=["g"])

    def test_filtered(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "slash", *"sleep", "enter")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)


class TestFindingDetail:
    def test_async_finding_with_safe_fix(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            await select(pilot, "ASY102", "app/orders.py")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)

    def test_dependencies_finding(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            await select(pilot, "DEP101", "app/users.py")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)

    def test_scan_finding(self, snap_compare, broken_shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            await select(pilot, "SCN001", "app/broken.py")

        assert snap_compare(make_app(broken_shop), terminal_size=WIDE, run_before=run_before)

    def test_rule_group(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.screen.tree.select_key(("family", "ASY", "rule", "ASY102"))
            await press(pilot)

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)


# One finding of each family, on the demo project (which seeds them all).
FAMILY_EXAMPLES = [
    ("ASY103", "src/catalog/images.py"),
    ("DEP102", "src/catalog/router.py"),
    ("RTE101", "src/catalog/router.py"),
    ("LIB101", "src/orders/webhooks.py"),
    ("PYD101", "src/catalog/cache.py"),
    ("PIN105", "pyproject.toml"),
    ("STR101", "backoffice/main.py"),
    ("SET101", "src/config.py"),
    ("DBS101", "src/database.py"),
    ("MIG101", "alembic.ini"),
    ("DOC101", "src/auth/router.py"),
    ("TST101", "tests/test_auth.py"),
    ("TLG101", "pyproject.toml"),
]


class TestEachFamily:
    @pytest.mark.parametrize(
        ("rule", "path"), FAMILY_EXAMPLES, ids=[rule for rule, _ in FAMILY_EXAMPLES]
    )
    def test_finding_of_family(self, snap_compare, demo: Path, rule: str, path: str):
        async def run_before(pilot):
            await settle(pilot)
            await select(pilot, rule, path)

        assert snap_compare(make_app(demo), terminal_size=WIDE, run_before=run_before)


class TestFixing:
    @staticmethod
    async def on_fixable(pilot) -> None:
        await settle(pilot)
        await select(pilot, "ASY102", "app/main.py")

    def test_fix_preview(self, snap_compare, shop: Path):
        assert snap_compare(
            make_app(shop), terminal_size=WIDE, run_before=self.on_fixable, press=["f"]
        )

    def test_after_fix(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await self.on_fixable(pilot)
            await press(pilot, "f", "enter")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)

    def test_after_undo(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await self.on_fixable(pilot)
            await press(pilot, "f", "enter", "u")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)

    def test_fix_all_preview(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.screen.tree.select_key(("family", "ASY"))
            await press(pilot, "F")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)

    def test_suppression_preview(self, snap_compare, shop: Path):
        async def run_before(pilot):
            await settle(pilot)
            await select(pilot, "ASY105", "app/orders.py")
            await press(pilot, "i")

        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=run_before)

    def test_fix_preview_narrow(self, snap_compare, shop: Path):
        assert snap_compare(
            make_app(shop), terminal_size=NARROW, run_before=self.on_fixable, press=["f"]
        )


class TestScreens:
    def test_help(self, snap_compare, shop: Path):
        assert snap_compare(
            make_app(shop), terminal_size=WIDE, run_before=settle, press=["question_mark"]
        )

    def test_dependency_view(self, snap_compare, shop: Path):
        assert snap_compare(make_app(shop), terminal_size=WIDE, run_before=settle, press=["d"])

    def test_scan_problems(self, snap_compare, broken_shop: Path):
        assert snap_compare(
            make_app(broken_shop), terminal_size=WIDE, run_before=settle, press=["w"]
        )


class TestDependencyMatrix:
    def test_matrix(self, snap_compare, flatshop: Path):
        assert snap_compare(make_app(flatshop), terminal_size=WIDE, run_before=settle, press=["d"])

    def test_matrix_narrow(self, snap_compare, flatshop: Path):
        assert snap_compare(
            make_app(flatshop), terminal_size=NARROW, run_before=settle, press=["d"]
        )


class TestStructureView:
    def test_file_type_layout_side_by_side(self, snap_compare, flatshop: Path):
        assert snap_compare(make_app(flatshop), terminal_size=WIDE, run_before=settle, press=["s"])

    def test_file_type_layout_stacked(self, snap_compare, flatshop: Path):
        assert snap_compare(
            make_app(flatshop), terminal_size=NARROW, run_before=settle, press=["s"]
        )


class TestLearnView:
    def test_area_with_places(self, snap_compare, shop: Path):
        assert snap_compare(
            make_app(shop), terminal_size=WIDE, run_before=settle, press=["l", "n", "m"]
        )

    def test_area_narrow(self, snap_compare, shop: Path):
        assert snap_compare(
            make_app(shop), terminal_size=NARROW, run_before=settle, press=["l", "n"]
        )


class TestStates:
    def test_clean_project(self, snap_compare, clean: Path):
        assert snap_compare(make_app(clean), terminal_size=WIDE, run_before=settle)

    def test_no_python_files(self, snap_compare, no_python: Path):
        assert snap_compare(make_app(no_python), terminal_size=WIDE, run_before=settle)

    def test_not_a_directory(self, snap_compare):
        app = make_app(Path("no-such-project"))
        assert snap_compare(app, terminal_size=WIDE)

    def test_not_a_directory_narrow(self, snap_compare):
        assert snap_compare(make_app(Path("no-such-project")), terminal_size=NARROW)


class TestEveryScreenAtTwoSizes:
    """Each screen at 80x24 and at 160x48 (issue 11, section 4)."""

    @SIZES
    def test_main(self, snap_compare, demo: Path, size):
        assert snap_compare(make_app(demo), terminal_size=size, run_before=settle)

    @SIZES
    def test_filter_open(self, snap_compare, demo: Path, size):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "slash", *"orm")

        assert snap_compare(make_app(demo), terminal_size=size, run_before=run_before)

    @SIZES
    def test_detail_zoomed(self, snap_compare, demo: Path, size):
        async def run_before(pilot):
            await settle(pilot)
            await select(pilot, "ASY104", "src/orders/router.py")
            await press(pilot, "z")

        assert snap_compare(make_app(demo), terminal_size=size, run_before=run_before)

    @SIZES
    def test_rule_group(self, snap_compare, demo: Path, size):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.screen.tree.select_key(("family", "PIN", "rule", "PIN101"))
            await press(pilot)

        assert snap_compare(make_app(demo), terminal_size=size, run_before=run_before)

    @SIZES
    def test_fix_all_preview(self, snap_compare, demo: Path, size):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.screen.tree.select_key(("family", "PYD"))
            await press(pilot, "F")

        assert snap_compare(make_app(demo), terminal_size=size, run_before=run_before)

    @SIZES
    def test_help(self, snap_compare, shop: Path, size):
        assert snap_compare(
            make_app(shop), terminal_size=size, run_before=settle, press=["question_mark"]
        )

    @SIZES
    def test_dependency_matrix(self, snap_compare, demo: Path, size):
        assert snap_compare(make_app(demo), terminal_size=size, run_before=settle, press=["d"])

    @SIZES
    def test_structure(self, snap_compare, demo: Path, size):
        assert snap_compare(make_app(demo), terminal_size=size, run_before=settle, press=["s"])

    @SIZES
    def test_learn(self, snap_compare, demo: Path, size):
        assert snap_compare(make_app(demo), terminal_size=size, run_before=settle, press=["l"])

    @SIZES
    def test_scan_problems(self, snap_compare, broken_shop: Path, size):
        assert snap_compare(
            make_app(broken_shop), terminal_size=size, run_before=settle, press=["w"]
        )

    @SIZES
    def test_broken_pyproject(self, snap_compare, shop: Path, size):
        (shop / "pyproject.toml").write_text("[project\nname = 'shop'\n")
        assert snap_compare(make_app(shop), terminal_size=size, run_before=settle)

    @SIZES
    def test_not_a_folder(self, snap_compare, size):
        assert snap_compare(make_app(Path("no-such-project")), terminal_size=size)

    @SIZES
    def test_scan_failed(self, snap_compare, shop: Path, size, monkeypatch: pytest.MonkeyPatch):
        def broken_scan(*args, **kwargs):
            raise RuntimeError("the engine broke")

        monkeypatch.setattr(main_module, "scan", broken_scan)
        # The real traceback names this machine's paths and line numbers.
        trace = (
            "Traceback (most recent call last):\n"
            '  File "fastaudit/tui/screens/main.py", line 1, in run_scan\n'
            "    result = scan(self.root, progress=progress, since=self.since)\n"
            "RuntimeError: the engine broke\n"
        )
        monkeypatch.setattr(main_module.traceback, "format_exc", lambda limit=None: trace)

        async def run_before(pilot):
            await pilot.app.workers.wait_for_complete()
            await press(pilot)

        assert snap_compare(make_app(shop), terminal_size=size, run_before=run_before)
