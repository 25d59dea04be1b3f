"""PIN104: Version range shuts out the minimum altogether."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.project.deps import Declaration
from fastaudit.project.deps.matrix import Minimum
from fastaudit.project.deps.verdict import Status, Verdict
from fastaudit.rules.pins._shared import PYPROJECT, StatusRule


class UpperBoundExcludesMinimum(StatusRule):
    id = "PIN104"
    name = "upper-bound-excludes-minimum"
    title = "Version range shuts out the minimum altogether"
    severity = Severity.ERROR
    status = Status.EXCLUDED
    fix_safety = "unsafe: the upper bound has to move or go, which can need code changes"
    rationale = """
    An upper bound below the minimum (`pydantic<2`, Poetry's `^0.100` which means
    `<0.101`) makes every supported release uninstallable: the project is stuck on
    versions the rest of the stack no longer supports. Lifting it is a real upgrade
    (Pydantic 1 to 2 changes APIs), so the fix is offered as unsafe, with what it moves.
    """
    dont = '[project]\ndependencies = ["pydantic>=1.10,<2"]\n'
    do = '[project]\ndependencies = ["pydantic>=2.7"]\n'
    dont_files = {
        "pyproject.toml": PYPROJECT.replace(">=0.100,<1.0", ">=0.115").replace(
            '"pydantic-settings>=2.4",', '"pydantic>=1.10,<2",'
        )
    }
    do_files = {
        "pyproject.toml": PYPROJECT.replace(">=0.100,<1.0", ">=0.115").replace(
            '"pydantic-settings>=2.4",', '"pydantic>=2.7",'
        )
    }
    dont_fixed_files = do_files

    def message(self, declaration: Declaration, verdict: Verdict, minimum: Minimum) -> str:
        bounds = verdict.bounds
        limit = f" (upper bound {bounds.upper_text()})" if bounds and bounds.upper else ""
        return (
            f"`{declaration.display}` shuts out {declaration.name} {minimum.version}, the "
            f"minimum, and every later release{limit}"
        )
