"""``--output-format concise``: one line per finding, as ``ruff --output-format concise``.

``path:line:col: RULE [*] message``, where ``[*]`` marks a finding ``--fix`` can fix
safely; editors and ``grep`` read it as they read compiler output. The summary follows.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from fastaudit.audit.scan import ScanResult
from fastaudit.model import Finding, Safety
from fastaudit.report.safe import literal
from fastaudit.report.text import SEVERITY_STYLE, summary


def line(finding: Finding) -> Text:
    text = Text()
    text.append(literal(finding.path, keep_newlines=False), style="bold")
    text.append(f":{finding.span.line}:{finding.span.column}: ")
    text.append(finding.rule, style=SEVERITY_STYLE[finding.severity])
    if finding.fix is not None and finding.fix.safety is Safety.SAFE:
        text.append(" [*]", style="green")
    text.append(" ")
    text.append(literal(finding.message, keep_newlines=False))
    return text


def render(result: ScanResult, console: Console) -> None:
    for warning in result.warnings:
        console.print(Text("warning: ", style="yellow").append(literal(warning)))
    for finding in result.findings:
        console.print(line(finding))
    console.print(summary(result))
