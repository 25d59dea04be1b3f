"""PIN102: Exact pin below the minimum."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.project.deps import Declaration
from fastaudit.project.deps.matrix import Minimum
from fastaudit.project.deps.specs import show
from fastaudit.project.deps.verdict import Status, Verdict
from fastaudit.rules.pins._shared import StatusRule


class ExactPinBelowMinimum(StatusRule):
    id = "PIN102"
    name = "exact-pin-below-minimum"
    title = "Exact pin below the minimum"
    severity = Severity.WARNING
    status = Status.PINNED
    fix_safety = "unsafe: the pin moves to the minimum release, which you should test"
    rationale = """
    An exact pin (`fastapi==0.100.0`) below the minimum installs a release the
    project's code and its other dependencies are not meant for. Move the pin to a
    release at or above the minimum that you have tested; the fix proposes the
    minimum itself.
    """
    dont = "fastapi==0.100.0\n"
    do = "fastapi==0.115.0\n"
    dont_files = {"requirements.txt": "fastapi==0.100.0  # web framework\nhttpx>=0.27\n"}
    do_files = {"requirements.txt": "fastapi==0.115.0  # web framework\nhttpx>=0.27\n"}
    dont_fixed_files = {"requirements.txt": "fastapi==0.115.0  # web framework\nhttpx>=0.27\n"}

    def message(self, declaration: Declaration, verdict: Verdict, minimum: Minimum) -> str:
        pinned = verdict.bounds.exact if verdict.bounds else None
        shown = show(pinned) if pinned is not None else declaration.spec_text
        return (
            f"`{declaration.display}` pins {declaration.name} {shown}, below the minimum "
            f"{minimum.version}"
        )
