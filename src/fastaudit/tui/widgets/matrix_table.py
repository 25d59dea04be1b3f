"""The dependency matrix as a table: package, where declared, spec, locked, minimum, status."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from fastaudit.project.deps.table import Row
from fastaudit.tui.deps import BELOW
from fastaudit.tui.render import plain

# Status second, so it is on screen at 80 columns; the package column stays put when the
# table scrolls sideways.
COLUMNS = ("package", "status", "spec", "locked", "minimum", "where declared")


def status_variable(status: str) -> str:
    """The theme colour of a status."""
    if status == "excludes minimum":
        return "text-error"
    if status in BELOW or status.startswith("replaced by") or status == "not declared":
        return "text-warning"
    if status in ("ok", "marker excludes"):
        return "text-success"
    return "text-primary"


class MatrixTable(DataTable[Text]):  # Text cells only (see show)
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.fixed_columns = 1

    def show(self, rows: list[Row], colors: dict[str, str]) -> None:
        if not self.columns:
            self.add_columns(*COLUMNS)
        self.clear()
        for row in rows:
            color = colors.get(status_variable(row.status))
            status = Text(plain(row.status), style=Style(color=color, bold=not row.ok))
            cells = (row.declared, row.locked, row.minimum, row.where)
            # Text cells: DataTable would parse plain strings as markup.
            self.add_row(Text(plain(row.package)), status, *(Text(plain(c) or "—") for c in cells))
