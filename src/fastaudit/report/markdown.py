"""Markdown output, ready to paste into a pull request: a summary table, each finding
with a code frame, and each rule's Do / Don't once, folded."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from fastaudit.audit.scan import ScanResult
from fastaudit.model import Finding, Severity
from fastaudit.project.source import SourceError, decode, read_bytes
from fastaudit.report.counts import audited_files, fix_sentence, tally
from fastaudit.report.safe import literal
from fastaudit.rules import all_rules

_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}


def _fence(code: str, language: str = "python") -> str:
    # A fence longer than any backtick run inside the code, so code cannot close it.
    longest = max((len(run) for run in code.split("\n") if set(run) == {"`"}), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{code.rstrip()}\n{ticks}"


def _cell(text: str) -> str:
    return literal(text, keep_newlines=False).replace("|", "\\|")


def _frame(lines: list[str], finding: Finding) -> str:
    first = max(1, finding.span.line - 1)
    last = min(len(lines), finding.span.end_line + 1)
    width = len(str(last))
    rows = []
    for number in range(first, last + 1):
        marker = ">" if finding.span.line <= number <= finding.span.end_line else " "
        rows.append(
            f"{marker} {number:>{width}} | {literal(lines[number - 1], keep_newlines=False)}"
        )
    return _fence("\n".join(rows), "text")


def render(result: ScanResult, *, title: str = "fastaudit report") -> str:
    findings = result.findings
    out = [f"## {title}", ""]
    if not findings:
        out.append(f"✅ No problems found in {audited_files(result.files, findings)} files.")
        return "\n".join(out) + "\n"
    counts = result.counts()
    fixes = tally(findings)
    out.append(
        f"**{len(findings)} problem(s)** in {len({f.path for f in findings})} of "
        f"{audited_files(result.files, findings)} file(s): "
        + ", ".join(f"{_ICON[s]} {counts[s]} {s.value}" for s in Severity if counts[s])
        + (f" — {fix_sentence(fixes)}" if fixes.fixable else "")
    )
    out += ["", "| rule | title | count | fixable |", "|---|---|---:|:---:|"]
    per_rule = Counter(f.rule for f in findings)
    rules = all_rules()
    for rule_id, count in sorted(per_rule.items()):
        rule = rules.get(rule_id)
        can_fix = any(f.fix is not None for f in findings if f.rule == rule_id)
        title_text = rule.title if rule else rule_id
        out.append(f"| `{rule_id}` | {_cell(title_text)} | {count} | {'✓' if can_fix else ''} |")
    out += ["", "### Findings", ""]
    for path, group in groupby(findings, key=lambda f: f.path):
        try:
            lines: list[str] | None = decode(read_bytes(result.root / path)).lines
        except (SourceError, OSError):
            lines = None
        out.append(f"#### `{_cell(path)}`")
        out.append("")
        for finding in group:
            out.append(
                f"- {_ICON[finding.severity]} **{finding.rule}** line {finding.span.line}: "
                f"{_cell(finding.message)}"
            )
            if lines is not None and finding.span.line <= len(lines):
                out += ["", _indent(_frame(lines, finding)), ""]
            if finding.fix is not None:
                out.append(
                    f"  - fix ({finding.fix.safety.value}): {_cell(finding.fix.description)}"
                )
        out.append("")
    out += ["### What to do", ""]
    for rule_id in sorted(per_rule):
        rule = rules.get(rule_id)
        if rule is None:
            continue
        out += [
            "<details>",
            f"<summary><code>{rule_id}</code> {_cell(rule.title)}</summary>",
            "",
            rule.rationale,
            "",
            "**Don't**",
            "",
            _fence(rule.dont),
            "",
            "**Do**",
            "",
            _fence(rule.do),
            "",
            "</details>",
            "",
        ]
    return "\n".join(out)


def _indent(block: str) -> str:
    return "\n".join("  " + line if line else line for line in block.splitlines())
