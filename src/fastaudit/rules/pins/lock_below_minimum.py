"""PIN103: Lock file resolves a package below the minimum."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.version import Version

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.project.deps import DependencySet, Locked, Matrix
from fastaudit.project.deps.verdict import Status, judge
from fastaudit.project.deps.workspace import lock_sources
from fastaudit.rules.pins._shared import PYPROJECT, PinRule, in_library, library_folders


class LockBelowMinimum(PinRule):
    id = "PIN103"
    name = "lock-below-minimum"
    title = "Lock file resolves a package below the minimum"
    severity = Severity.WARNING
    rationale = """
    A declared range can be right while the lock still installs an old release: locks
    only move when they are regenerated. What runs in CI and production is what the
    lock says. Lock files are never edited by hand or by fastaudit; the message names
    the command that moves the package.
    """
    dont = '# uv.lock\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n'
    do = '# uv.lock\n[[package]]\nname = "fastapi"\nversion = "0.115.6"\n'
    dont_files = {
        "pyproject.toml": PYPROJECT.replace(">=0.100,<1.0", ">=0.115"),
        "uv.lock": 'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n',
    }
    do_files = {
        "pyproject.toml": PYPROJECT.replace(">=0.100,<1.0", ">=0.115"),
        "uv.lock": 'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.115.6"\n',
    }

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        libraries = library_folders(deps)
        for locked in deps.locked:
            minimum = matrix.minimums.get(locked.name)
            if minimum is None or locked.name == "python" or locked.version is None:
                continue
            if libraries and in_library(locked.where.file, libraries):
                continue
            if _capped_or_undeclared(deps, locked, minimum.version):
                continue
            if locked.version < minimum.version:
                yield self.at(
                    view,
                    locked.where,
                    f"{locked.where.file} resolves {locked.name} to {locked.version_text}, "
                    f"below the minimum {minimum.version}: raise the declared bound if it "
                    f"allows that, then run `{locked.command}`",
                )


def _capped_or_undeclared(deps: DependencySet, locked: Locked, minimum: Version) -> bool:
    """A lock that is old because the file it is made from shuts the minimum out says
    nothing PIN104 does not already say there; and a package nobody declares is held
    back by a parent's cap (PIN106 names the parent), with no bound of ours to raise."""
    declared = [d for d in deps.declarations if d.name == locked.name and d.applies]
    if not declared:
        # Only when something is declared: a lock read alone is all there is to go by.
        return any(d.name != "python" for d in deps.declarations)
    sources = lock_sources(locked.where.file)
    return any(
        d.where.file in sources and judge(d, minimum).status in (Status.PINNED, Status.EXCLUDED)
        for d in declared
    )
