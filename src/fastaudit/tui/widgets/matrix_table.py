"""The dependency matrix as a table: package, where declared, spec, locked, minimum, status."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from fastaudit.project.deps.table import Row
from fastaudit.tui.deps import BELOW
from fastaudit.tui.render import plain

COLUMNS = ("package", "where declared", "spec", "locked", "minimum", "status")


def status_variable(status: str) -> str:
    """The theme colour of a status."""
    if status == "excludes minimum":
        return "text-error"
    if status in BELOW or status.startswith("replaced by") or status == "not declared":
        return "text-warning"
    if status in ("ok", "marker excludes"):
        return "text-success"
    return "text-primary"


class MatrixTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def show(self, rows: list[Row], colors: dict[str, str]) -> None:
        if not self.columns:
            self.add_columns(*COLUMNS)
        self.clear()
        for row in rows:
            cells = (row.package, row.where, row.declared, row.locked, row.minimum)
            # Text cells: DataTable would parse plain strings as markup.
            texts = [Text(plain(cell) or "—") for cell in cells]
            color = colors.get(status_variable(row.status))
            texts.append(Text(plain(row.status), style=Style(color=color, bold=not row.ok)))
            self.add_row(*texts)
