"""The app: wiring only. ``create_app`` is shared by the CLI (``run_app``) and the tests."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from fastaudit.project.discovery import unreadable_root
from fastaudit.tui.commands import AuditCommands
from fastaudit.tui.render import plain
from fastaudit.tui.screens.main import MainScreen
from fastaudit.tui.screens.states import ErrorScreen


def root_problem(root: Path) -> tuple[str, str] | None:
    if problem := unreadable_root(root):
        return "Cannot read the folder", f"{problem[0].upper()}{problem[1:]}."
    if not root.exists():
        return "Not found", f"{root} does not exist. Give the root folder of a project."
    if not root.is_dir():
        return "Not a folder", f"{root} is a file. Give the root folder of a project."
    return None


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while stderr is still the real one.

    A scan of many files starts worker processes, and their queues start the tracker on
    first use, passing it ``sys.stderr.fileno()``. Inside a running Textual app stderr is
    a capture whose fileno is -1, and the start fails ("bad value(s) in fds_to_keep"):
    the scan of any large project would fail. Started here, before the app runs, the
    tracker is already there when the scan needs it."""
    if os.name != "posix":
        return
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


class AuditApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "fastaudit"
    COMMANDS = App.COMMANDS | {AuditCommands}
    # Every screen gets -narrow/-wide and -short/-tall classes: at 80x24 the panes stack,
    # the header gives its line to the findings, the filter and summary take one line each.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, root: Path, *, testing: bool = False, since: str | None = None) -> None:
        start_resource_tracker()
        super().__init__()
        self.root = root
        self.testing = testing
        self.since = since
        self.sub_title = plain(root.name or str(root)) + (
            f" · changes since {plain(since)}" if since else ""
        )
        if testing:
            # Snapshots must not depend on timing.
            self.animation_level = "none"
            self.theme = "textual-dark"

    def get_default_screen(self) -> Screen[Any]:
        if problem := root_problem(self.root):
            return ErrorScreen(*problem)
        return MainScreen(self.root, testing=self.testing, since=self.since)


def create_app(root: Path, *, testing: bool = False, since: str | None = None) -> AuditApp:
    return AuditApp(root, testing=testing, since=since)


def run_app(root: Path, *, since: str | None = None) -> int:
    return create_app(root, since=since).run() or 0


def time_to_first_finding(
    root: Path, *, size: tuple[int, int] = (120, 36), timeout: float = 120.0
) -> float:
    """Seconds from starting the app (headless) until the first finding node is in the
    findings tree. Raises ``TimeoutError`` when none shows within ``timeout``."""

    async def measure() -> float:
        start = time.perf_counter()
        app = create_app(root, testing=True)
        async with app.run_test(size=size):
            while True:
                screen = app.screen
                if isinstance(screen, MainScreen) and screen.tree.first_finding() is not None:
                    return time.perf_counter() - start
                if time.perf_counter() - start > timeout:
                    raise TimeoutError(f"no finding in the tree after {timeout:.0f} s")
                await asyncio.sleep(0.002)
        raise AssertionError("unreachable")

    return asyncio.run(measure())
