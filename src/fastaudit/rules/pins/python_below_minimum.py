"""PIN105: Supported Python range reaches below the minimum."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from packaging.version import Version

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Location, Safety, Severity, Span
from fastaudit.project.deps import Declaration, DependencySet, Matrix
from fastaudit.project.deps.edits import raise_fix
from fastaudit.project.deps.model import Syntax, Where
from fastaudit.project.deps.python_mentions import PythonMention, python_mentions
from fastaudit.project.deps.verdict import Status, judge
from fastaudit.rules.pins._shared import PYPROJECT, PinRule


class PythonBelowMinimum(PinRule):
    id = "PIN105"
    name = "python-below-minimum"
    title = "Supported Python range reaches below the minimum"
    severity = Severity.WARNING
    fix_safety = (
        "safe for requires-python style ranges; unsafe for .python-version / Pipfile, and "
        "while a Dockerfile, CI matrix, tox env or other declaration names an older Python"
    )
    rationale = """
    `requires-python` (or Poetry's `python = ...`, `python_requires`, `.python-version`,
    Pipfile's `python_version`) decides which interpreters installers accept and which
    language features the code may use. Admitting Pythons older than the minimum keeps
    the project from using what current FastAPI, Pydantic and asyncio rely on, and lets
    an old interpreter install it and fail at runtime.
    """
    dont = '[project]\nrequires-python = ">=3.9"\n'
    do = '[project]\nrequires-python = ">=3.11"\n'
    dont_files = {"pyproject.toml": PYPROJECT.replace('">=3.11"', '">=3.9"')}
    do_files = {"pyproject.toml": PYPROJECT}
    dont_fixed_files = {"pyproject.toml": PYPROJECT}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        minimum = matrix.python.version
        pythons = [d for d in deps.declarations if d.name == "python"]
        # A test harness's own pyproject (``pkg/integration_tests/pyproject.toml``)
        # follows the range of the package it tests, which is reported on its own file;
        # it still counts among the places named beside that finding.
        packages = any(not _test_harness(d.where.file) for d in pythons)
        for declaration in pythons:
            if packages and _test_harness(declaration.where.file):
                continue
            verdict = judge(declaration, minimum)
            if verdict.status not in (Status.BELOW, Status.PINNED, Status.EXCLUDED):
                continue
            if declaration.syntax is Syntax.VERSION:
                message = (
                    f"`{declaration.display}` selects Python {declaration.text}, below the "
                    f"minimum {minimum}"
                )
            elif verdict.status is Status.BELOW:
                lower = verdict.bounds.lower if verdict.bounds else None
                message = (
                    f"`{declaration.display}` admits Python {lower}, below the minimum {minimum}"
                    if lower is not None
                    else f"`{declaration.display}` has no lower bound, below the minimum {minimum}"
                )
            else:
                message = f"`{declaration.display}` shuts out Python {minimum} and later"
            commands = deps.lock_commands.get(declaration.where.file, [])
            fix = raise_fix(view, declaration, minimum, commands)
            related = _older_pythons_elsewhere(view, deps, declaration, minimum)
            elsewhere = [f"{place.path}:{place.line} ({place.label})" for place in related]
            if elsewhere:
                places = ", ".join(elsewhere[:3]) + (
                    f" and {len(elsewhere) - 3} more" if len(elsewhere) > 3 else ""
                )
                message += f"; also named in {places}"
                if fix is not None:
                    fix = replace(
                        fix,
                        safety=Safety.UNSAFE,
                        note=f"{places} still name an older Python: raise them together",
                    )
            finding = replace(self.at(view, declaration.where, message, fix), related=related)
            if len(elsewhere) > 3:
                finding = replace(finding, detail="\n".join(elsewhere))
            yield finding


def _test_harness(path: str) -> bool:
    """A dependency file in a tests folder: ``tests``, ``integration_tests``,
    ``e2e-tests``."""
    folders = path.split("/")[:-1]
    return any(part in ("test", "tests") or part.endswith(("_tests", "-tests")) for part in folders)


def _older_pythons_elsewhere(
    view: ProjectView, deps: DependencySet, declaration: Declaration, minimum: Version
) -> tuple[Location, ...]:
    """Other places naming a Python below ``minimum``: a Dockerfile's base image, a CI
    matrix, tox envs, and the project's other Python declarations (``.python-version``)."""
    # Read once per pass: a monorepo asks for each of its Python declarations.
    mentions: list[PythonMention] | None = view.memo.get("python-mentions")
    if mentions is None:
        mentions = view.memo["python-mentions"] = python_mentions(view)
    places = [
        _location(mention.where, f"{mention.kind} {mention.version}")
        for mention in mentions
        if mention.version < minimum
    ]
    for other in deps.declarations:
        if other.name != "python" or other.where.file == declaration.where.file:
            continue
        if judge(other, minimum).status in (Status.BELOW, Status.PINNED, Status.EXCLUDED):
            places.append(_location(other.where, f"`{other.display}`"))
    return tuple(places)


def _location(where: Where, label: str) -> Location:
    span = Span(where.line, where.column, where.end_line, where.end_column)
    return Location(where.file, where.line, label, span if where.end_line else None)
