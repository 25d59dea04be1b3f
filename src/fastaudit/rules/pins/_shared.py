"""What two or more PIN rules share: the base class, the example project, and helpers.

Every rule reads the project's dependencies through :func:`collect`, which works them out
once per project view and hands the same result to each rule that asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Fix, Severity
from fastaudit.project.deps import (
    Declaration,
    DependencySet,
    Locked,
    Matrix,
    Source,
    normalize,
)
from fastaudit.project.deps.edits import HASH_NOTE, hash_pinned, raise_fix
from fastaudit.project.deps.matrix import Minimum
from fastaudit.project.deps.model import Where
from fastaudit.project.deps.requires import merge
from fastaudit.project.deps.verdict import Status, Verdict, judge
from fastaudit.project.deps.workspace import made_from
from fastaudit.rules.base import ProjectRule

PYPROJECT = """
[project]
name = "shop"
version = "1.0.0"
requires-python = ">=3.11"
dependencies = [
    "fastapi[standard]>=0.100,<1.0",
    "pydantic-settings>=2.4",
]
"""


class PinRule(ProjectRule):
    """Shared helpers; not a rule itself (no id)."""

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        # Here, not at the top: the parsers load only when a project pass runs.
        from fastaudit.project.deps.collect import collect

        deps, matrix = collect(project)
        return list(self.check(project, deps, matrix))

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        raise NotImplementedError

    def at(
        self,
        view: ProjectView,
        where: Where,
        message: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        view.read_text(where.file)  # loads the text, so a missing end column can be computed
        known_end = where.end_line > 0 and where.end_column > 0
        return view.finding(
            self,
            where.file,
            where.line,
            message,
            column=where.column,
            end_line=where.end_line if known_end else where.line,
            end_column=where.end_column if known_end else None,
            fix=fix,
            severity=severity,
        )


def library_folders(deps: DependencySet) -> set[str]:
    """Folders of packages in the repository that are not a web app: a ``pyproject.toml``
    below the root that declares no FastAPI or Starlette (a generated client SDK, a
    shared library). The matrix's minimums are for the app; a library keeps low floors
    on purpose, so its declarations and lock are not held to them."""
    web: dict[str, bool] = {}
    for declaration in deps.declarations:
        file = declaration.where.file
        if not file.endswith("/pyproject.toml") or declaration.name == "python":
            continue
        serves_web = declaration.name in ("fastapi", "starlette") or declaration.name.startswith(
            "fastapi-"
        )
        web[file] = web.get(file, False) or serves_web
    return {file.rpartition("/")[0] for file, is_web in web.items() if not is_web}


def in_library(file: str, libraries: set[str]) -> bool:
    return any(file.startswith(folder + "/") for folder in libraries)


def packages(deps: DependencySet, matrix: Matrix) -> Iterator[tuple[Declaration, Minimum]]:
    """Declarations of packages with a minimum (not the interpreter, not build tools,
    not a library's of the repository)."""
    libraries = library_folders(deps)
    for declaration in deps.declarations:
        if declaration.name == "python" or declaration.source is Source.BUILD:
            continue
        if libraries and in_library(declaration.where.file, libraries):
            continue
        minimum = matrix.minimums.get(declaration.name)
        if minimum is not None:
            yield declaration, minimum


class StatusRule(PinRule):
    status: ClassVar[Status]
    # A lock made from the declaring file that already installs the minimum or later
    # makes the finding information: the range then matters only to an install
    # without the lock (``locked_at_or_above``).
    information_when_locked: ClassVar[bool] = False

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        for declaration, minimum in packages(deps, matrix):
            verdict = judge(declaration, minimum.version)
            if verdict.status is self.status:
                commands = deps.lock_commands.get(declaration.where.file, [])
                fix = raise_fix(view, declaration, minimum.version, commands)
                message = self.message(declaration, verdict, minimum)
                severity = None
                locked = (
                    locked_at_or_above(view, deps, declaration, minimum)
                    if self.information_when_locked
                    else None
                )
                if locked is not None:
                    # First: what follows may be clipped off a report line.
                    message += (
                        f"; {locked.where.file} installs {locked.version_text}, so only an "
                        "install without the lock gets an older release"
                    )
                    severity = Severity.INFO
                if hash_pinned(view, declaration):
                    message += f"; {HASH_NOTE}"
                yield self.at(view, declaration.where, message, fix, severity)

    def message(self, declaration: Declaration, verdict: Verdict, minimum: Minimum) -> str:
        raise NotImplementedError


def locked_at_or_above(
    view: ProjectView, deps: DependencySet, declaration: Declaration, minimum: Minimum
) -> Locked | None:
    """The lock entry of ``declaration``'s package in a lock made from its file, when
    it resolves the package at ``minimum`` or later."""
    for locked in deps.locked:
        if (
            locked.name == declaration.name
            and locked.version is not None
            and locked.version >= minimum.version
            and made_from(view, locked.where.file, declaration.where.file)
        ):
            return locked
    return None


def normalized(name: str) -> str:
    return normalize(name)


def declared_nodes(deps: DependencySet, near: str = "", matrix: Matrix | None = None) -> list[str]:
    """What the project installs by its own declarations, as dependency-graph nodes.
    With ``near`` (a file), the ones a message should name come first: declarations
    of a package the matrix does not call replaced, then those of the folders above
    that file, nearest first."""
    declarations = [
        d for d in deps.declarations if d.source is not Source.CONSTRAINTS and d.name != "python"
    ]
    if near:

        def rank(declaration: Declaration) -> tuple[bool, int]:
            folder = declaration.where.file.rpartition("/")[0]
            replaced = matrix is not None and declaration.name in matrix.replaced
            if folder and not near.startswith(folder + "/"):
                return replaced, 1  # another project's declaration
            depth = folder.count("/") + 1 if folder else 0
            return replaced, -depth  # the deeper the folder, the nearer the file

        declarations.sort(key=rank)
    nodes: list[str] = []
    for declaration in declarations:
        nodes.append(declaration.name)
        nodes.extend(f"{declaration.name}[{normalized(e)}]" for e in sorted(declaration.extras))
    return nodes


def dependency_graph(deps: DependencySet, matrix: Matrix) -> dict[str, set[str]]:
    """What depends on what: the locks' edges, then the matrix's well-known ones and
    what its ``provides`` table says a package brings along."""
    graph: dict[str, set[str]] = {}
    merge(graph, deps.requires)
    merge(graph, matrix.requires)
    merge(graph, matrix.provides)
    return graph
