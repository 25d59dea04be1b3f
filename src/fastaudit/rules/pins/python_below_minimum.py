"""PIN105: Supported Python range reaches below the minimum."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from packaging.version import InvalidVersion, Version

from fastaudit import settings
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
        "safe for requires-python style ranges; unsafe for .python-version / Pipfile, "
        "while a Dockerfile, CI matrix, tox env or other declaration names an older Python, "
        "and where a lock that checks the file (uv.lock, poetry.lock, ...) is made from it"
    )
    rationale = """
    `requires-python` (or Poetry's `python = ...`, `python_requires`, `.python-version`,
    Pipfile's `python_version`) decides which interpreters installers accept and which
    language features the code may use. Admitting Pythons older than the minimum keeps
    the project from using what current FastAPI, Pydantic and asyncio rely on, and lets
    an old interpreter install it and fail at runtime.

    An interpreter past its end of life (3.10 since October 2026) gets no security
    fixes: the finding says so. Where the oldest Python admitted is still supported and
    the project's own CI matrix or tox envs test it, the project supports it on purpose
    and nothing fails there: the finding is then information, a support decision to
    revisit, not a defect.
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
            oldest = None
            if declaration.syntax is Syntax.VERSION or verdict.status is Status.BELOW:
                oldest = _oldest_admitted(
                    declaration, verdict.bounds.lower if verdict.bounds else None
                )
            ended = end_of_life(oldest) if oldest is not None else None
            tested = None
            if ended is not None and ended < settings.today():
                # First: a long list of places below would clip it off a report line.
                message += f" and past its end of life ({ended:%B %Y})"
            elif oldest is not None:
                tested = _tested_at(view, oldest)
            if tested is not None:
                message += (
                    f", and the project tests {tested.version} ({tested.where.label}): "
                    "a support decision, not a defect"
                )
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
                        note="; ".join(
                            p
                            for p in (
                                f"{places} still name an older Python: raise them together",
                                fix.note,
                            )
                            if p
                        ),
                    )
            finding = replace(self.at(view, declaration.where, message, fix), related=related)
            if tested is not None:
                finding = replace(finding, severity=Severity.INFO)
            if len(elsewhere) > 3:
                finding = replace(finding, detail="\n".join(elsewhere))
            yield finding


def _test_harness(path: str) -> bool:
    """A dependency file in a tests folder: ``tests``, ``integration_tests``,
    ``e2e-tests``."""
    folders = path.split("/")[:-1]
    return any(part in ("test", "tests") or part.endswith(("_tests", "-tests")) for part in folders)


def end_of_life(python: Version) -> date | None:
    """The last day of CPython ``python``'s security support (PEP 602: five years from
    each October release, 3.8 on); None for what is not a 3.x release."""
    if python.major != 3:
        return None
    if python.minor >= 8:
        return date(2016 + python.minor, 10, 31)
    return _EARLY_END_OF_LIFE.get(python.minor, date(2017, 12, 31))


# Before PEP 602's yearly cadence (PEPs 537, 494, 478): the last release's day.
_EARLY_END_OF_LIFE = {7: date(2023, 6, 27), 6: date(2021, 12, 23), 5: date(2020, 9, 30)}


def _mentions(view: ProjectView) -> list[PythonMention]:
    """The project's other Python mentions, read once per pass: a monorepo asks for
    each of its Python declarations."""
    mentions: list[PythonMention] | None = view.memo.get("python-mentions")
    if mentions is None:
        mentions = view.memo["python-mentions"] = python_mentions(view)
    return mentions


def _oldest_admitted(declaration: Declaration, lower: Version | None) -> Version | None:
    """The oldest Python ``declaration`` lets in, as major.minor (None: no lower bound)."""
    if declaration.syntax is Syntax.VERSION:
        try:
            lower = Version(declaration.text)
        except InvalidVersion:
            return None
    if lower is None:
        return None
    return Version(f"{lower.major}.{lower.minor}")


def _tested_at(view: ProjectView, oldest: Version) -> PythonMention | None:
    """The first CI matrix entry or tox env that runs the project on ``oldest``: the
    project supports that Python on purpose, and checks that it works there."""
    runs = [
        mention
        for mention in _mentions(view)
        if mention.kind in ("CI matrix", "tox env") and mention.version == oldest
    ]
    # A workflow that runs the tests says it best (not, say, an editor's setup steps).
    runs.sort(key=lambda mention: "test" not in mention.where.file.rsplit("/", 1)[-1])
    return runs[0] if runs else None


def _older_pythons_elsewhere(
    view: ProjectView, deps: DependencySet, declaration: Declaration, minimum: Version
) -> tuple[Location, ...]:
    """Other places naming a Python below ``minimum``: a Dockerfile's base image, a CI
    matrix, tox envs, and the project's other Python declarations (``.python-version``)."""
    places = [
        _location(mention.where, f"{mention.kind} {mention.version}")
        for mention in _mentions(view)
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
