"""From the paths on a command line to the project they belong to.

Like ruff, the settings come from the closest ``pyproject.toml`` above the path given
with a ``[tool.fastaudit]`` table, so ``fastaudit check src`` and a run from a subfolder
honour the project's configuration. That file's folder is the project root: findings are
named relative to it, and project-wide facts (dependency files, layout) come from it.

One difference from ruff, because fastaudit audits dependency declarations: a
``pyproject.toml`` that declares a project of its own (``[project]`` or
``[tool.poetry]``) but has no ``[tool.fastaudit]`` is a project boundary too. A package
inside a repository is audited against its own dependencies, not its parent's.

The paths given become the *scope*: only findings in them are reported.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class TargetError(Exception):
    """A path on the command line cannot be audited; the message says why."""


@dataclass(slots=True)
class Target:
    root: Path  # resolved project root
    # Relative POSIX paths (from root) of the folders and files given; empty means the
    # whole project.
    scope: list[str] = field(default_factory=list)
    # Paths named as files (not folders): pre-commit's ``pass_filenames``.
    files: list[str] = field(default_factory=list)
    shown: str = "."  # the paths as the user typed them, for messages

    def covers(self, path: str) -> bool:
        if not self.scope:
            return True
        return any(path == s or path.startswith(s + "/") for s in self.scope)


def _marks_root(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    try:
        if not pyproject.is_file():
            return False
    except PermissionError:
        # A folder we may not look into: if it is the project, the audit says so.
        return True
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, MemoryError):
        # An unreadable pyproject.toml still marks a project: load_config then warns
        # about it, rather than the search silently walking past it.
        return True
    tool = data.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    return "fastaudit" in tool or "project" in data or "poetry" in tool


def find_root(start: Path) -> Path | None:
    """The closest folder at or above ``start`` whose pyproject.toml configures
    fastaudit or declares a project; None when there is none up to the filesystem root."""
    for folder in (start, *start.parents):
        if _marks_root(folder):
            return folder
    return None


def locate(paths: list[str], cwd: Path | None = None) -> Target:
    """The project and scope for the paths given (none means the current folder)."""
    cwd = (cwd or Path.cwd()).resolve()
    given = paths or ["."]
    resolved: list[Path] = []
    for raw in given:
        path = Path(raw)
        if not path.exists():
            raise TargetError(f"{raw} does not exist")
        resolved.append((cwd / path).resolve())
    folders = [p if p.is_dir() else p.parent for p in resolved]
    common = Path(os.path.commonpath([str(f) for f in folders]))
    root = find_root(common)
    if root is None:
        # No project file anywhere above: the folder given is the project, as before;
        # for files, the current folder when they lie in it.
        if len(resolved) == 1 and resolved[0].is_dir():
            root = resolved[0]
        elif common.is_relative_to(cwd):
            root = cwd
        else:
            root = common
    scope: list[str] = []
    files: list[str] = []
    for path in resolved:
        rel = path.relative_to(root).as_posix()
        if rel == ".":
            scope = []
            files = []
            break
        scope.append(rel)
        if not path.is_dir():
            files.append(rel)
    return Target(root=root, scope=scope, files=files, shown=" ".join(given))
