"""The Dependency view: the compatibility matrix (package, where declared, spec, locked,
minimum, status). Enter on a row goes to the PIN finding at that declaration."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from fastaudit.model import Finding
from fastaudit.project.deps.table import Row
from fastaudit.tui.deps import matrix_status
from fastaudit.tui.render import plain
from fastaudit.tui.widgets.matrix_table import MatrixTable


def row_finding(row: Row, findings: list[Finding]) -> Finding | None:
    """The dependency finding at the row's declaration (``pyproject.toml:8``), if any."""
    path, _, line = row.where.rpartition(":")
    if not path or not line.isdigit():
        return None
    for finding in findings:
        if finding.path == path and finding.span.line == int(line):
            return finding
    return None


class DependencyScreen(Screen[Finding | None]):
    """Dismisses with the finding to show in the main tree, or None."""

    BINDINGS = [Binding("escape,d", "close", "Back", id="deps.close")]

    def __init__(self, rows: list[Row], findings: list[Finding], error: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.findings = findings
        self.error = error

    def compose(self) -> ComposeResult:
        yield Header()
        if self.error:
            note = Content.styled(plain(self.error), "$text-error")
        elif self.rows:
            packages = len({row.package for row in self.rows})
            note = Content.assemble(
                f"{len(self.rows)} declaration(s) of {packages} package(s) the matrix knows · ",
                (matrix_status(self.rows), "bold"),
                (" · enter: the finding at a declaration", "$text 60%"),
            )
        else:
            note = Content.styled(
                "No dependency of the compatibility matrix is declared or locked here.",
                "$text 70%",
            )
        yield Static(note, id="deps-note")
        yield MatrixTable(id="matrix")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(MatrixTable)
        table.show(self.rows, self.app.get_css_variables())
        table.focus()

    @on(DataTable.RowSelected)
    def go_to_finding(self, event: DataTable.RowSelected) -> None:
        finding = row_finding(self.rows[event.cursor_row], self.findings)
        if finding is None:
            self.notify("No finding at this declaration.", timeout=3)
            return
        self.dismiss(finding)

    def action_close(self) -> None:
        self.dismiss(None)
