"""The dependency matrix as a table: package, where declared, spec, locked, minimum, status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from fastaudit.tui.deps import DependencyRow
from fastaudit.tui.render import plain

COLUMNS = ("package", "where declared", "spec", "locked", "minimum", "status")


class MatrixTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def show(self, rows: list[DependencyRow]) -> None:
        if not self.columns:
            self.add_columns(*COLUMNS)
        self.clear()
        for row in rows:
            cells = (row.package, row.declared, row.spec, row.locked, row.minimum, row.status)
            # Text cells: DataTable would parse plain strings as markup.
            self.add_row(*(Text(plain(cell)) for cell in cells))
