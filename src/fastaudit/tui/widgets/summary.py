"""The summary bar under the header: counts by severity and family, fixes, the matrix,
and problems with the project's configuration (a broken ``pyproject.toml``)."""

from __future__ import annotations

from collections import Counter

from textual.content import Content
from textual.widgets import Static

from fastaudit.model import Finding, Severity
from fastaudit.report.counts import tally
from fastaudit.rules.families import rank
from fastaudit.tui.grouping import family_of
from fastaudit.tui.render import plain, severity_style


def _noun(severity: Severity, count: int) -> str:
    plural = count != 1 and severity is not Severity.INFO
    return f"{severity.value}s" if plural else severity.value


# Below this width the bar is compact: one line at 80 columns (the project's name, which
# the hidden header no longer shows, severity symbols without nouns, no family counts),
# so the findings tree keeps its room at 80x24.
COMPACT_WIDTH = 110


def summary_content(
    findings: list[Finding],
    files: int,
    matrix: str,
    *,
    scanning: bool = False,
    compact: bool = False,
    name: str = "",
    config_problems: tuple[str, ...] = (),
    settling: bool = False,
) -> Content:
    """``settling``: a fix or an edit was rescanned and the project rules are running
    again in the background; their findings may still move."""
    counts = Counter(f.severity for f in findings)
    families = Counter(family_of(f) for f in findings)
    fixes = tally(findings)
    noun = "file" if files == 1 else "files"
    parts: list[Content] = []
    if compact and name:
        parts.append(Content.styled(plain(name), "bold $text-accent"))
    parts.append(Content.styled(f"{'scanning · ' if scanning else ''}{files} {noun}", "bold"))
    if settling and not scanning:
        parts.append(Content.styled("checking…" if compact else "checking the project…", "italic"))
    if findings:
        parts.append(
            Content(" ").join(
                Content.styled(
                    f"{s.symbol} {counts[s]}" + ("" if compact else f" {_noun(s, counts[s])}"),
                    severity_style(s),
                )
                for s in Severity
                if counts[s]
            )
        )
    elif not scanning:
        parts.append(Content.styled("✔ no findings", "$text-success"))
    if families and not compact:
        shown = sorted(families, key=rank)
        parts.append(Content(" ".join(f"{p} {families[p]}" for p in shown)))
    # The same numbers as the reports: safe ones (`--fix`, F here), then unsafe ones.
    fixed = Content.styled(f"◆ {fixes.safe}", "$text-success")
    if fixes.unsafe:
        fixed += Content.styled(f" ◇ {fixes.unsafe}", "$text-warning")
    fixed += " fixable"
    parts.append(fixed)
    parts.append(Content.styled(matrix, "$text 60%"))
    line = Content(" · ").join(parts)
    for problem in config_problems:
        line += Content("\n") + Content.styled(f"⚠ {plain(problem)} (w lists it)", "$text-warning")
    return line


class SummaryBar(Static):
    def show(
        self,
        findings: list[Finding],
        files: int,
        matrix: str,
        *,
        scanning: bool = False,
        name: str = "",
        config_problems: tuple[str, ...] = (),
        settling: bool = False,
    ) -> None:
        compact = self.app.size.width < COMPACT_WIDTH
        self.update(
            summary_content(
                findings,
                files,
                matrix,
                scanning=scanning,
                compact=compact,
                name=name,
                config_problems=config_problems,
                settling=settling,
            )
        )
