"""The summary bar under the header: counts by severity and family, fixable, matrix."""

from __future__ import annotations

from collections import Counter

from textual.content import Content
from textual.widgets import Static

from fastaudit.model import Finding, Severity
from fastaudit.rules import FAMILIES
from fastaudit.tui.grouping import family_of
from fastaudit.tui.render import severity_style


def _noun(severity: Severity, count: int) -> str:
    plural = count != 1 and severity is not Severity.INFO
    return f"{severity.value}s" if plural else severity.value


# Below this width the per-family counts are left out (the tree shows them anyway), so
# the bar stays on one or two lines and the tree keeps its room at 80x24.
COMPACT_WIDTH = 110


def summary_content(
    findings: list[Finding],
    files: int,
    matrix: str,
    *,
    scanning: bool = False,
    compact: bool = False,
) -> Content:
    counts = Counter(f.severity for f in findings)
    families = Counter(family_of(f) for f in findings)
    fixable = sum(1 for f in findings if f.fix is not None)
    noun = "file" if files == 1 else "files"
    parts: list[Content] = [
        Content.styled(f"{'scanning · ' if scanning else ''}{files} {noun}", "bold"),
    ]
    if findings:
        parts.append(
            Content(" ").join(
                Content.styled(f"{s.symbol} {counts[s]} {_noun(s, counts[s])}", severity_style(s))
                for s in Severity
                if counts[s]
            )
        )
    elif not scanning:
        parts.append(Content.styled("✔ no findings", "$text-success"))
    if families and not compact:
        order = list(FAMILIES)
        shown = sorted(families, key=lambda p: order.index(p) if p in order else len(order))
        parts.append(Content(" ".join(f"{p} {families[p]}" for p in shown)))
    parts.append(Content.styled(f"◆ {fixable} fixable", "$text-success"))
    parts.append(Content.styled(matrix, "$text 60%"))
    return Content(" · ").join(parts)


class SummaryBar(Static):
    def show(
        self, findings: list[Finding], files: int, matrix: str, *, scanning: bool = False
    ) -> None:
        compact = self.app.size.width < COMPACT_WIDTH
        self.update(summary_content(findings, files, matrix, scanning=scanning, compact=compact))
