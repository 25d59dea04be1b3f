"""The matrix table: one row per declaration of a package the matrix knows, with what
is locked, the minimum and a status. Shared by the TUI and the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastaudit.project.deps.collect import collect
from fastaudit.project.deps.model import Source
from fastaudit.project.deps.verdict import Status, judge

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView


@dataclass(frozen=True, slots=True)
class Row:
    package: str
    where: str  # "pyproject.toml:8"; "" when only a lock mentions the package
    declared: str  # the declaration as written
    locked: str  # locked version(s), comma-separated; "" when nothing is locked
    minimum: str
    status: str  # "ok", "admits older", "pinned below", "excludes minimum", "lock below",
    # "replaced by X", "not checkable", "marker excludes", "not declared"

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "marker excludes")


def matrix_rows(project: ProjectView | Path) -> list[Row]:
    view = project if not isinstance(project, Path) else _view(project)
    deps, matrix = collect(view)
    # A lock file speaks for the declarations of its own folder and the folders below
    # it (up to the next folder with a lock of its own): (folder, name) -> versions.
    locked: dict[tuple[str, str], list[str]] = {}
    lock_below: set[tuple[str, str]] = set()
    lock_folders: set[str] = set()
    for entry in deps.locked:
        folder = _folder(entry.where.file)
        lock_folders.add(folder)
        versions = locked.setdefault((folder, entry.name), [])
        if entry.version_text not in versions:
            versions.append(entry.version_text)
        minimum = matrix.minimums.get(entry.name)
        if minimum and entry.version is not None and entry.version < minimum.version:
            lock_below.add((folder, entry.name))

    def lock_of(path: str) -> str | None:
        folder = _folder(path)
        while True:
            if folder in lock_folders:
                return folder
            if not folder:
                return None
            folder = folder.rpartition("/")[0]

    rows: list[Row] = []
    declared: set[str] = set()
    for declaration in deps.declarations:
        if declaration.source is Source.BUILD:
            continue
        minimum = matrix.minimums.get(declaration.name)
        replacement = matrix.replaced.get(declaration.name)
        if minimum is None and replacement is None:
            continue
        declared.add(declaration.name)
        lock = lock_of(declaration.where.file)
        if replacement is not None:
            status = f"replaced by {replacement.successor}"
        else:
            assert minimum is not None
            status = judge(declaration, minimum.version).status.value
            if status == Status.OK.value and (lock, declaration.name) in lock_below:
                status = "lock below"
        rows.append(
            Row(
                package=declaration.name,
                where=declaration.where.label,
                declared=declaration.display,
                locked=", ".join(
                    locked.get((lock, declaration.name), []) if lock is not None else []
                ),
                minimum=str(minimum.version) if minimum else "",
                status=status,
            )
        )
    for (folder, name), versions in locked.items():
        minimum = matrix.minimums.get(name)
        if minimum is None or name in declared:
            continue
        rows.append(
            Row(
                package=name,
                where=f"{folder}/" if folder else "",
                declared="",
                locked=", ".join(versions),
                minimum=str(minimum.version),
                status="lock below" if (folder, name) in lock_below else "not declared",
            )
        )
    rows.sort(key=lambda r: (r.package != "python", r.package, r.where))
    return rows


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


def _view(root: Path) -> ProjectView:
    """A project view without a Python scan: enough for dependency files."""
    from fastaudit.config import load_config
    from fastaudit.engine.project import ProjectView
    from fastaudit.project.discovery import discover

    root = root.resolve()
    config = load_config(root)
    return ProjectView.of(root, config, discover(root, config.exclude))
