"""The app: wiring only. ``create_app`` is shared by the CLI (``run_app``) and the tests."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from fastaudit.tui.commands import AuditCommands
from fastaudit.tui.render import plain
from fastaudit.tui.screens.main import MainScreen
from fastaudit.tui.screens.states import ErrorScreen


def root_problem(root: Path) -> tuple[str, str] | None:
    if not root.exists():
        return "Not found", f"{root} does not exist. Give the root folder of a project."
    if not root.is_dir():
        return "Not a folder", f"{root} is a file. Give the root folder of a project."
    return None


class AuditApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "fastaudit"
    COMMANDS = App.COMMANDS | {AuditCommands}

    def __init__(self, root: Path, *, testing: bool = False) -> None:
        super().__init__()
        self.root = root
        self.testing = testing
        self.sub_title = plain(root.name or str(root))
        if testing:
            # Snapshots must not depend on timing.
            self.animation_level = "none"
            self.theme = "textual-dark"

    def get_default_screen(self) -> Screen:
        if problem := root_problem(self.root):
            return ErrorScreen(*problem)
        return MainScreen(self.root, testing=self.testing)


def create_app(root: Path, *, testing: bool = False) -> AuditApp:
    return AuditApp(root, testing=testing)


def run_app(root: Path) -> int:
    return create_app(root).run() or 0
