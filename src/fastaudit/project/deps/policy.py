"""What the declared dependencies mean for fixes elsewhere.

A Pydantic v2 spelling (``model_dump()``, ``ConfigDict``) breaks a project that still
declares ``pydantic<2``: there the PYD fixes are not safe, whatever they do on their own.
"""

from __future__ import annotations

from packaging.version import Version

from fastaudit.engine.project import ProjectView
from fastaudit.project.deps.collect import collect
from fastaudit.project.deps.specs import SpecError
from fastaudit.project.deps.verdict import version_bounds

PYDANTIC_V2 = Version("2")


def fix_policy(view: ProjectView) -> dict[str, str]:
    """Rule-id prefix -> why that family's fixes must be treated as unsafe here."""
    policy: dict[str, str] = {}
    deps, _ = collect(view)
    for declaration in deps.declarations:
        if declaration.name != "pydantic" or not declaration.applies:
            continue
        if not declaration.checkable:
            continue
        try:
            alternatives = version_bounds(declaration)
        except SpecError:
            continue
        if alternatives and all(b.excludes(PYDANTIC_V2) for b in alternatives):
            policy["PYD"] = (
                f"the project declares `{declaration.display}` ({declaration.where.label}), "
                "which excludes Pydantic 2: this v2 spelling breaks until that pin is raised"
            )
            break
    return policy
