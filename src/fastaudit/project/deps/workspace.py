"""Which declaring files a lock is made from: its own folder's (``lock_sources``), and
for uv workspaces, every member's ``pyproject.toml``: one ``uv.lock`` at the workspace
root (``[tool.uv.workspace] members``, globs, less ``exclude``).

Seen on real code: chainlit keeps its package in ``backend/`` and the lock at the root;
a floor raised in ``backend/pyproject.toml`` left that lock stale (``uv lock --check``
failed), and the lock already installed the floor the finding asked for.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import tomllib
from typing import Any

from fastaudit.project.files import ProjectFiles


def workspace_lock(view: ProjectFiles, pyproject: str) -> str | None:
    """The ``uv.lock`` of the uv workspace ``pyproject`` is a member of: the nearest
    folder above it with a lock and a ``pyproject.toml`` listing it (None: none)."""
    folder = posixpath.dirname(pyproject)
    locks = {path for path in view.other_files if path.endswith("uv.lock")}
    above = folder
    while above:
        above = posixpath.dirname(above)
        prefix = f"{above}/" if above else ""
        lock = f"{prefix}uv.lock"
        if lock not in locks:
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
    if source is None or "workspace" not in source.text:
        return None
    return _parsed_table(source.text)


@functools.lru_cache(maxsize=32)
def _parsed_table(text: str) -> dict[str, Any] | None:
    """The ``[tool.uv.workspace]`` table of a pyproject's text, parsed once: a monorepo
    asks for it from each of its members (prefect: 30 pyprojects)."""
    try:
        data = tomllib.loads(text)
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


def lock_sources(lock: str) -> set[str]:
    """The files a lock is made from in its own folder: the pyproject (uv, poetry,
    pdm), the Pipfile, or the ``.in`` beside a compiled requirements file."""
    folder, _, name = lock.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name.endswith(".txt"):
        return {lock.removesuffix(".txt") + ".in"}
    if name == "Pipfile.lock":
        return {f"{prefix}Pipfile"}
    return {f"{prefix}pyproject.toml"}


def made_from(view: ProjectFiles, lock: str, declaring: str) -> bool:
    """Whether ``lock`` is made from the file ``declaring``: its own source, or the root
    lock of the uv workspace ``declaring`` is a member of."""
    if declaring in lock_sources(lock):
        return True
    return declaring.endswith("pyproject.toml") and workspace_lock(view, declaring) == lock
