"""Reading every dependency file of a project into one :class:`DependencySet`.

Each file is read through the :class:`ProjectFiles` (so fixes to it can refuse stale
writes) and parsed once per scan; every project rule asks :func:`collect` and gets the
same result. A file that cannot be read or parsed becomes a :class:`Problem`, never an
exception.

What a TOML, setup.cfg, .python-version or Pipfile.lock file gives depends on its bytes
alone (and, for declarations, on the Python their markers are evaluated for), so with
the result cache (``view.derived``) a file whose bytes are unchanged is not parsed again:
its :class:`Parsed` is reused, positions and problems included (a broken file is still
reported every run; it is its problem that is kept). Requirements files are always read
afresh: how each is read depends on the files beside it and on who includes it.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.version import Version

from fastaudit.model import compact_pickle
from fastaudit.project.deps.common import FileReader
from fastaudit.project.deps.locks import REFRESH, read_pipfile_lock, read_toml_lock
from fastaudit.project.deps.matrix import Matrix, load_matrix
from fastaudit.project.deps.model import (
    Declaration,
    DependencySet,
    Locked,
    Problem,
    Source,
    Where,
)
from fastaudit.project.deps.pipfile import read_pipfile, read_python_version
from fastaudit.project.deps.pyproject import read_pyproject
from fastaudit.project.deps.requirements import RequirementsFile, compiled_header, read_requirements
from fastaudit.project.deps.requires import Edges, lock_requires, merge
from fastaudit.project.deps.setup_cfg import read_setup_cfg
from fastaudit.project.deps.specs import SpecError, bounds_of
from fastaudit.project.deps.toml_positions import ScanLost, scan_positions
from fastaudit.project.deps.workspace import workspace_lock
from fastaudit.project.derived import Derived
from fastaudit.project.discovery import reason

if TYPE_CHECKING:
    from fastaudit.project.files import ProjectFiles

DEFAULT_PYTHON = Version("3.11")
_TOML_ERROR = re.compile(r"\(at line (\d+), column (\d+)\)")
_PYTHON_SOURCES = (
    Source.REQUIRES_PYTHON,
    Source.POETRY,
    Source.SETUP_CFG,
    Source.PIPFILE,
    Source.PYTHON_VERSION,
)

# The last result, kept while its view is alive: every PIN rule of one scan shares it.
_last: tuple[object, DependencySet, Matrix] | None = None


def collect(view: ProjectFiles) -> tuple[DependencySet, Matrix]:
    global _last
    if _last is not None and _last[0] is view:
        return _last[1], _last[2]
    matrix = load_matrix(view.config.matrix)
    view.warnings.extend(matrix.warnings)
    # Without the result cache, still parse each file once for both passes below.
    store = view.derived if view.derived is not None else Derived()
    deps = _collect(view, DEFAULT_PYTHON, store)
    python = project_python(deps)
    if python != deps.python:
        deps = _collect(view, python, store)  # markers depend on the project's Python
    _last = (view, deps, matrix)
    return deps, matrix


def project_python(deps: DependencySet) -> Version:
    """The lowest Python the root project says it runs on, for evaluating markers."""
    for source in _PYTHON_SOURCES:
        for declaration in deps.declarations:
            if declaration.name != "python" or declaration.source is not source:
                continue
            if "/" in declaration.where.file or not declaration.checkable:
                continue
            try:
                lowest = min(
                    (b.lower for b in bounds_of(declaration.text, declaration.syntax)),
                    default=None,
                    key=lambda v: v or Version("0"),
                )
            except SpecError:
                continue
            if lowest is not None:
                return lowest
    return DEFAULT_PYTHON


def is_requirements_file(path: str) -> bool:
    folder, name = posixpath.split(path)
    if not name.endswith((".txt", ".in")) or name == "MANIFEST.in":
        return False
    return (
        "requirements" in name
        or "constraints" in name
        or posixpath.basename(folder) in ("requirements", "reqs")
    )


@compact_pickle
@dataclass(slots=True)
class Parsed:
    """What one dependency file gives on its own, as kept by the result cache."""

    declarations: list[Declaration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    locked: list[Locked] = field(default_factory=list)
    requires: Edges = field(default_factory=dict)

    def well_formed(self) -> bool:
        """Whether a value read back from the cache has the shape it is used in."""
        return (
            isinstance(self.declarations, list)
            and isinstance(self.problems, list)
            and isinstance(self.locked, list)
            and isinstance(self.requires, dict)
        )


# Fill ``Parsed`` from a file: its reader (declarations and problems collect there).
Parse = Callable[[FileReader, Parsed], None]
# Read a parsed TOML document.
ReadToml = Callable[[FileReader, dict[str, Any], Parsed], None]
_LOCKS = ("uv.lock", "poetry.lock", "pdm.lock")


def _collect(view: ProjectFiles, python: Version, store: Derived) -> DependencySet:
    deps = DependencySet(python=python)
    others = set(view.other_files)
    requirement_roots: list[str] = []
    for path in view.other_files:
        name = posixpath.basename(path)
        if name == "pyproject.toml":
            _file(view, store, deps, path, python, _toml(lambda r, d, p: read_pyproject(r, d)))
        elif name == "Pipfile":
            _file(view, store, deps, path, python, _toml(lambda r, d, p: read_pipfile(r, d)))
        elif name == "setup.cfg":
            _file(view, store, deps, path, python, lambda r, p: read_setup_cfg(r))
        elif name == ".python-version":
            _file(view, store, deps, path, python, lambda r, p: read_python_version(r))
        elif name in _LOCKS:
            # Locks are read without markers: one parse serves every Python.
            _file(view, store, deps, path, python, _toml_lock(name), per_python=False)
        elif name == "Pipfile.lock":
            _file(
                view,
                store,
                deps,
                path,
                python,
                lambda r, p: p.locked.extend(read_pipfile_lock(r)),
                per_python=False,
            )
        elif is_requirements_file(path) or (
            name.endswith(".in") and path.removesuffix(".in") + ".txt" in others
        ):
            requirement_roots.append(path)
    _requirements(view, deps, requirement_roots, python)
    _refresh_commands(view, deps, others)
    return deps


def _toml_lock(name: str) -> Parse:
    def read(reader: FileReader, data: dict[str, Any], parsed: Parsed) -> None:
        parsed.locked.extend(read_toml_lock(reader, data, name))
        merge(parsed.requires, lock_requires(data, name))

    return _toml(read, positions=False)


def _reader(
    view: ProjectFiles, deps: DependencySet, path: str, python: Version
) -> FileReader | None:
    before = len(view.warnings)
    source = view.read_text(path)
    if source is None:
        # Reported as a PIN109 finding instead of a second, general warning.
        reason = view.warnings[before].partition(": ")[2] if len(view.warnings) > before else ""
        del view.warnings[before:]
        deps.problems.append(Problem(Where(path, 1), reason or "cannot read this file"))
        return None
    return FileReader(path, source, python)


def _finish(deps: DependencySet, reader: FileReader) -> None:
    deps.declarations.extend(reader.declarations)
    deps.problems.extend(reader.problems)
    if any(d.name != "python" for d in reader.declarations):
        deps.declaring_files.add(reader.file)


def _file(
    view: ProjectFiles,
    store: Derived,
    deps: DependencySet,
    path: str,
    python: Version,
    parse: Parse,
    *,
    per_python: bool = True,
) -> None:
    """Read one dependency file, parse it (or take what an earlier run parsed from the
    same bytes) and add what it gives to ``deps``. Always read: its digest is the key,
    and fixes to it refuse a file changed since."""
    reader = _reader(view, deps, path, python)
    if reader is None:
        return
    variant = str(python) if per_python else ""
    digest = reader.source.digest
    cached = store.get(path, variant, digest)
    if isinstance(cached, Parsed) and cached.well_formed():
        parsed = cached
    else:
        parsed = Parsed()
        parse(reader, parsed)
        parsed.declarations.extend(reader.declarations)
        parsed.problems.extend(reader.problems)
        store.put(path, variant, digest, parsed)
    deps.locked.extend(parsed.locked)
    merge(deps.requires, parsed.requires)
    deps.declarations.extend(parsed.declarations)
    deps.problems.extend(parsed.problems)
    if any(d.name != "python" for d in parsed.declarations):
        deps.declaring_files.add(path)


def _toml(read: ReadToml, positions: bool = True) -> Parse:
    """Parse a TOML file, then ``read`` it; invalid TOML is the file's one problem."""

    def parse(reader: FileReader, parsed: Parsed) -> None:
        try:
            data = tomllib.loads(reader.source.text)
        except tomllib.TOMLDecodeError as exc:
            match = _TOML_ERROR.search(str(exc))
            line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
            message = _TOML_ERROR.sub("", str(exc)).strip()
            parsed.problems.append(
                Problem(
                    Where(reader.file, line, column),
                    f"not valid TOML ({message}); its dependencies were not checked",
                )
            )
            return
        except (RecursionError, MemoryError):
            parsed.problems.append(
                Problem(
                    Where(reader.file, 1, 1),
                    "too deeply nested to read as TOML; its dependencies were not checked",
                )
            )
            return
        try:
            # A lock finds its lines itself (machine-written, one key a line); the full
            # position scan of a large uv.lock would be most of the time spent on it.
            reader.positions = scan_positions(reader.source.text) if positions else None
        except ScanLost:
            # Positions unknown: findings fall back to the first line, and nothing is edited.
            reader.positions = None
        read(reader, data, parsed)

    return parse


