"""PIN101: Declared version range admits releases below the minimum."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.project.deps import Declaration
from fastaudit.project.deps.matrix import Minimum
from fastaudit.project.deps.verdict import Status, Verdict
from fastaudit.rules.pins._shared import PYPROJECT, StatusRule


class LowerBoundBelowMinimum(StatusRule):
    id = "PIN101"
    name = "lower-bound-below-minimum"
    title = "Declared version range admits releases below the minimum"
    severity = Severity.WARNING
    status = Status.BELOW
    information_when_locked = True
    fix_safety = (
        "safe when only the lower bound moves; unsafe when an upper bound moves too, or when "
        "a lock that checks the file (uv.lock, poetry.lock, pdm.lock, Pipfile.lock) is made "
        "from it: installs from the stale lock stop until it is refreshed"
    )
    rationale = """
    A range such as `fastapi>=0.100` lets a fresh install, a CI cache or a teammate's
    resolver pick a release older than the one the code is written for, and the failure
    shows up as an obscure error far from the cause. State the real minimum so the
    installer refuses what cannot work. The fix raises the lower bound only; upper
    bounds, extras, markers, quoting and comments stay as written.

    Where the project's lock already installs the minimum or later, what runs is
    right, and only an install without the lock (a user's `pip install` of a published
    package) can get an older release: the finding is then information.
    """
    dont = '[project]\ndependencies = ["fastapi[standard]>=0.100,<1.0"]\n'
    do = '[project]\ndependencies = ["fastapi[standard]>=0.115,<1.0"]\n'
    dont_files = {"pyproject.toml": PYPROJECT}
    do_files = {"pyproject.toml": PYPROJECT.replace(">=0.100", ">=0.115")}
    dont_fixed_files = {"pyproject.toml": PYPROJECT.replace(">=0.100", ">=0.115")}

    def message(self, declaration: Declaration, verdict: Verdict, minimum: Minimum) -> str:
        lowest = verdict.lowest_text()
        if lowest == "no lower bound":
            return (
                f"`{declaration.display}` has no lower bound: it admits {declaration.name} "
                f"releases below the minimum {minimum.version}"
            )
        return f"`{declaration.display}` admits {lowest}, below the minimum {minimum.version}"
