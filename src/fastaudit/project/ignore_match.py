"""One ``.gitignore``'s verdict on a path: pathspec's ``GitIgnoreSpec`` verdict, faster.

pathspec's own check (its "simple" backend, the only one without extra packages) runs
every pattern's regex on every path: ~20 us per path for a 100-line ``.gitignore``,
most of a warm run's discovery on a large repository. Putting all patterns into one
regex does not help: each alternative still rescans the path for its ``^(?:.+/)?``
prefix. What helps is the shape of real ``.gitignore`` files: most patterns are a bare
name or glob (``__pycache__/``, ``*.py[cod]``, ``.env``) that matches one path segment at
any depth. Those are decided per segment: a dict for plain names, one alternation for
globs, each segment's answer cached (folder names repeat on every path below them).
The other patterns (anchored ``/site``, ``docs/_build/``, ``a/**/b``) go into one
combined regex, tried in reverse order so the first alternative that matches is the
last pattern that does.

The verdict rule reproduced (pathspec's ``SimpleGiBackend.match_file``): among the
patterns whose regex ``search`` matches, the last one that matched the path itself
decides; if every match only holds because the path lies inside a matched folder (the
``ps_d`` group took part), the last of those decides.

Whatever this module cannot prove it handles exactly (a pattern that is not a plain
pathspec regex, a path with a newline or a leading ``/``) goes to pathspec itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pathspec import GitIgnoreSpec, RegexPattern
from pathspec.util import normalize_file

# A path relative to the spec's folder -> True (ignored), False (re-included by a ``!``
# pattern) or None (no pattern matches).
Verdict = Callable[[str], "bool | None"]

_DIR_MARK = "ps_d"
_DIR_MARK_GROUP = f"(?P<{_DIR_MARK}>"
_TAIL_ANY = f"(?:(?P<{_DIR_MARK}>/)|$)"  # ``name``: a file or a folder of that name
_TAIL_DIR = f"(?P<{_DIR_MARK}>/)"  # ``name/``: only a folder
_AT_ANY_DEPTH = "^(?:.+/)?"
_NOT_COMBINABLE = re.compile(r"\\[0-9]|\(\?P=|\(\?\(")  # back-references, conditionals
_PLAIN_FLAGS = re.compile("").flags
_WILDCARDS = ("[^/]*", "[^/]+", "[^/]")
_METACHARACTERS = frozenset(".^$*+?{}[]\\|()/")


def verdict_of(spec: GitIgnoreSpec) -> Verdict:
    """How ``spec`` judges a path, compiled once."""
    matcher = _Matcher.build(spec)
    if matcher is not None:
        return matcher.verdict
    return lambda path: spec.check_file(path).include


@dataclass(slots=True)
class _Matcher:
    spec: GitIgnoreSpec
    includes: list[bool]  # by position among the patterns that decide, in file order
    searches: list[re.Pattern[str]]  # their regexes, same order
    # Segment patterns: a plain name -> last position; a glob alternation (last pattern
    # first) -> its group index -> position. "end" holds those that may match the last
    # segment of a path (not ``name/``), "inner" all of them (a segment a ``/`` follows).
    names_inner: dict[str, int]
    names_end: dict[str, int]
    globs_inner: tuple[re.Pattern[str], dict[int, int]] | None
    globs_end: tuple[re.Pattern[str], dict[int, int]] | None
    # The other patterns: one regex, its group index -> (position, directory-mark group).
    others: tuple[re.Pattern[str], dict[int, tuple[int, int]]] | None
    segments: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def build(cls, spec: GitIgnoreSpec) -> _Matcher | None:
        includes: list[bool] = []
        searches: list[re.Pattern[str]] = []
        # Typed as pathspec's own patterns, but a spec may be built from any.
        patterns: list[object] = list(spec.patterns)
        for pattern in patterns:
            if not isinstance(pattern, RegexPattern):
                return None
            if pattern.include is None:
                continue  # blank lines and comments: pathspec skips them too
            if type(pattern).match_file is not RegexPattern.match_file:
                return None  # matches some other way than ``regex.search``
            regex = pattern.regex
            if regex is None or not isinstance(regex.pattern, str):
                return None
            if regex.flags != _PLAIN_FLAGS:
                return None
            includes.append(pattern.include)
            searches.append(regex)
        names_inner: dict[str, int] = {}
        names_end: dict[str, int] = {}
        globs_inner: list[tuple[int, str]] = []
        globs_end: list[tuple[int, str]] = []
        others: list[tuple[int, re.Pattern[str]]] = []
        for position, regex in enumerate(searches):
            segment = _segment_pattern(regex)
            if segment is None:
                others.append((position, regex))
                continue
            glob, folder_only = segment
            name = _literal(glob)
            if name is not None:
                names_inner[name] = position
                if not folder_only:
                    names_end[name] = position
            else:
                globs_inner.append((position, glob))
                if not folder_only:
                    globs_end.append((position, glob))
        try:
            return cls(
                spec,
                includes,
                searches,
                names_inner,
                names_end,
                _glob_alternation(globs_inner),
                _glob_alternation(globs_end),
                _others_alternation(others),
            )
        except _Uncombinable:
            return None

    def verdict(self, path: str) -> bool | None:
        local = normalize_file(path)  # as pathspec's check_file does
        if "\n" in local or local.startswith("/"):
            # ``$`` and ``.`` treat a newline apart, and ``(?:.+/)?`` cannot start a
            # match just after a leading ``/``: leave such paths to pathspec.
            return self.spec.check_file(path).include
        *inner, last = local.split("/")
        decided = self.segment(last)[1]  # the last segment matched by itself
        folder = -1  # matched only as a folder the path lies in
        for name in inner:
            position = self.segment(name)[0]
            if position > folder:
                folder = position
        if self.others is not None:
            regex, outcomes = self.others
            found = regex.match(local)
            if found is not None and found.lastindex is not None:
                position, mark = outcomes[found.lastindex]
                if not (mark and found.group(mark)):
                    decided = max(decided, position)
                else:
                    folder = max(folder, position)
                    if decided < position:
                        decided = max(decided, self.earlier_itself(local, position))
        if decided >= 0:
            return self.includes[decided]
        if folder >= 0:
            return self.includes[folder]
        return None

    def segment(self, name: str) -> tuple[int, int]:
        """The last segment pattern matching ``name`` with a ``/`` after it, and the last
        matching it at the end of the path; -1 for none."""
        known = self.segments.get(name)
        if known is None:
            known = (
                max(self.names_inner.get(name, -1), _last_glob(self.globs_inner, name)),
                max(self.names_end.get(name, -1), _last_glob(self.globs_end, name)),
            )
            self.segments[name] = known
        return known

    def earlier_itself(self, local: str, before: int) -> int:
        """The last pattern before ``before`` that matches ``local`` itself (not as a
        folder it lies in), or -1: pathspec's own loop, for the rare path that needs it."""
        for position in range(before - 1, -1, -1):
            found = self.searches[position].search(local)
            if found is not None and not found.groupdict().get(_DIR_MARK):
                return position
        return -1


