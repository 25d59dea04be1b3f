"""Finding the files of a project, the way git and a careful user would.

* every ``.gitignore`` level is honoured, with its patterns relative to its own folder,
  negations included;
* ``[tool.fastaudit] exclude`` patterns (gitignore syntax, relative to the root) apply;
* version-control folders, virtualenvs (any folder holding ``pyvenv.cfg``), node_modules,
  build output and tool caches are skipped;
* symlinks are followed only when they stay inside the root, and never around a loop;
  a link whose target is missing is a quiet note, not a warning;
* an ignored path is never looked into, so a folder we may not read (a database volume
  owned by a container's user) costs nothing when ignored, and one warning when not.
Nothing here raises for the files it meets: every problem is a line in the result.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where a project has ignore rules: pathspec costs ~13 ms of every start-up.
    from pathspec import GitIgnoreSpec

    from fastaudit.project.ignore_match import Verdict

# What ``fixes.apply.atomic_write`` names its temporary files.
TEMP_SUFFIX = ".fastaudit-tmp"

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
    # Paths that could not be read or were refused, with the reason: one warning each.
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Folders that could not be listed (also in ``problems``), so the TUI can count them.
    unreadable_folders: list[str] = field(default_factory=list)
    # Symbolic links whose target does not exist, with the target as written. Normal in
    # a working tree (a deploy's ``current``, a socket path for Docker), so they are one
    # quiet note per scan, never a warning each.
    broken_links: list[tuple[str, str]] = field(default_factory=list)
    # (size, mtime_ns) of each Python file, seen while walking: the cache uses it
    # without a second stat per file.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Temporary files a fix killed mid-write left behind (``.app.py.x1y2.fastaudit-tmp``):
    # the next ``--fix`` removes them.
    leftovers: list[str] = field(default_factory=list)


def reason(exc: OSError) -> str:
    """An OS error as the few words a person expects: ``permission denied``."""
    return (exc.strerror or type(exc).__name__).lower()


def unreadable_root(path: Path) -> str | None:
    """Why the folder at ``path`` cannot be listed, as one line
    (``cannot read folder /srv/app (permission denied)``), or None: when it can be, and
    when it is missing or not a folder (each front end says that in its own words)."""
    try:
        if not stat.S_ISDIR(path.stat().st_mode):
            return None
        with os.scandir(path):
            pass
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return f"cannot read folder {path} ({reason(exc)})"
    return None


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

    __slots__ = ("specs", "verdicts")

    def __init__(
        self,
        specs: list[tuple[str, GitIgnoreSpec]],
        verdicts: list[tuple[str, Verdict]] | None = None,
    ) -> None:
        self.specs = specs  # (folder relative to root, "" for root; spec)
        # Each spec compiled once, not once per folder below it.
        if verdicts is None:
            verdicts = []
            if specs:
                from fastaudit.project.ignore_match import verdict_of

                verdicts = [(base, verdict_of(spec)) for base, spec in specs]
        self.verdicts = verdicts

    def adding(self, base: str, spec: GitIgnoreSpec) -> _Ignore:
        """These specs and a deeper folder's ``.gitignore``."""
        from fastaudit.project.ignore_match import verdict_of

        return _Ignore([*self.specs, (base, spec)], [*self.verdicts, (base, verdict_of(spec))])

    def ignored(self, rel: str, is_dir: bool) -> bool:
        candidate = rel + "/" if is_dir else rel
        # The deepest spec with a verdict decides, so look from the deepest up.
        for base, judge in reversed(self.verdicts):
            local = candidate[len(base) + 1 :] if base else candidate
            verdict = judge(local)
            if verdict is not None:
                return verdict
        return False


