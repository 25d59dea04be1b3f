"""Finding the files of a project, the way git and a careful user would.

* every ``.gitignore`` level is honoured, with its patterns relative to its own folder,
  negations included;
* ``[tool.fastaudit] exclude`` patterns (gitignore syntax, relative to the root) apply;
* version-control folders, virtualenvs (any folder holding ``pyvenv.cfg``), node_modules,
  build output and tool caches are skipped;
* symlinks are followed only when they stay inside the root, and never around a loop.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".eggs",
        ".fastaudit_cache",
        "build",
        "dist",
        "site-packages",
        ".idea",
        ".vscode",
    }
)

# Files other than Python source that rules read (dependency declarations, migrations).
INTERESTING_NAMES = frozenset(
    {
        "pyproject.toml",
        "setup.cfg",
        "Pipfile",
        "Pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        ".python-version",
        "alembic.ini",
        # Linter and formatter configuration (TLG rules).
        ".pre-commit-config.yaml",
        ".flake8",
        "tox.ini",
        ".isort.cfg",
        "ruff.toml",
        ".ruff.toml",
    }
)


@dataclass(slots=True)
class Discovery:
    root: Path
    python_files: list[str] = field(default_factory=list)  # relative POSIX paths
    other_files: list[str] = field(default_factory=list)
    # Paths that could not be read or were refused, with the reason.
    problems: list[tuple[str, str]] = field(default_factory=list)
    # (size, mtime_ns) of each Python file, seen while walking: the cache uses it
    # without a second stat per file.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)


def _is_interesting(name: str) -> bool:
    if name in INTERESTING_NAMES:
        return True
    # pip requirement and constraint files under their usual names (requirements-dev.txt,
    # dev-requirements.txt, constraints.txt) and every pip-compile input (*.in).
    if name.endswith(".txt") and ("requirements" in name or "constraints" in name):
        return True
    return name.endswith(".in")


class _Ignore:
    """The stack of ignore specs in force for one folder."""

    __slots__ = ("specs",)

    def __init__(self, specs: list[tuple[str, GitIgnoreSpec]]) -> None:
        self.specs = specs  # (folder relative to root, "" for root; spec)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        verdict: bool | None = None
        candidate = rel + "/" if is_dir else rel
        for base, spec in self.specs:
            local = candidate[len(base) + 1 :] if base else candidate
            result = spec.check_file(local)
            if result.include is not None:
                verdict = result.include
        return bool(verdict)


def _read_gitignore(path: Path) -> GitIgnoreSpec | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return GitIgnoreSpec.from_lines(lines)


def discover(root: Path, exclude: list[str] | None = None) -> Discovery:
    root = root.resolve()
    result = Discovery(root=root)
    base_specs: list[tuple[str, GitIgnoreSpec]] = []
    if exclude:
        base_specs.append(("", GitIgnoreSpec.from_lines(exclude)))
    seen_dirs: set[tuple[int, int]] = set()
    for rel_dir, specs in _walk(root, "", _Ignore(base_specs), seen_dirs, result):
        del rel_dir, specs
    result.python_files.sort()
    result.other_files.sort()
    return result


def _walk(
    root: Path,
    rel_dir: str,
    ignore: _Ignore,
    seen: set[tuple[int, int]],
    result: Discovery,
) -> Iterator[tuple[str, _Ignore]]:
    # Iterative depth-first walk: deep trees never hit the recursion limit. Folders and
    # files reached through a symlink come last, so what they point at is found (and
    # reported) under its own path, and a link to it is skipped as a duplicate.
    stack: list[tuple[str, _Ignore]] = [(rel_dir, ignore)]
    linked_dirs: list[tuple[str, _Ignore]] = []
    linked_files: list[tuple[str, tuple[int, int], os.stat_result]] = []
    seen_files: set[tuple[int, int]] = set()
    while stack or linked_dirs:
        if not stack:
            stack.append(linked_dirs.pop(0))
        rel_dir, ignore = stack.pop()
        folder = root / rel_dir if rel_dir else root
        try:
            info = folder.stat()
        except OSError as exc:
            result.problems.append((rel_dir or ".", f"cannot read folder: {exc.strerror}"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            result.problems.append((rel_dir, _revisit(root, rel_dir)))
            continue
        seen.add(key)
        gitignore = folder / ".gitignore"
        if gitignore.is_file() and not gitignore.is_symlink():
            spec = _read_gitignore(gitignore)
            if spec is not None:
                ignore = _Ignore([*ignore.specs, (rel_dir, spec)])
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            result.problems.append((rel_dir or ".", f"cannot list folder: {exc.strerror}"))
            continue
        subdirs: list[str] = []
        for entry in entries:
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                is_link = entry.is_symlink()
                if is_link:
                    if name in SKIP_DIRS or any(ignore.ignored(rel, d) for d in (True, False)):
                        continue  # skipped by name, so never followed nor reported
                    target = Path(entry.path).resolve()
                    if not target.is_relative_to(root):
                        result.problems.append((rel, "symlink points outside the project: skipped"))
                        continue
                    info = target.stat()
                else:
                    info = entry.stat(follow_symlinks=False)
                mode = info.st_mode
            except (OSError, RuntimeError) as exc:
                # RuntimeError: resolve() on a symlink loop in older Pythons.
                reason = getattr(exc, "strerror", None) or str(exc)
                result.problems.append((rel, f"cannot follow: {reason}"))
                continue
            if stat.S_ISDIR(mode):
                if name in SKIP_DIRS or name.endswith(".egg-info"):
                    continue
                if (Path(entry.path) / "pyvenv.cfg").exists():
                    continue  # a virtualenv under any name
                if ignore.ignored(rel, is_dir=True):
                    continue
                if is_link:
                    linked_dirs.append((rel, ignore))
                else:
                    subdirs.append(rel)
            elif stat.S_ISREG(mode):
                if ignore.ignored(rel, is_dir=False):
                    continue
                file_key = (info.st_dev, info.st_ino)
                if is_link:
                    linked_files.append((rel, file_key, info))
                    continue
                seen_files.add(file_key)
                if name.endswith(".py"):
                    result.python_files.append(rel)
                    result.stats[rel] = (info.st_size, info.st_mtime_ns)
                elif _is_interesting(name) or (
                    rel_dir.endswith("requirements") and name.endswith(".txt")
                ):
                    result.other_files.append(rel)
        for sub in reversed(subdirs):
            stack.append((sub, ignore))
        yield rel_dir, ignore
    for rel, file_key, info in linked_files:
        if file_key in seen_files:
            result.problems.append((rel, _revisit(root, rel)))
            continue
        seen_files.add(file_key)
        name = rel.rpartition("/")[2]
        if name.endswith(".py"):
            result.python_files.append(rel)
            result.stats[rel] = (info.st_size, info.st_mtime_ns)
        elif _is_interesting(name) or (
            rel.rpartition("/")[0].endswith("requirements") and name.endswith(".txt")
        ):
            result.other_files.append(rel)


def _revisit(root: Path, rel: str) -> str:
    """Why a symlinked folder or file seen before is skipped: a loop, or a duplicate."""
    where = Path(os.path.normpath(root / rel))
    try:
        target = where.resolve()
        shown = target.relative_to(root).as_posix() or "."
    except (OSError, RuntimeError, ValueError):
        return "symlink loop: already visited, skipped"
    if where.is_relative_to(target):
        return f"symlink loop: leads back to `{shown}`, skipped"
    return f"symlink to `{shown}`, already scanned there: skipped"
