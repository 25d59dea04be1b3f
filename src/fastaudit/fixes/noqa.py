"""Adding a ``# noqa: ID`` comment for a finding, only where a comment cannot change code:
one at a time for the auditor's ``i``, every reported finding for ``check --add-noqa``.

A comment is placed at the end of the finding's first line (or its last line, which the
engine also honours). It is refused when that line ends inside a multi-line string
(the "comment" would become part of the string) or with a backslash continuation (a
comment there is a syntax error). The result must parse to exactly the same AST.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fastaudit.audit.scan import ONE_DECISION, ScanResult
from fastaudit.fixes.apply import FixError, Written, atomic_write, ensure_inside
from fastaudit.model import Finding, Span
from fastaudit.project.source import SourceError, decode, digest_bytes, read_bytes

_NOQA_IDS = re.compile(r"#\s*noqa:\s*[A-Za-z]+\d+(?:\s*,\s*[A-Za-z]+\d+)*", re.IGNORECASE)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.IGNORECASE)


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise FixError(f"cannot read the file's tokens ({exc}); add the comment by hand") from exc


def _inside_lines(tokens: list[tokenize.TokenInfo]) -> set[int]:
    """Lines whose end lies inside a string (including f-strings spanning lines)."""
    inside: set[int] = set()
    starts: list[int] = []
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    for token in tokens:
        if fstring_start is not None and token.type == fstring_start:
            starts.append(token.start[0])
        elif fstring_end is not None and token.type == fstring_end and starts:
            inside.update(range(starts.pop(), token.end[0]))
        elif token.end[0] > token.start[0] and token.type != tokenize.NL:
            inside.update(range(token.start[0], token.end[0]))
    return inside


def _line_bounds(text: str, line: int) -> tuple[int, int]:
    """Character offsets of the start and end (before the line ending) of ``line``."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    if end == -1:
        end = len(text)
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def _why_unsafe(line: int, content: str, inside: set[int]) -> str | None:
    if line in inside:
        return f"line {line} ends inside a multi-line string"
    if content.rstrip().endswith("\\"):
        return f"line {line} ends with a backslash continuation"
    return None


def add_noqa(text: str, finding: Finding) -> str:
    """``text`` with a suppression for ``finding``; raises ``FixError`` when unsafe."""
    return place_noqa(text, finding)[0]


def place_noqa(text: str, finding: Finding) -> tuple[str, int | None]:
    """``add_noqa``, also returning the line it edited: ``None`` when the line's
    ``# noqa`` list already names the rule (a second finding of it on that line)."""
    tokens = _tokens(text)
    inside = _inside_lines(tokens)
    comments = {t.start[0]: t for t in tokens if t.type == tokenize.COMMENT}
    candidates = [finding.span.line]
    if finding.span.end_line != finding.span.line:
        candidates.append(finding.span.end_line)
    reasons = []
    for line in candidates:
        start, end = _line_bounds(text, line)
        content = text[start:end]
        if reason := _why_unsafe(line, content, inside):
            reasons.append(reason)
            continue
        comment = comments.get(line)
        if comment is not None and _BARE_NOQA.search(comment.string):
            raise FixError(f"line {line} already has a bare `# noqa` comment")
        if comment is not None and (match := _NOQA_IDS.search(comment.string)):
            listed = re.findall(r"[A-Za-z]+\d+", match.group().partition(":")[2])
            if any(finding.rule.startswith(i.upper()) for i in listed):
                return text, None  # prefixes count, as the engine reads them
            # Extend an existing noqa list (E501 becomes E501, ASY102).
            at = start + content.rindex(comment.string) + match.end()
            new = text[:at] + f", {finding.rule}" + text[at:]
        else:
            stripped = content.rstrip()
            at = start + len(stripped)
            new = text[:at] + f"  # noqa: {finding.rule}" + text[end:]
        _same_code(text, new)
        return new, line
    raise FixError(
        "; ".join(reasons) + ": a comment there would change the code. Add the suppression by hand."
    )


def _same_code(old: str, new: str) -> None:
    try:
        same = ast.dump(ast.parse(old)) == ast.dump(ast.parse(new))
    except SyntaxError as exc:
        raise FixError(f"the comment would leave invalid Python ({exc.msg}); not added") from exc
    if not same:
        raise FixError("the comment would change the code; not added")


