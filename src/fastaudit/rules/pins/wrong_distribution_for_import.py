"""PIN108: Declared distribution is not the one the import needs."""

from __future__ import annotations

from collections.abc import Iterator

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.project.deps import DependencySet, Matrix
from fastaudit.project.deps.edits import HASH_NOTE, hash_pinned, pins_exactly, swap_fix
from fastaudit.rules._support.dep_imports import third_party_imports
from fastaudit.rules.pins._shared import PYPROJECT, PinRule, normalized

_AUTH_PY = """
import jwt


def read(token: str, key: str) -> dict:
    return jwt.decode(token, key, algorithms=["HS256"])
"""


class WrongDistribution(PinRule):
    id = "PIN108"
    name = "wrong-distribution-for-import"
    title = "Declared distribution is not the one the import needs"
    severity = Severity.ERROR
    fix_safety = "unsafe: a different package gets installed"
    rationale = """
    Import names and distribution names differ: `import jwt` needs the `PyJWT`
    distribution, while the `jwt` distribution on PyPI is an unrelated project with a
    different API. Declaring the look-alike installs the wrong code, and the error only
    appears at runtime.
    """
    dont = '[project]\ndependencies = ["jwt>=1.3"]  # code: import jwt\n'
    do = '[project]\ndependencies = ["pyjwt>=2.9"]  # code: import jwt\n'
    dont_files = {
        "pyproject.toml": PYPROJECT.replace('"pydantic-settings>=2.4",', '"jwt>=1.3",').replace(
            ">=0.100,<1.0", ">=0.115"
        ),
        "app/auth.py": _AUTH_PY,
    }
    do_files = {
        "pyproject.toml": PYPROJECT.replace('"pydantic-settings>=2.4",', '"pyjwt>=2.9",').replace(
            ">=0.100,<1.0", ">=0.115"
        ),
        "app/auth.py": dont_files["app/auth.py"],
    }
    dont_fixed_files = {"pyproject.toml": do_files["pyproject.toml"]}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        declared = deps.declared_names()
        for dists, sites in third_party_imports(view, matrix).items():
            top = sites[0].module.split(".", 1)[0]
            wrong = normalized(top)
            # Reported even when the right distribution is declared elsewhere: the
            # look-alike still gets installed and may shadow it.
            if wrong in dists or wrong not in declared:
                continue
            site = sites[0]
            for declaration in deps.declarations:
                if declaration.name != wrong:
                    continue
                minimum = matrix.minimums.get(dists[0])
                fix = swap_fix(
                    view,
                    declaration,
                    dists[0],
                    minimum.version if minimum else None,
                    "installs a different package; check the code against its API",
                    exact=pins_exactly(deps.declarations, declaration.where.file),
                )
                message = (
                    f"`{declaration.display}` installs the `{wrong}` distribution, but "
                    f"`import {top}` ({site.path}:{site.line}) needs {' or '.join(dists)}"
                )
                if fix is None and hash_pinned(view, declaration):
                    message += f"; {HASH_NOTE}"
                yield self.at(view, declaration.where, message, fix)
