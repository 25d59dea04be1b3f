"""The Dependency view: the matrix table (PIN-family findings until the matrix exists)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fastaudit.tui.deps import DependencyRow
from fastaudit.tui.widgets.matrix_table import MatrixTable


class DependencyScreen(Screen[None]):
    BINDINGS = [Binding("escape,d", "close", "Back", id="deps.close")]

    def __init__(self, rows: list[DependencyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        note = (
            f"{len(self.rows)} dependency finding(s)."
            if self.rows
            else "No dependency findings. The full matrix (declared, locked, minimum) "
            "appears here once fastaudit can compute it."
        )
        yield Static(Content.styled(note, "$text 70%"), id="deps-note")
        yield MatrixTable(id="matrix")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MatrixTable).show(self.rows)

    def action_close(self) -> None:
        self.dismiss(None)
