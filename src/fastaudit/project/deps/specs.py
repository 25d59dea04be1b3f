"""Version ranges: what a written constraint admits, and how to raise its lower bound.

PEP 440 specifiers, Poetry constraints (caret, tilde, wildcard, ``||``) and bare
interpreter versions are all reduced to intervals of :class:`Bounds`, so every check
("admits something below the minimum", "excludes the minimum altogether") is one
comparison however the project wrote it. Raising works clause by clause on the text as
written, so separators, spacing and the author's operator survive the edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from fastaudit.project.deps.model import Syntax

_CLAUSE = re.compile(
    r"(?P<op>===|~=|==|!=|<=|>=|<|>|\^|~|=)?[ \t]*(?P<ver>\d[0-9A-Za-z.*+!_-]*|\*)"
)
_OR = re.compile(r"\|\|?")


class SpecError(ValueError):
    """A constraint this module cannot read."""


@dataclass(frozen=True, slots=True)
class Clause:
    op: str  # "" for a bare Poetry version or "*"
    version: str
    start: int  # span of the whole clause in the constraint text
    end: int
    version_start: int


@dataclass(frozen=True, slots=True)
class Bounds:
    lower: Version | None = None
    lower_inclusive: bool = True
    upper: Version | None = None
    upper_inclusive: bool = False
    exact: Version | None = None

    def intersect(self, other: Bounds) -> Bounds:
        lower, lower_inc = self.lower, self.lower_inclusive
        if other.lower is not None and (
            lower is None
            or other.lower > lower
            or (other.lower == lower and not other.lower_inclusive)
        ):
            lower, lower_inc = other.lower, other.lower_inclusive
        upper, upper_inc = self.upper, self.upper_inclusive
        if other.upper is not None and (
            upper is None
            or other.upper < upper
            or (other.upper == upper and not other.upper_inclusive)
        ):
            upper, upper_inc = other.upper, other.upper_inclusive
        return Bounds(lower, lower_inc, upper, upper_inc, self.exact or other.exact)

    def below(self, minimum: Version) -> bool:
        """Admits some release below ``minimum``."""
        return self.lower is None or self.lower < minimum

    def excludes(self, minimum: Version) -> bool:
        """Admits nothing at or above ``minimum``."""
        if self.exact is not None:
            return self.exact < minimum
        if self.upper is None:
            return False
        return self.upper < minimum or (self.upper == minimum and not self.upper_inclusive)

    def upper_text(self) -> str:
        if self.upper is None:
            return "no upper bound"
        return f"{'<=' if self.upper_inclusive else '<'}{self.upper}"


def parse_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def clauses(text: str, syntax: Syntax) -> list[list[Clause]]:
    """The clauses of a constraint, as alternatives (``||``) of conjunctions.

    Raises :class:`SpecError` when something other than clauses and separators is left.
    """
    groups: list[list[Clause]] = []
    pieces = _OR.split(text) if syntax is Syntax.POETRY else [text]
    offset = 0
    for piece in pieces:
        start = text.index(piece, offset)
        offset = start + len(piece)
        group: list[Clause] = []
        last = 0
        for match in _CLAUSE.finditer(piece):
            gap = piece[last : match.start()]
            if gap.strip(" \t,()"):
                raise SpecError(f"cannot read {text!r}")
            last = match.end()
            op = match.group("op") or ""
            bare = op == "" and match.group("ver") != "*"
            if bare and syntax is not Syntax.POETRY and syntax is not Syntax.VERSION:
                raise SpecError(f"{text!r}: a version without an operator")
            group.append(
                Clause(
                    op,
                    match.group("ver"),
                    start + match.start(),
                    start + match.end(),
                    start + match.start("ver"),
                )
            )
        if piece[last:].strip(" \t,()"):
            raise SpecError(f"cannot read {text!r}")
        groups.append(group)
    return groups


def _release(version: str) -> tuple[int, ...]:
    parsed = parse_version(version)
    if parsed is None:
        raise SpecError(f"{version!r} is not a version")
    return parsed.release


def _bump(release: tuple[int, ...], index: int) -> Version:
    head = list(release[: index + 1])
    while len(head) < index + 1:
        head.append(0)
    head[-1] += 1
    return Version(".".join(map(str, head)))


def clause_bounds(clause: Clause, syntax: Syntax) -> Bounds:
    op, text = clause.op, clause.version
    if text == "*":
        return Bounds()
    if text.endswith(".*"):
        if op in ("", "=", "==") or (syntax is Syntax.VERSION):
            prefix = _release(text[:-2])
            return Bounds(Version(text[:-2]), True, _bump(prefix, len(prefix) - 1), False)
        if op == "!=":
            return Bounds()
        raise SpecError(f"wildcard with {op!r}")
    version = parse_version(text)
    if version is None:
        raise SpecError(f"{text!r} is not a version")
    release = version.release
    if op in ("", "=", "==", "==="):
        if syntax is Syntax.VERSION and op == "" and len(release) < 3:
            # ".python-version" 3.12 means any 3.12.x.
            return Bounds(version, True, _bump(release, len(release) - 1), False)
        return Bounds(version, True, version, True, exact=version)
    if op == ">=":
        return Bounds(version, True)
    if op == ">":
        return Bounds(version, False)
    if op == "<=":
        return Bounds(upper=version, upper_inclusive=True)
    if op == "<":
        return Bounds(upper=version, upper_inclusive=False)
    if op == "!=":
        return Bounds()
    if op == "~=":
        if len(release) < 2:
            raise SpecError("~= needs at least two release numbers")
        return Bounds(version, True, _bump(release, len(release) - 2), False)
    if op == "^":
        nonzero = next((i for i, part in enumerate(release) if part), len(release) - 1)
        return Bounds(version, True, _bump(release, nonzero), False)
    if op == "~":
        return Bounds(version, True, _bump(release, min(1, len(release) - 1)), False)
    raise SpecError(f"unknown operator {op!r}")


def bounds_of(text: str, syntax: Syntax) -> list[Bounds]:
    """One :class:`Bounds` per alternative (a single one unless Poetry ``||`` is used)."""
    result = []
    for group in clauses(text, syntax):
        total = Bounds()
        for clause in group:
            total = total.intersect(clause_bounds(clause, syntax))
        result.append(total)
    return result


def pep440(text: str, syntax: Syntax) -> SpecifierSet | None:
    """A PEP 440 specifier with the same meaning (None for Poetry alternatives), used to
    test locked versions and the project's Python against a constraint."""
    groups = clauses(text, syntax)
    if len(groups) != 1:
        return None
    parts: list[str] = []
    for clause in groups[0]:
        bounds = clause_bounds(clause, syntax)
        if clause.version == "*":
            continue
        if clause.op in ("^", "~") or (clause.op in ("", "=") and clause.version.endswith(".*")):
            parts.append(f">={bounds.lower}")
            if bounds.upper is not None:
                parts.append(f"<{bounds.upper}")
        elif clause.op in ("", "="):
            if syntax is Syntax.VERSION and bounds.exact is None:
                parts.append(f"=={clause.version}.*")
            else:
                parts.append(f"=={clause.version}")
        else:
            parts.append(f"{clause.op}{clause.version}")
    try:
        return SpecifierSet(",".join(parts))
    except InvalidSpecifier as exc:
        raise SpecError(str(exc)) from exc


def show(version: Version) -> str:
    """``0.100`` shown as ``0.100.0``: the release a person would look up."""
    text = str(version)
    if len(version.release) < 3 and text == ".".join(map(str, version.release)):
        return ".".join(map(str, (*version.release, 0, 0)[:3]))
    return text


def like(minimum: Version, written: str) -> str:
    """The minimum written with as many release numbers as ``written`` has (at least as
    many as the minimum): ``0.115`` in the style of ``0.100.0`` is ``0.115.0``."""
    count = max(len(_release(written.removesuffix(".*"))), len(minimum.release))
    return ".".join(map(str, (*minimum.release, *([0] * count))[:count]))
