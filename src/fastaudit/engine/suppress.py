"""Suppression comments: ``# noqa: ASY101``, ``# fastaudit: ignore[ASY101]`` and
``# fastaudit: skip-file``.

Only real comments count (a ``"# noqa"`` inside a string does not), so the file is
tokenized, but only when its text mentions one of the markers at all: files without
them cost one substring search.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from fastaudit.project.source import split_lines
from fastaudit.redirects import canonical

# Codes are letters then digits; the list ends at the first other word, so an
# explanation written after the codes ("async shim") is not read as codes.
_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<ids>[A-Za-z]+[0-9]+(?:[,\s]+[A-Za-z]+[0-9]+)*))?", re.IGNORECASE
)
_IGNORE = re.compile(r"fastaudit:\s*ignore(?:\[(?P<ids>[^\]]*)\])?", re.IGNORECASE)
_SKIP = re.compile(r"fastaudit:\s*skip-file", re.IGNORECASE)
ALL = "*"


@dataclass(slots=True)
class Suppressions:
    skip_file: bool = False
    by_line: dict[int, set[str]] = field(default_factory=dict)
    # (line, id) of ids that name no known rule, for a warning.
    unknown: list[tuple[int, str]] = field(default_factory=list)

    def covers(self, rule_id: str, line: int, end_line: int) -> bool:
        for candidate in (line, end_line):
            ids = self.by_line.get(candidate)
            if ids and (ALL in ids or any(rule_id.startswith(i) for i in ids)):
                return True
        return False


def _ids(raw: str | None) -> set[str]:
    if not raw:
        return {ALL}
    # A code that moved to another family still suppresses its rule under the new code.
    return {canonical(part.strip()) for part in re.split(r"[,\s]+", raw) if part.strip()}


def parse_suppressions(
    text: str,
    known: AbstractSet[str],
    peer_codes: dict[str, frozenset[str]] | None = None,
    lines: Collection[int] | None = None,
    *,
    folded: str | None = None,
) -> Suppressions:
    """The file's suppression comments. ``peer_codes`` maps another tool's code to our
    rules that correspond to it (``RUF006`` -> ASY111): a ``# noqa: RUF006`` written for
    ruff silences the same finding here, so users of both mark it once.

    ``lines``, when given, are the only lines whose suppressions are asked about (those
    the file's findings start or end on): a comment elsewhere that neither skips the
    file nor names an unknown rule changes nothing, and is not looked for. ``folded``:
    ``text`` in lower case, when the caller has it."""
    result = Suppressions()
    lowered = folded if folded is not None else text.lower()
    if "noqa" not in lowered and "fastaudit:" not in lowered:
        return result
    if not _may_suppress(text, known, peer_codes, lines):
        return result
    try:
        # Universal newlines: comment lines are numbered as the parser numbers lines.
        tokens = list(tokenize.generate_tokens(io.StringIO(text, newline=None).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        skip, ids = _comment_ids(token.string, known, peer_codes)
        if skip:
            result.skip_file = True
            continue
        if not ids:
            continue
        for rule_id in ids:
            if _unknown(rule_id, known):
                result.unknown.append((line, rule_id))
        result.by_line.setdefault(line, set()).update(ids)
    return result


def _comment_ids(
    comment: str, known: AbstractSet[str], peer_codes: dict[str, frozenset[str]] | None
) -> tuple[bool, set[str]]:
    """What one comment says: whether it skips the file, else the ids it suppresses."""
    if _SKIP.search(comment):
        return True, set()
    ids: set[str] = set()
    if match := _IGNORE.search(comment):
        ids |= _ids(match.group("ids"))
    if match := _NOQA.search(comment):
        noqa_ids = _ids(match.group("ids"))
        # A noqa comment naming another tool's code (E501, say) is not ours to warn
        # about; one naming a peer of ours (RUF006) covers our rule for it.
        ids |= {i for i in noqa_ids if i == ALL or _looks_like_ours(i, known)}
        for code in noqa_ids:
            ids |= (peer_codes or {}).get(code, frozenset())
    return False, ids


def _unknown(rule_id: str, known: AbstractSet[str]) -> bool:
    return rule_id != ALL and not any(k.startswith(rule_id) for k in known)


def _may_suppress(
    text: str,
    known: AbstractSet[str],
    peer_codes: dict[str, frozenset[str]] | None,
    lines: Collection[int] | None,
) -> bool:
    """Whether any comment of ``text`` could matter: skip the file, name an unknown
    rule (a warning), or suppress something on one of ``lines``. Each ``#`` of a line
    naming a marker is read as if a comment started there (the real one starts at one
    of them), so none is missed; a file whose markers all name other tools' codes
    (``# noqa: E501``) or stand where no finding is then needs no tokenizing at all."""
    for number, line in enumerate(split_lines(text), 1):  # numbered as the tokenizer does
        if "#" not in line:
            continue
        lowered = line.lower()
        if "noqa" not in lowered and "fastaudit:" not in lowered:
            continue
        start = line.find("#")
        while start != -1:
            skip, ids = _comment_ids(line[start:], known, peer_codes)
            if skip or (ids and (lines is None or number in lines)):
                return True
            if any(_unknown(rule_id, known) for rule_id in ids):
                return True
            start = line.find("#", start + 1)
    return False


def _looks_like_ours(rule_id: str, known: AbstractSet[str]) -> bool:
    prefixes = {k[:3] for k in known}
    return rule_id[:3] in prefixes
