"""PIN109: Dependency file could not be read."""

from __future__ import annotations

from collections.abc import Iterator

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.project.deps import DependencySet, Matrix
from fastaudit.rules.pins._shared import PinRule


class DependencyFileProblem(PinRule):
    id = "PIN109"
    name = "unreadable-dependency-file"
    title = "Dependency file could not be read"
    severity = Severity.WARNING
    rationale = """
    A dependency file that is not valid TOML, names an include that does not exist, or
    holds a line its installer cannot parse fails the install, and its declarations
    could not be checked either. The finding points at where reading stopped.
    """
    dont = '[project]\ndependencies = ["fastapi>=0.115",\n'
    do = '[project]\ndependencies = ["fastapi>=0.115"]\n'
    dont_files = {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115",\n'}
    do_files = {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115"]\n'}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        for problem in deps.problems:
            yield self.at(view, problem.where, problem.message)