class _Uncombinable(Exception):
    """A pattern's regex would mean something else inside a larger one."""


def _segment_pattern(regex: re.Pattern[str]) -> tuple[str, bool] | None:
    """(glob regex, folder only) for a pattern matching one path segment at any depth
    (``^(?:.+/)?GLOB`` and a directory tail, GLOB unable to match a ``/``), else None."""
    source = regex.pattern
    if not source.startswith(_AT_ANY_DEPTH) or regex.groupindex != {_DIR_MARK: 1}:
        return None
    for tail, folder_only in ((_TAIL_ANY, False), (_TAIL_DIR, True)):
        if source.endswith(tail):
            glob = source[len(_AT_ANY_DEPTH) : -len(tail)]
            if glob and _within_segment(glob):
                return glob, folder_only
    return None


def _within_segment(glob: str) -> bool:
    """Whether ``glob`` is a plain sequence of literals, escaped characters, ``[^/]``
    wildcards and simple classes without ``/``: so it cannot match a ``/``, has no group,
    alternation or anchor, and a fullmatch on one segment is all it can do."""
    i = 0
    while i < len(glob):
        char = glob[i]
        wildcard = next((w for w in _WILDCARDS if glob.startswith(w, i)), None)
        if wildcard is not None:
            i += len(wildcard)
        elif char == "\\":
            escaped = glob[i + 1 : i + 2]
            if not escaped or escaped.isalnum() or escaped == "/":
                return False  # a class (``\w``), a reference (``\1``) or a slash
            i += 2
        elif char == "[":
            end = glob.find("]", i + 1)
            content = glob[i + 1 : end]
            if end < 0 or not content or content[0] == "^" or "[" in content:
                return False
            if "\\" in content or any(op in content for op in ("--", "&&", "~~", "||")):
                return False
            try:
                if re.match(glob[i : end + 1], "/") is not None:
                    return False  # a range such as ``[+-0]`` covers ``/``
            except re.error:
                return False
            i = end + 1
        elif char in _METACHARACTERS:
            return False
        else:
            i += 1
    return True


