"""uv workspaces: one ``uv.lock`` at the workspace root, made from every member's
``pyproject.toml`` (``[tool.uv.workspace] members``, globs, less ``exclude``).

Seen on real code: chainlit keeps its package in ``backend/`` and the lock at the root;
a floor raised in ``backend/pyproject.toml`` left that lock stale (``uv lock --check``
failed), and the lock already installed the floor the finding asked for.
"""

from __future__ import annotations

import fnmatch
import posixpath
import tomllib
from typing import Any

from fastaudit.project.files import ProjectFiles


def workspace_lock(view: ProjectFiles, pyproject: str) -> str | None:
    """The ``uv.lock`` of the uv workspace ``pyproject`` is a member of: the nearest
    folder above it with a lock and a ``pyproject.toml`` listing it (None: none)."""
    folder = posixpath.dirname(pyproject)
    above = folder
    while above:
        above = posixpath.dirname(above)
        prefix = f"{above}/" if above else ""
        lock = f"{prefix}uv.lock"
        if lock not in view.other_files:
            continue
        table = _workspace_table(view, f"{prefix}pyproject.toml")
        if table is None:
            continue
        member = folder.removeprefix(prefix)
        if _listed(table, "members", member) and not _listed(table, "exclude", member):
            return lock
    return None


def _workspace_table(view: ProjectFiles, path: str) -> dict[str, Any] | None:
    source = view.read_text(path)
    if source is None:
        return None
    try:
        data = tomllib.loads(source.text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    table = data.get("tool", {}).get("uv", {}).get("workspace")
    return table if isinstance(table, dict) else None


def _listed(table: dict[str, Any], key: str, member: str) -> bool:
    globs = table.get(key, [])
    return isinstance(globs, list) and any(
        isinstance(glob, str) and fnmatch.fnmatchcase(member, glob.strip("/").removeprefix("./"))
        for glob in globs
    )
