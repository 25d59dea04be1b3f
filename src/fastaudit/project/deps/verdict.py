"""One judgement per declaration against its minimum, shared by the PIN rules and the
matrix table so both always agree."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from packaging.version import Version

from fastaudit.project.deps.model import Declaration, Syntax
from fastaudit.project.deps.specs import Bounds, SpecError, bounds_of, show


class Status(StrEnum):
    OK = "ok"
    BELOW = "admits older"  # some admitted release is below the minimum
    PINNED = "pinned below"  # an exact pin below the minimum
    EXCLUDED = "excludes minimum"  # nothing at or above the minimum is admitted
    UNCHECKABLE = "not checkable"
    INACTIVE = "marker excludes"  # its marker does not apply to the project's Python


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    bounds: Bounds | None = None

    def lowest_text(self) -> str:
        """How the lowest admitted release is described in a message."""
        bounds = self.bounds
        if bounds is None or bounds.lower is None:
            return "no lower bound"
        if not bounds.lower_inclusive:
            return f"releases just above {show(bounds.lower)}"
        return show(bounds.lower)


def version_bounds(declaration: Declaration) -> list[Bounds]:
    """Raises SpecError when the constraint cannot be read."""
    if declaration.syntax is Syntax.PEP508:
        return bounds_of(declaration.spec_text, Syntax.PEP440)
    return bounds_of(declaration.text, declaration.syntax)


def judge(declaration: Declaration, minimum: Version) -> Verdict:
    if not declaration.checkable:
        return Verdict(Status.UNCHECKABLE)
    if not declaration.applies:
        return Verdict(Status.INACTIVE)
    try:
        alternatives = version_bounds(declaration)
    except SpecError:
        return Verdict(Status.UNCHECKABLE)
    # With Poetry "||" the lowest alternative decides what is admitted.
    lowest = min(
        alternatives,
        key=lambda b: (b.lower is not None, b.lower or Version("0"), b.lower_inclusive is False),
    )
    if all(b.excludes(minimum) for b in alternatives):
        pinned = len(alternatives) == 1 and lowest.exact is not None
        return Verdict(Status.PINNED if pinned else Status.EXCLUDED, lowest)
    if any(b.below(minimum) for b in alternatives):
        return Verdict(Status.BELOW, lowest)
    return Verdict(Status.OK, lowest)
