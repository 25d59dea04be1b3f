"""The human report: findings grouped by file, each with a code frame, then a summary.

Many findings get an overview first: the counts per rule, most frequent first.

Everything from the audited project goes through :func:`literal` and into Rich ``Text``
objects, so escape sequences and ``[markup]`` in file names or code print as written.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.text import Text

from fastaudit.audit.scan import ScanResult
from fastaudit.model import Finding, Severity
from fastaudit.project.source import SourceError, decode, read_bytes
from fastaudit.report.counts import audited_files, tally
from fastaudit.report.safe import literal

SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}
CONTEXT_LINES = 1
# From this many findings on, the counts per rule come first: on a legacy code base the
# details run to thousands of lines, and what to tackle first is the first question.
OVERVIEW_FROM = 20


def _load_lines(result: ScanResult, path: str) -> list[str] | None:
    try:
        return decode(read_bytes(result.root / path, result.config.max_file_size)).lines
    except (SourceError, OSError):
        return None


def _display(line: str) -> str:
    return literal(line, keep_newlines=False).expandtabs(4)


def code_frame(lines: list[str], finding: Finding) -> Text:
    span = finding.span
    first = max(1, span.line - CONTEXT_LINES)
    last = min(len(lines), span.end_line + CONTEXT_LINES)
    width = len(str(last))
    frame = Text()
    gutter = " " * width
    frame.append(f"{gutter} │\n", style="dim")
    for number in range(first, last + 1):
        raw = lines[number - 1] if number - 1 < len(lines) else ""
        shown = _display(raw)
        flagged = span.line <= number <= span.end_line
        frame.append(f"{number:>{width}} │ ", style="bold" if flagged else "dim")
        frame.append(shown + "\n")
        if flagged:
            # Columns count characters of the source; the caret goes under the same
            # characters as displayed (tabs expanded, control characters escaped, wide
            # characters taking two cells).
            total = cell_len(shown)
            if number == span.line:
                start = cell_len(_display(raw[: span.column - 1]))
            else:
                start = total - cell_len(shown.lstrip())
            if number == span.end_line:
                end = cell_len(_display(raw[: span.end_column - 1]))
            else:
                end = total
            start = min(start, total)
            end = max(end, start + 1)
            frame.append(f"{gutter} │ ", style="dim")
            frame.append(" " * start + "^" * (end - start), style=SEVERITY_STYLE[finding.severity])
            if number == span.end_line:
                frame.append(f" {finding.rule}", style=SEVERITY_STYLE[finding.severity])
            frame.append("\n")
    frame.append(f"{gutter} │", style="dim")
    return frame


def render_finding(finding: Finding, lines: list[str] | None) -> RenderableType:
    head = Text()
    head.append(literal(finding.path, keep_newlines=False), style="bold")
    head.append(f":{finding.span.line}:{finding.span.column}: ")
    head.append(finding.rule, style=SEVERITY_STYLE[finding.severity])
    head.append(f" [{finding.severity.value}] ", style=SEVERITY_STYLE[finding.severity])
    head.append(literal(finding.message, keep_newlines=False))
    parts: list[RenderableType] = [head]
    if lines is not None and finding.span.line <= len(lines):
        parts.append(code_frame(lines, finding))
    if finding.fix is not None:
        hint = Text("  = ", style="dim")
        hint.append(f"fix ({finding.fix.safety.value}): ", style="green")
        hint.append(literal(finding.fix.description))
        if finding.fix.note:
            hint.append(f" — {literal(finding.fix.note)}", style="dim")
        parts.append(hint)
    parts.append(Text())
    return Group(*parts)


def summary(result: ScanResult) -> Text:
    counts = result.counts()
    total = len(result.findings)
    text = Text()
    with_findings = {f.path for f in result.findings}
    # Findings in dependency files count those files too, or "3 of 1 files" could show.
    audited = audited_files(result.files, result.findings)
    if total == 0:
        text.append(f"✓ No problems found in {audited} files.", style="bold green")
        return text
    text.append(f"Found {total} problem{'s' if total != 1 else ''} ", style="bold")
    text.append(f"in {len(with_findings)} of {audited} files (")
    pieces = [(s, counts[s]) for s in Severity if counts[s]]
    for i, (severity, count) in enumerate(pieces):
        if i:
            text.append(", ")
        text.append(
            f"{count} {severity.value}{'s' if count != 1 else ''}", style=SEVERITY_STYLE[severity]
        )
    text.append(").")
    fixes = tally(result.findings)
    if fixes.fixable:
        text.append(f"\n{fixes.safe} fixable with `fastaudit check --fix`", style="green")
        if fixes.unsafe:
            text.append(f" ({fixes.unsafe} more with `--unsafe-fixes`)", style="dim")
        text.append(".")
    return text


def statistics(result: ScanResult) -> RenderableType:
    from rich.table import Table

    table = Table(box=None, show_header=True, header_style="bold")
    table.add_column("count", justify="right")
    table.add_column("rule")
    table.add_column("fixable")
    table.add_column("title")
    counter = Counter(f.rule for f in result.findings)
    titles = {f.rule: f.title for f in result.findings}
    fixable = {f.rule for f in result.findings if f.fix is not None}
    for rule_id, count in counter.most_common():
        # Text, not markup: a title may hold `Annotated[...]`.
        table.add_row(
            str(count), Text(rule_id), "✓" if rule_id in fixable else "", Text(titles[rule_id])
        )
    return table


def overview(result: ScanResult) -> Text:
    files = len({f.path for f in result.findings})
    rules = len({f.rule for f in result.findings})
    return Text(
        f"{len(result.findings)} problems in {files} files, from {rules} rules "
        "(details below; `--statistics` shows only these counts, "
        "`--output-format concise` one line per finding):",
        style="bold",
    )


def _print_all(console: Console, rendered: list[RenderableType]) -> None:
    """Rich styles each part as it prints, about a millisecond a finding; into a pipe or
    a file, where no style is shown, the plain text is written as it is (the same
    characters rich would write there, minus the cost)."""
    if not console.is_terminal:
        plain = [_plain(item) for item in rendered]
        if all(text is not None for text in plain):
            console.file.write("".join(f"{text}\n" for text in plain))
            return
    for item in rendered:
        console.print(item)


def _plain(item: RenderableType) -> str | None:
    if isinstance(item, Text):
        return item.plain
    if isinstance(item, Group):
        parts = [_plain(part) for part in item.renderables]
        texts = [part for part in parts if part is not None]
        if len(texts) == len(parts):
            return "\n".join(texts)
    return None


def render(result: ScanResult, console: Console, *, show_statistics: bool = False) -> None:
    for warning in result.warnings:
        console.print(Text("warning: ", style="yellow").append(literal(warning)))
    if show_statistics:
        console.print(statistics(result))
    else:
        if len(result.findings) >= OVERVIEW_FROM:
            console.print(overview(result))
            console.print(statistics(result))
            console.print()
        rendered: list[RenderableType] = []
        for path, group in groupby(result.findings, key=lambda f: f.path):
            lines = _load_lines(result, path)
            rendered.extend(render_finding(finding, lines) for finding in group)
        _print_all(console, rendered)
    console.print(summary(result))
    for note in result.notes:
        console.print(Text(literal(note), style="dim"))
