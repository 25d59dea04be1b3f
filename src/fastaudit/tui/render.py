"""Turning findings, code and diffs into styled text, always literally.

File names, messages and code come from the audited project: they are passed through
``literal()`` and wrapped in ``Content``/``Text`` objects, never parsed as markup, so
escape sequences and ``[markup]`` in them are shown as written.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath

from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.highlight import guess_language, highlight

from fastaudit.model import Finding, Safety, Severity
from fastaudit.report.safe import literal
from fastaudit.rules.families import name_of
from fastaudit.tui.grouping import Group, Grouping, rule_title

SEVERITY_VARIABLE = {
    Severity.ERROR: "text-error",
    Severity.WARNING: "text-warning",
    Severity.INFO: "text-primary",
}
CONTEXT_LINES = 3
# Languages by file name or suffix. Guessing (Pygments reads the code) took most of the
# time of a cursor move on a long findings list; these are the files findings are in.
LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".txt": "text",
    ".in": "text",
    ".lock": "toml",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".env": "bash",
    "pipfile": "toml",
}


def plain(text: str) -> str:
    """Untrusted text on one line, control characters made visible."""
    return literal(text, keep_newlines=False)


def severity_style(severity: Severity) -> str:
    return f"${SEVERITY_VARIABLE[severity]}"


def fix_badge(finding: Finding) -> str:
    if finding.fix is None:
        return ""
    return "◆" if finding.fix.safety is Safety.SAFE else "◇"


# -- tree labels (Rich Text: the Tree widget renders Text) ----------------------------


def tree_label(group: Group, grouping: Grouping, colors: dict[str, str]) -> Text:
    severity = group.worst
    color = Style(color=colors.get(SEVERITY_VARIABLE[severity]))
    dim = Style(dim=True)
    label = Text(no_wrap=True, overflow="ellipsis")
    finding = group.finding
    if finding is not None:
        span = finding.span
        label.append(f"{severity.symbol} ", color)
        label.append(f"{span.line}:{span.column} ", dim)
        if grouping is Grouping.FILE:
            label.append(f"{finding.rule} ", Style(bold=True))
        label.append(plain(finding.message))
        if badge := fix_badge(finding):
            safe = finding.fix is not None and finding.fix.safety is Safety.SAFE
            label.append(
                f" {badge}", Style(color=colors.get("text-success" if safe else "text-warning"))
            )
        return label
    label.append(f"{severity.symbol} ", color)
    if group.kind == "family":
        label.append(name_of(group.name), Style(bold=True))
        label.append(f" {group.name}", dim)
    elif group.kind == "rule":
        label.append(group.name, Style(bold=True))
        label.append(f" {plain(rule_title(group.name))}")
    else:
        label.append(plain(group.name))
    label.append(f"  {len(group.findings)}", dim)
    return label


# -- detail pane -----------------------------------------------------------------------


def language_of(path: str, code: str) -> str:
    """The highlighting language of ``path``: by its suffix, else guessed from the code."""
    name = PurePosixPath(path).name.lower()
    suffix = PurePosixPath(name).suffix
    return LANGUAGES.get(suffix) or LANGUAGES.get(name) or guess_language(code, path)


def code_frame(
    text: str, first: int, last: int, span_column: int, span_end: int, path: str = "x.py"
) -> Content:
    """Lines ``first..last`` with context, numbered, the finding's lines highlighted.

    The language (Python, TOML, INI...) is guessed from ``path``."""
    lines = text.split("\n")
    start = max(first - CONTEXT_LINES, 1)
    stop = min(last + CONTEXT_LINES, len(lines))
    window = [literal(line.rstrip("\r"), keep_newlines=False) for line in lines[start - 1 : stop]]
    if not window:
        return Content("(no code to show)")
    code = "\n".join(window)
    highlighted = highlight(code, language=language_of(path, code)).split("\n")
    width = len(str(stop))
    rows = []
    for number, line in zip(range(start, stop + 1), highlighted, strict=False):
        marked = first <= number <= last
        gutter = Content.styled(
            f"{'▶' if marked else ' '} {number:>{width}} │ ",
            "$text-error bold" if marked else "$text 50%",
        )
        if marked:
            begin = span_column - 1 if number == first else 0
            end = span_end - 1 if number == last else len(line.plain)
            if end <= begin:
                end = len(line.plain)
            line = line.stylize("on $error-muted", begin, end)
        rows.append(gutter + line)
    return Content("\n").join(rows)


@lru_cache(maxsize=256)
def example(code: str) -> Content:
    """A Do or Don't example, highlighted (once: rules' examples do not change)."""
    return highlight(code.rstrip("\n"), language="python")


def fix_line(finding: Finding) -> Content:
    if finding.fix is None:
        return Content.styled("No automatic fix: see Do and Don't below.", "$text 60%")
    fix = finding.fix
    if fix.safety is Safety.SAFE:
        head = Content.styled("◆ Safe fix (f): ", "$text-success bold")
    else:
        head = Content.styled("◇ Unsafe fix (f, review it): ", "$text-warning bold")
    body = head + Content(plain(fix.description))
    if fix.note:
        body += Content.styled(f" — {plain(fix.note)}", "$text 70%")
    return body
