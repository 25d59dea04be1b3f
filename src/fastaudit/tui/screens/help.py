"""The help screen: every key of the main screen, the tree's keys, and what symbols mean."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

NAVIGATION = (
    ("↑ ↓  j k", "move in the findings tree"),
    ("← →", "collapse / expand, or go to the parent"),
    ("enter space", "expand or collapse a group"),
    ("tab", "move focus between the tree and the detail pane"),
    ("ctrl+p", "command palette: every action, and jump to a rule"),
)
LEGEND = (
    ("✖ ▲ ●", "error, warning, info (colour shows it too)"),
    ("◆ ◇", "a safe fix exists / an unsafe fix exists (preview it before applying)"),
    ("n", "after a group: how many findings it holds"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, keys: list[tuple[str, str, str]]) -> None:
        """``keys``: (key shown, description, longer explanation) of the main screen."""
        super().__init__()
        self.keys = keys

    def _table(self, rows: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Content:
        width = max(len(key) for key, _ in rows) + 2
        return Content("\n").join(
            Content.assemble((f"  {key:<{width}}", "bold $text-accent"), text) for key, text in rows
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Static(Content.styled("fastaudit — keys", "bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static("Actions", classes="section")
                rows = [(key, f"{text}: {tip}" if tip else text) for key, text, tip in self.keys]
                yield Static(self._table(rows))
                yield Static("Navigation", classes="section")
                yield Static(self._table(NAVIGATION))
                yield Static("Symbols", classes="section")
                yield Static(self._table(LEGEND))
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
