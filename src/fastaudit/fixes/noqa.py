"""Adding a ``# noqa: ID`` comment for one finding, only where a comment cannot change code.

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

from fastaudit.fixes.apply import FixError
from fastaudit.model import Finding

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
            # Extend an existing noqa list (E501 becomes E501, ASY102).
            at = start + content.rindex(comment.string) + match.end()
            new = text[:at] + f", {finding.rule}" + text[at:]
        else:
            stripped = content.rstrip()
            at = start + len(stripped)
            new = text[:at] + f"  # noqa: {finding.rule}" + text[end:]
        _same_code(text, new)
        return new
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
