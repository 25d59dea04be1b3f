"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastaudit import __version__
from fastaudit.audit.scan import ScanResult
from fastaudit.model import Severity, Span
from fastaudit.rules import all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
HELP_URI = "https://github.com/fastaudit/fastaudit/blob/main/docs/rules.md#{id}"


def _rule_descriptor(rule_id: str) -> dict[str, Any]:
    rule = all_rules()[rule_id]
    return {
        "id": rule_id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"{rule.rationale}\n\nDon't:\n{rule.dont}\nDo:\n{rule.do}",
            "markdown": (
                f"{rule.rationale}\n\n**Don't**\n```python\n{rule.dont}```\n\n"
                f"**Do**\n```python\n{rule.do}```"
            ),
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"family": rule.family_name(), "fixable": rule.fixable()},
    }


def _physical(path: str, line: int, span: Span | None) -> dict[str, Any]:
    """A physicalLocation: the span's region, or the whole line when it is None."""
    region: dict[str, int] = {"startLine": line}
    if span is not None:
        region = {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
    # A URI reference: spaces, `%` and non-ASCII are percent-encoded.
    return {
        "artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"},
        "region": region,
    }


def render(result: ScanResult) -> str:
    used = sorted({f.rule for f in result.findings})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    results = []
    for f in result.findings:
        entry: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": f.detail or f.message},
            "locations": [{"physicalLocation": _physical(f.path, f.line, f.span)}],
        }
        if f.related:
            # Ids are unique within a result: a viewer links "[text](id)" in a message.
            entry["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": _physical(place.path, place.line, place.span),
                    "message": {"text": place.label or f"{place.path}:{place.line}"},
                }
                for number, place in enumerate(f.related, 1)
            ]
        if f.fix is not None:
            entry["properties"] = {"fix": f.fix.description, "fixSafety": f.fix.safety.value}
        results.append(entry)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fastaudit",
                        "version": __version__,
                        "informationUri": "https://github.com/fastaudit/fastaudit",
                        "rules": [_rule_descriptor(r) for r in used],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": result.root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
