"""The output formats of ``fastaudit check``: one table, read by the argument parser (its
choices) and by the check (which renderer, and what else the report shows).

The parser reads this table on every start, so it imports nothing heavy: each renderer
imports its module when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from fastaudit.audit.scan import ScanResult

# (result, console, --statistics) -> None: the report, written to the console's file.
Renderer = Callable[["ScanResult", "Console", bool], None]


@dataclass(frozen=True, slots=True)
class ReportFormat:
    name: str
    render: Renderer
    # A report for people: after the findings, the --since and baseline notes and, with
    # --fix, how many problems were fixed. Machine formats have no place for them.
    shows_notes: bool = False
    # No place for the scan's warnings in the report: they go to stderr instead.
    warnings_to_stderr: bool = False


def _full(result: ScanResult, console: Console, statistics: bool) -> None:
    from fastaudit.report import text

    text.render(result, console, show_statistics=statistics)


def _concise(result: ScanResult, console: Console, statistics: bool) -> None:
    if statistics:  # the counts per rule are the same table in both
        _full(result, console, statistics)
        return
    from fastaudit.report import concise

    concise.render(result, console)


def _json(result: ScanResult, console: Console, statistics: bool) -> None:
    from fastaudit.report import json_report

    console.file.write(json_report.render(result) + "\n")


def _sarif(result: ScanResult, console: Console, statistics: bool) -> None:
    from fastaudit.report import sarif

    console.file.write(sarif.render(result) + "\n")


def _github(result: ScanResult, console: Console, statistics: bool) -> None:
    from fastaudit.report import github

    rendered = github.render(result)
    if rendered:  # no findings: no output at all, not an empty line
        console.file.write(rendered + "\n")


def _markdown(result: ScanResult, console: Console, statistics: bool) -> None:
    from fastaudit.report import markdown

    console.file.write(markdown.render(result))


# In the order ``--help`` lists them. "full" and "text" are the same report: "full" is
# ruff's name for it.
FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("full", _full, shows_notes=True),
        ReportFormat("text", _full, shows_notes=True),
        ReportFormat("concise", _concise, shows_notes=True),
        ReportFormat("json", _json),
        ReportFormat("sarif", _sarif, warnings_to_stderr=True),
        ReportFormat("github", _github, warnings_to_stderr=True),
        ReportFormat("markdown", _markdown),
    )
}
