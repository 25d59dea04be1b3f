"""The compatibility matrix as a table: package, where declared, declared spec, locked
version, minimum, status. Everything from the project is printed literally."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fastaudit.project.deps.table import Row
from fastaudit.report.safe import literal

_STYLE = {
    "ok": "green",
    "marker excludes": "dim",
    "not checkable": "cyan",
    "not declared": "yellow",
    "admits older": "yellow",
    "lock below": "yellow",
    "pinned below": "yellow",
    "excludes minimum": "bold red",
}


def matrix_table(rows: list[Row]) -> Table:
    table = Table(
        title="Dependency matrix", title_justify="left", header_style="bold", box=box.SIMPLE
    )
    for column in ("Package", "Declared in", "Declared", "Locked", "Minimum", "Status"):
        # Fold rather than cut: a truncated file name or spec is useless.
        table.add_column(column, no_wrap=column == "Minimum", overflow="fold")
    for row in rows:
        style = "yellow" if row.status.startswith("replaced") else _STYLE.get(row.status, "")
        table.add_row(
            Text(literal(row.package)),
            Text(literal(row.where) or "—", style="dim" if not row.where else ""),
            Text(literal(row.declared) or "—"),
            Text(literal(row.locked) or "—"),
            Text(row.minimum or "—"),
            Text(row.status, style=style),
        )
    return table


def render_matrix(rows: list[Row], console: Console) -> None:
    if not rows:
        console.print(Text("No dependency of the matrix is declared or locked here."))
        return
    console.print(matrix_table(rows))