@dataclass(slots=True)
class NoqaReport:
    """What ``add_noqa_comments`` did, for the summary."""

    added: int = 0  # comments added or extended: one per line, as ruff counts them
    # Findings no suppression comment can reach: outside Python code (a pin in
    # pyproject.toml), or in a Python file that does not parse.
    skipped: int = 0
    # Findings left as they are, with why: a comment there could change the code.
    refused: list[str] = field(default_factory=list)
    # Files not written (changed since the scan, read-only...).
    errors: list[str] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)


def add_noqa_comments(result: ScanResult, findings: Iterable[Finding]) -> NoqaReport:
    """A ``# noqa: ID`` comment for each of ``findings``, one safe write per file.

    A file that changed since the scan is not written; one file failing never stops
    the others."""
    report = NoqaReport()
    commentable = _commentable(result)
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if (finding.rule, finding.path, finding.span) not in commentable:
            report.skipped += 1
            continue
        for place in [finding, *_same_decision(finding, commentable.values())]:
            by_path.setdefault(place.path, []).append(place)
    for path in sorted(by_path):
        try:
            _comment_file(result, path, by_path[path], report)
        except FixError as exc:
            report.errors.append(str(exc))
    return report


def _commentable(result: ScanResult) -> dict[tuple[str, str, Span], Finding]:
    """The findings the engine reads ``# noqa`` comments for: those on the lines of a
    parsed Python file, whether its walk or a project rule reported them (a blocking
    chain starting at a call, an undeclared import). Findings in other files (a
    dependency file, the layout) and in unreadable files take no comment."""
    found: dict[tuple[str, str, Span], Finding] = {}
    by_path: dict[str, list[Finding]] = {}
    for finding in result.project_findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path in result.files:
        for finding in _on_lines(result, path, by_path.get(path, [])):
            found[(finding.rule, finding.path, finding.span)] = finding
    return found


def _on_lines(result: ScanResult, path: str, project: Iterable[Finding] = ()) -> list[Finding]:
    """What the walk of the Python file ``path`` reported, and ``project``, the project
    rules' findings there (nothing when the file was not parsed)."""
    outcome = result.files.get(path)
    if outcome is None or not outcome.parsed or not path.endswith(".py"):
        return []
    return [*outcome.findings, *(d.finding for d in outcome.deferred), *project]


def takes_noqa(result: ScanResult, finding: Finding) -> bool:
    """Whether a ``# noqa`` comment can suppress ``finding`` (see ``_commentable``)."""
    key = (finding.rule, finding.span)
    project = [f for f in result.project_findings if f.path == finding.path]
    return any(
        (found.rule, found.span) == key for found in _on_lines(result, finding.path, project)
    )


def _same_decision(finding: Finding, candidates: Iterable[Finding]) -> list[Finding]:
    """The places a one-decision finding stands for besides its own (the scan reports
    one plural table name, its related locations the others): suppressing the finding
    suppresses the decision, or the next place would be reported in its stead."""
    if finding.rule not in ONE_DECISION or not finding.related:
        return []
    places = {(place.path, place.line) for place in finding.related}
    return [
        other
        for other in candidates
        if other.rule == finding.rule
        and other.fix is None
        and (other.path, other.span) != (finding.path, finding.span)
        and (other.path, other.span.line) in places
    ]


def _comment_file(
    result: ScanResult, path: str, findings: list[Finding], report: NoqaReport
) -> None:
    root = result.root
    ensure_inside(root, Path(path))
    try:
        old = read_bytes(root / path, result.config.max_file_size)
        source = decode(old)
    except SourceError as exc:
        raise FixError(f"{path}: {exc.message}") from exc
    expected = result.digest_of(path)
    if expected and digest_bytes(old) != expected:
        raise FixError(f"{path}: changed on disk since it was scanned; rescan first")
    text = source.text
    lines: set[int] = set()
    for finding in sorted(findings, key=Finding.sort_key):
        try:
            text, line = place_noqa(text, finding)
        except FixError as exc:
            report.refused.append(f"{path}:{finding.span.line}: {finding.rule} left as is: {exc}")
            continue
        if line is not None:
            lines.add(line)
    if lines:
        report.written.append(atomic_write(root, path, source.encode(text), old))
        report.added += len(lines)
