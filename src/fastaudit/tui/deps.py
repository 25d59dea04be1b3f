"""Rows of the Dependency view.

``dependency_rows`` is the one seam where the dependency matrix plugs in: once
``fastaudit.report.matrix`` exists, build these rows from it (package, where declared,
spec, locked, minimum, status). Until then the view shows the PIN-family findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastaudit.engine.scan import ScanResult
from fastaudit.model import Finding, Severity

_QUOTED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True, slots=True)
class DependencyRow:
    package: str
    declared: str
    spec: str
    locked: str
    minimum: str
    status: str
    severity: Severity | None = None
    finding: Finding | None = None


def matrix_status(result: ScanResult | None) -> str:
    """One line for the summary bar."""
    if result is None:
        return "deps: …"
    pins = [f for f in result.findings if f.rule.startswith("PIN")]
    return f"deps: {len(pins)} pin"


def dependency_rows(result: ScanResult) -> list[DependencyRow]:
    """The rows of the Dependency view. THE seam for ``report.matrix`` rows."""
    rows = []
    for finding in result.findings:
        if not finding.rule.startswith("PIN"):
            continue
        quoted = _QUOTED.search(finding.message)
        rows.append(
            DependencyRow(
                package=quoted.group(1) if quoted else "",
                declared=f"{finding.path}:{finding.span.line}",
                spec="",
                locked="",
                minimum="",
                status=f"{finding.rule} {finding.message}",
                severity=finding.severity,
                finding=finding,
            )
        )
    return rows