def _read_gitignore(path: str) -> tuple[GitIgnoreSpec | None, list[str]]:
    """The file's spec, and a note for each line that is not a valid pattern."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None, []
    return spec_of(lines)


def spec_of(lines: list[str]) -> tuple[GitIgnoreSpec, list[str]]:
    """A spec of the valid ``lines``, and a note for each invalid one (a lone ``!``).

    git skips a pattern it cannot read and keeps the others; so do we, and say which.
    Dropping a line keeps the order of the rest, so the verdicts of the others stand."""
    from pathspec import GitIgnoreSpec

    try:
        return GitIgnoreSpec.from_lines(lines), []
    except ValueError:  # GitIgnorePatternError
        pass
    kept: list[str] = []
    notes: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            GitIgnoreSpec.from_lines([line])
        except ValueError as exc:
            notes.append(f"line {number} `{line}` is not a valid pattern ({exc}); skipped")
        else:
            kept.append(line)
    return GitIgnoreSpec.from_lines(kept), notes


def _is_virtualenv(folder: str) -> bool:
    # os.path.exists answers False for a folder we may not search: it is then listed,
    # and the listing's failure is what gets reported.
    return os.path.exists(os.path.join(folder, "pyvenv.cfg"))


def python_mention_kind(path: str) -> str | None:
    """How a file that may name the project's Python is read (see
    ``deps.python_mentions``): "docker", "ci", "tox"..., or None for other files."""
    folder, name = posixpath.split(path)
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile."):
        return "docker"
    if name.endswith(".Dockerfile") or name.endswith(".dockerfile"):
        return "docker"
    if name.endswith((".yml", ".yaml")) and (
        folder.endswith(".github/workflows") or name == ".gitlab-ci.yml"
    ):
        return "ci"
    if name == "config.yml" and folder.endswith(".circleci"):
        return "ci"
    if name == "tox.ini":
        return "tox"
    if name == "runtime.txt":
        return "runtime"
    if name == ".tool-versions":
        return "tool-versions"
    return None


def _kind(name: str, rel_dir: str) -> str | None:
    """ "python", "other" (a file rules read) or None (not ours to look at)."""
    if name.endswith(".py"):
        return "python"
    if _is_interesting(name) or (rel_dir.endswith("requirements") and name.endswith(".txt")):
        return "other"
    if python_mention_kind(f"{rel_dir}/{name}" if rel_dir else name):
        return "other"
    return None


def discover(root: Path, exclude: list[str] | None = None) -> Discovery:
    root = root.resolve()
    result = Discovery(root=root)
    base_specs: list[tuple[str, GitIgnoreSpec]] = []
    if exclude:
        spec, notes = spec_of(exclude)
        base_specs.append(("", spec))
        result.problems.extend(("[tool.fastaudit] exclude", note) for note in notes)
    _Walk(root, result).run(_Ignore(base_specs))
    result.python_files.sort()
    result.other_files.sort()
    return result


class _Walk:
    """One iterative depth-first walk (deep trees never hit the recursion limit).

    Ignore rules are checked on a name before anything else touches the path, so an
    ignored folder (a database volume owned by another user, say) is never stat'ed,
    probed or listed: only its directory entry in the parent is seen. Folders and files
    reached through a symlink come last, so what they point at is found (and reported)
    under its own path, and a link to it is skipped as a duplicate.
    """

    def __init__(self, root: Path, result: Discovery) -> None:
        self.root = root
        self.result = result
        self.seen_dirs: set[tuple[int, int]] = set()
        self.seen_files: set[tuple[int, int]] = set()
        self.linked_dirs: list[tuple[str, _Ignore]] = []
        self.linked_files: list[tuple[str, tuple[int, int], os.stat_result]] = []

    def run(self, ignore: _Ignore) -> None:
        stack: list[tuple[str, _Ignore]] = [("", ignore)]
        while stack or self.linked_dirs:
            if not stack:
                stack.append(self.linked_dirs.pop(0))
            rel_dir, ignore = stack.pop()
            subdirs = self.folder(rel_dir, ignore)
            stack.extend(reversed(subdirs))
        for rel, file_key, info in self.linked_files:
            if file_key in self.seen_files:
                self.result.problems.append((rel, _revisit(self.root, rel)))
                continue
            self.seen_files.add(file_key)
            self.add_file(rel, info)

    def folder(self, rel_dir: str, ignore: _Ignore) -> list[tuple[str, _Ignore]]:
        """Note the files of one folder; return its subfolders to walk, in order."""
        result = self.result
        folder = os.path.join(self.root, rel_dir) if rel_dir else str(self.root)
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in self.seen_dirs:
                result.problems.append((rel_dir, _revisit(self.root, rel_dir)))
                return []
            self.seen_dirs.add(key)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            shown = rel_dir or "."
            result.problems.append((shown, f"cannot read folder ({reason(exc)}); skipped"))
            result.unreadable_folders.append(shown)
            return []
        for entry in entries:
            if entry.name == ".gitignore" and _plain_file(entry):
                spec, notes = _read_gitignore(entry.path)
                shown = f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"
                result.problems.extend((shown, note) for note in notes)
                if spec is not None:
                    ignore = ignore.adding(rel_dir, spec)
        subdirs: list[tuple[str, _Ignore]] = []
        for entry in entries:
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                # From the directory entry's type: no system call on the path itself.
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                is_file = not is_link and not is_dir and entry.is_file(follow_symlinks=False)
            except OSError as exc:
                result.problems.append((rel, f"cannot read ({reason(exc)}); skipped"))
                continue
            if is_link:
                self.link(entry, rel, ignore)
            elif is_dir:
                if self.wanted_folder(name, rel, ignore) and not _is_virtualenv(entry.path):
                    subdirs.append((rel, ignore))
            elif is_file and name.startswith(".") and name.endswith(TEMP_SUFFIX):
                result.leftovers.append(rel)
            elif (
                is_file
                and _kind(name, rel_dir) is not None
                and not ignore.ignored(rel, is_dir=False)
            ):
                try:
                    file_info: os.stat_result | None = entry.stat(follow_symlinks=False)
                except OSError:
                    file_info = None  # reading it says why: an SCN002 or PIN109 finding
                if file_info is not None:
                    self.seen_files.add((file_info.st_dev, file_info.st_ino))
                self.add_file(rel, file_info)
        return subdirs

    @staticmethod
    def wanted_folder(name: str, rel: str, ignore: _Ignore) -> bool:
        if name in SKIP_DIRS or name.endswith(".egg-info"):
            return False
        return not ignore.ignored(rel, is_dir=True)

    def link(self, entry: os.DirEntry[str], rel: str, ignore: _Ignore) -> None:
        """Follow a symlink if it stays in the project, or say why not."""
        result = self.result
        if entry.name in SKIP_DIRS or any(ignore.ignored(rel, d) for d in (True, False)):
            return  # skipped by name, so never followed nor reported
        try:
            info = os.stat(entry.path)
        except (FileNotFoundError, NotADirectoryError):
            # The target does not exist: not "outside the project", just broken.
            try:
                target = os.readlink(entry.path)
            except OSError:
                target = "?"
            result.broken_links.append((rel, target))
            return
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                result.problems.append((rel, "symlink loop: skipped"))
            else:
                result.problems.append((rel, f"cannot follow symlink ({reason(exc)}); skipped"))
            return
        try:
            inside = Path(entry.path).resolve().is_relative_to(self.root)
        except (OSError, RuntimeError):  # RuntimeError: a loop, in older Pythons
            inside = False
        if not inside:
            result.problems.append((rel, "symlink points outside the project: skipped"))
            return
        if stat.S_ISDIR(info.st_mode):
            if self.wanted_folder(entry.name, rel, ignore) and not _is_virtualenv(entry.path):
                self.linked_dirs.append((rel, ignore))
        elif stat.S_ISREG(info.st_mode):
            self.linked_files.append((rel, (info.st_dev, info.st_ino), info))

    def add_file(self, rel: str, info: os.stat_result | None) -> None:
        rel_dir, _, name = rel.rpartition("/")
        kind = _kind(name, rel_dir)
        if kind == "python":
            self.result.python_files.append(rel)
            if info is not None:
                self.result.stats[rel] = (info.st_size, info.st_mtime_ns)
        elif kind == "other":
            self.result.other_files.append(rel)


def _plain_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


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
