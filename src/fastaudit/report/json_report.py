"""JSON output: a stable contract other tools read.

``version`` is the version of this format (bumped only on incompatible changes), not of
fastaudit. Each finding has rule, severity, path, line, column, end_line, end_column,
message and fixable; extra keys may be added over time, never removed. ``related`` lists
the other places a finding involves (each link of a call chain, the other places of a
one-decision finding): path, line, label, and column/end_line/end_column or null when the
rule knows only the line.
"""

from __future__ import annotations

import json
from typing import Any

from fastaudit import __version__
from fastaudit.audit.scan import ScanResult
from fastaudit.model import Finding, Location

FORMAT_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    fix = finding.fix
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "message": finding.message,
        "detail": finding.detail or finding.message,
        "fixable": fix is not None,
        "fix": None
        if fix is None
        else {"description": fix.description, "safety": fix.safety.value, "note": fix.note},
        "title": finding.title,
        "related": [location_dict(place) for place in finding.related],
    }


def location_dict(place: Location) -> dict[str, Any]:
    span = place.span
    return {
        "path": place.path,
        "line": place.line,
        "column": span.column if span is not None else None,
        "end_line": span.end_line if span is not None else None,
        "end_column": span.end_column if span is not None else None,
        "label": place.label,
    }


def render(result: ScanResult) -> str:
    counts = result.counts()
    payload = {
        "version": FORMAT_VERSION,
        "tool": {"name": "fastaudit", "version": __version__},
        "root": str(result.root),
        "summary": {
            "files": result.file_count,
            "findings": len(result.findings),
            "fixable": sum(1 for f in result.findings if f.fixable),
            "by_severity": {s.value: n for s, n in counts.items()},
        },
        "findings": [finding_dict(f) for f in result.findings],
        "warnings": list(result.warnings),
        "notes": list(result.notes),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)
