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

# (result, console, --statistics) -> None: a report for people, written to the console.
Renderer = Callable[["ScanResult", "Console", bool], None]
# (result) -> the report's whole text: a machine format, written as it is (no console,
# and so no import of rich, is needed for it).
Writer = Callable[["ScanResult"], str]


@dataclass(frozen=True, slots=True)
class ReportFormat:
    name: str
    # Exactly one of the two: how a report for people is rendered, or a machine
    # format's text.
    render: Renderer | None = None
    text: Writer | None = None
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


def _json(result: ScanResult) -> str:
    from fastaudit.report import json_report

    return json_report.render(result) + "\n"


def _sarif(result: ScanResult) -> str:
    from fastaudit.report import sarif

    return sarif.render(result) + "\n"


def _github(result: ScanResult) -> str:
    from fastaudit.report import github

    rendered = github.render(result)
    # No findings: no output at all, not an empty line.
    return rendered + "\n" if rendered else ""


def _markdown(result: ScanResult) -> str:
    from fastaudit.report import markdown

    return markdown.render(result)


# In the order ``--help`` lists them. "full" and "text" are the same report: "full" is
# ruff's name for it.
FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("full", _full, shows_notes=True),
        ReportFormat("text", _full, shows_notes=True),
        ReportFormat("concise", _concise, shows_notes=True),
        ReportFormat("json", text=_json),
        ReportFormat("sarif", text=_sarif, warnings_to_stderr=True),
        ReportFormat("github", text=_github, warnings_to_stderr=True),
        ReportFormat("markdown", text=_markdown),
    )
}