def _requirements(
    view: ProjectFiles, deps: DependencySet, roots: list[str], python: Version
) -> None:
    """Read requirements files and, once each, every file they include (``-r``) or
    constrain with (``-c``); a cycle of includes simply finds the file already read."""
    parsed: dict[str, tuple[FileReader, RequirementsFile]] = {}
    constraint_targets: set[str] = set()
    required_targets: set[str] = set()
    queue = list(roots)
    others = set(view.other_files)
    while queue:
        path = queue.pop(0)
        if path in parsed:
            continue
        reader = _reader(view, deps, path, python)
        if reader is None:
            continue
        compiled, command = compiled_header(reader.source.text)
        if path.endswith(".txt") and path.removesuffix(".txt") + ".in" in others:
            compiled = True
            command = command or f"pip-compile {path.removesuffix('.txt')}.in"
        result = read_requirements(reader, compiled=compiled, command=command)
        parsed[path] = (reader, result)
        folder = posixpath.dirname(path)
        for include in result.includes:
            target = posixpath.normpath(posixpath.join(folder, include.target))
            where = Where(path, include.line)
            outside = Problem(
                where, f"includes {include.target}, outside the project; not followed"
            )
            if target.startswith("../") or target == ".." or posixpath.isabs(target):
                deps.problems.append(outside)
                continue
            try:
                exists = (view.root / target).is_file()
            except OSError as exc:  # in a folder we may not enter
                deps.problems.append(
                    Problem(
                        where, f"includes {include.target}, which cannot be read ({reason(exc)})"
                    )
                )
                continue
            if not exists:
                deps.problems.append(
                    Problem(where, f"includes {include.target}, which does not exist")
                )
                continue
            if not view.inside(target):  # inside by name, outside through a symlink
                deps.problems.append(outside)
                continue
            (constraint_targets if include.kind == "c" else required_targets).add(target)
            queue.append(target)
    for path, (reader, result) in parsed.items():
        if path in constraint_targets and path not in required_targets:
            for declaration in reader.declarations:
                declaration.source = Source.CONSTRAINTS
        deps.locked.extend(result.locked)
        if result.compiled:
            deps.lock_commands.setdefault(path, []).append(result.command)
        _finish(deps, reader)
        if path in constraint_targets and path not in required_targets:
            deps.declaring_files.discard(path)


