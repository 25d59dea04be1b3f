"""Raise the lower bound of a written constraint to a minimum, changing as little text
as possible: the author's operators, spacing, separators and other clauses stay.

``>=0.100, <1`` becomes ``>=0.115, <1``; ``^0.100.0`` becomes ``^0.115.0``; a bare
``fastapi`` gains ``>=0.115``. When the upper bound has to move (a caret or wildcard
whose range shifts, or ``<2`` that shuts out the minimum), or an exact pin changes, the
result says why, and the fix is offered as unsafe.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from fastaudit.project.deps.model import Syntax
from fastaudit.project.deps.specs import Bounds, SpecError, bounds_of, clause_bounds, clauses, like


@dataclass(frozen=True, slots=True)
class Raised:
    text: str
    unsafe_reason: str = ""  # empty when the change only lifts the lower bound
    # The upper bound moves or goes (a deliberate cap the author may have explained).
    upper_moved: bool = False


def raise_to(text: str, syntax: Syntax, minimum: Version) -> Raised | None:
    """The constraint raised to admit nothing below ``minimum``, or None when that
    cannot be written without rethinking it (Poetry ``||`` alternatives...)."""
    try:
        groups = clauses(text, syntax)
        old = bounds_of(text, syntax)[0]
    except SpecError:
        return None
    if len(groups) != 1:
        return None
    group = groups[0]
    # text = seps[0] clause0 seps[1] clause1 ... seps[n]
    seps = [text[: group[0].start]] if group else [text]
    for index, clause in enumerate(group):
        following = group[index + 1].start if index + 1 < len(group) else len(text)
        seps.append(text[clause.end : following])
    items: list[str | None] = [text[c.start : c.end] for c in group]
    has_lower = False
    pinned = False
    dropped: list[str] = []
    for index, clause in enumerate(group):
        if clause.version == "*":
            items[index] = None
            continue
        try:
            bounds = clause_bounds(clause, syntax)
        except SpecError:
            return None
        spacing = text[clause.start + len(clause.op) : clause.version_start]
        if bounds.lower is not None:
            has_lower = True
            if bounds.lower < minimum or (bounds.lower == minimum and not bounds.lower_inclusive):
                pinned = pinned or bounds.exact is not None
                op = ">=" if clause.op == ">" else clause.op
                if clause.version.endswith(".*"):
                    version = like(minimum, clause.version[:-2]) + ".*"
                else:
                    version = like(minimum, clause.version)
                items[index] = f"{op}{spacing}{version}"
        elif bounds.upper is not None and bounds.excludes(minimum):
            dropped.append(text[clause.start : clause.end])
            items[index] = None
    if not has_lower:
        new_clause = f">={minimum}"
        inner = next((s for s in seps[1:-1] if s.strip(" \t") == ","), ",")
        first = next((i for i, item in enumerate(items) if item is not None), None)
        if first is None:
            items = [new_clause]
            seps = [seps[0], seps[-1]] if group else ["", ""]
            if not group:  # an empty constraint ("" or only spaces)
                seps = ["", text]
        else:
            items[first] = f"{new_clause}{inner}{items[first]}"
    new_text = _join(seps, items)
    try:
        new = bounds_of(new_text, syntax)[0]
    except (SpecError, IndexError):
        return None
    if new.below(minimum) or new.excludes(minimum):
        return None
    upper_moved = bool(dropped) or (old.upper, old.upper_inclusive) != (
        new.upper,
        new.upper_inclusive,
    )
    return Raised(new_text, _reason(old, new, minimum, pinned, dropped), upper_moved)


def _join(seps: list[str], items: list[str | None]) -> str:
    """Rebuild the text; a dropped clause takes one neighbouring separator with it."""
    out = [seps[0]]
    first = True
    for index, item in enumerate(items):
        if item is None:
            continue
        if not first:
            out.append(seps[index])
        out.append(item)
        first = False
    out.append(seps[-1])
    return "".join(out)


def _reason(old: Bounds, new: Bounds, minimum: Version, pinned: bool, dropped: list[str]) -> str:
    if dropped:
        shown = ", ".join(f"`{d}`" for d in dropped)
        return (
            f"drops the upper bound {shown}, which shuts out {minimum}: crossing it can "
            "need code changes"
        )
    if pinned:
        return "changes an exact pin: pin the release you have tested (the minimum is shown)"
    if (old.upper, old.upper_inclusive) != (new.upper, new.upper_inclusive):
        return (
            f"moves the upper bound from {old.upper_text()} to {new.upper_text()}: "
            "releases outside the range you chose can need code changes"
        )
    return ""
