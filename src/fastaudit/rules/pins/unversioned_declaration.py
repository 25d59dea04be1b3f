"""PIN110: Package with a minimum comes from a URL, VCS or local path."""

from __future__ import annotations

from collections.abc import Iterator

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.project.deps import DependencySet, Matrix
from fastaudit.rules.pins._shared import PinRule, packages


class UncheckableDeclaration(PinRule):
    id = "PIN110"
    name = "unversioned-declaration"
    title = "Package with a minimum comes from a URL, VCS or local path"
    severity = Severity.INFO
    rationale = """
    A package installed from a Git URL, an archive or a local folder has no version
    range to check, so fastaudit cannot tell whether it meets the minimum. Prefer a
    released version from the index, or make sure the referenced revision is recent.
    """
    dont = "fastapi @ git+https://github.com/fastapi/fastapi@0.99.0\n"
    do = "fastapi>=0.115\n"
    dont_files = {"requirements.txt": "fastapi @ git+https://github.com/fastapi/fastapi@0.99.0\n"}
    do_files = {"requirements.txt": "fastapi>=0.115\n"}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        for declaration, minimum in packages(deps, matrix):
            if declaration.checkable:
                continue
            yield self.at(
                view,
                declaration.where,
                f"{declaration.written_name} {declaration.why}: its version cannot be checked "
                f"against the minimum {minimum.version}",
            )