def _literal(glob: str) -> str | None:
    """The one name ``glob`` matches, if it has no wildcard or class."""
    if "[" in glob:
        return None
    return re.sub(r"\\(.)", r"\1", glob, flags=re.DOTALL)


def _glob_alternation(
    globs: list[tuple[int, str]],
) -> tuple[re.Pattern[str], dict[int, int]] | None:
    if not globs:
        return None
    source = "|".join(f"(?P<g{position}>{glob})" for position, glob in reversed(globs))
    try:
        regex = re.compile(source)
    except (re.error, RecursionError, OverflowError) as exc:
        raise _Uncombinable from exc
    return regex, {regex.groupindex[f"g{position}"]: position for position, _ in globs}


def _last_glob(globs: tuple[re.Pattern[str], dict[int, int]] | None, name: str) -> int:
    if globs is None:
        return -1
    regex, positions = globs
    # The alternatives run last pattern first, and fullmatch backtracks into the next
    # one when a glob only matches part of the name.
    found = regex.fullmatch(name)
    if found is None or found.lastindex is None:
        return -1
    return positions[found.lastindex]


def _others_alternation(
    others: list[tuple[int, re.Pattern[str]]],
) -> tuple[re.Pattern[str], dict[int, tuple[int, int]]] | None:
    if not others:
        return None
    alternatives = [_alternative(regex, position) for position, regex in reversed(others)]
    try:
        regex = re.compile("|".join(alternatives))
    except (re.error, RecursionError, OverflowError) as exc:
        raise _Uncombinable from exc
    outcomes: dict[int, tuple[int, int]] = {}
    for position, _ in others:
        mark = regex.groupindex.get(f"d{position}", 0)
        outcomes[regex.groupindex[f"p{position}"]] = (position, mark)
        if mark:
            outcomes[mark] = (position, mark)
    return regex, outcomes


def _alternative(regex: re.Pattern[str], position: int) -> str:
    """One pattern's regex as a named alternative that, matched at the path's start,
    finds what pathspec's ``regex.search`` finds first (so the same directory mark)."""
    source = regex.pattern
    names = set(regex.groupindex)
    if regex.groups != len(names) or not names <= {_DIR_MARK}:
        raise _Uncombinable  # unnamed groups would shift the numbering
    if source.count(_DIR_MARK_GROUP) != len(names) or _NOT_COMBINABLE.search(source):
        raise _Uncombinable
    body = source.replace(_DIR_MARK_GROUP, f"(?P<d{position}>")
    # A regex that starts with ``^`` and has no ``|`` outside its tail can only match
    # at the start, where ``match`` and ``search`` agree. Others (pathspec's ``.``,
    # ``/``) get a lazy prefix: each start in turn, as ``search`` tries them.
    head = source.removesuffix(_TAIL_ANY)
    anchored = source.startswith("^") and source[1:2] not in ("*", "+", "?", "{")
    if not anchored or "|" in head:
        body = rf"[\s\S]*?(?:{body})"
    return f"(?P<p{position}>{body})"