def _refresh_commands(view: ProjectFiles, deps: DependencySet, others: set[str]) -> None:
    """For each declaring file, the commands that regenerate the locks made from it
    (stored under the declaring file's path, replacing the per-lock entries): its own
    folder's, and the root lock of a uv workspace it is a member of."""
    compiled = dict(deps.lock_commands)
    refresh: dict[str, list[str]] = {}
    for path in sorted(deps.declaring_files | {d.where.file for d in deps.declarations}):
        folder, name = posixpath.split(path)
        commands: list[str] = []
        if name == "pyproject.toml":
            for lock in ("uv.lock", "poetry.lock", "pdm.lock"):
                if posixpath.join(folder, lock) in others:
                    commands.append(REFRESH[lock])
            if REFRESH["uv.lock"] not in commands and workspace_lock(view, path) is not None:
                commands.append(REFRESH["uv.lock"])
        elif name == "Pipfile" and posixpath.join(folder, "Pipfile.lock") in others:
            commands.append(REFRESH["Pipfile.lock"])
        for lock_path, lock_commands in compiled.items():
            lock_folder, lock_name = posixpath.split(lock_path)
            stem = lock_name.removesuffix(".txt")
            if lock_folder != folder:
                continue
            if name == f"{stem}.in" or any(name in c.split() for c in lock_commands):
                commands.extend(c for c in lock_commands if c)
        if commands:
            refresh[path] = commands
    deps.lock_commands = refresh
