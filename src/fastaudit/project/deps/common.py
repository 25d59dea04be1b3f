"""Shared by the parsers: positions in a decoded file, markers, and building a
declaration from a PEP 508 string."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement
from packaging.version import Version

from fastaudit.project.deps.model import Declaration, Problem, Source, Syntax, Where, normalize
from fastaudit.project.deps.pep508 import split
from fastaudit.project.deps.specs import SpecError, bounds_of, pep440
from fastaudit.project.deps.toml_positions import Path as TomlPath
from fastaudit.project.deps.toml_positions import Positions, ValueSpan
from fastaudit.project.source import SourceText

# Markers are evaluated for the project's Python on each common platform: a
# declaration counts when it applies on any of them (``sys_platform == "win32"`` deps
# are still the project's deps).
_PLATFORMS = (
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
)


def marker_applies(marker: Marker | None, python: Version) -> bool:
    if marker is None:
        return True
    release = (*python.release, 0, 0)
    base = {
        "python_version": f"{release[0]}.{release[1]}",
        "python_full_version": ".".join(map(str, release[:3])),
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    for platform in _PLATFORMS:
        try:
            if marker.evaluate({**base, **platform}):
                return True
        except (UndefinedComparison, UndefinedEnvironmentName, ValueError):
            return True  # a marker we cannot judge: keep the declaration
    # ``extra == "x"`` markers are about the project's own extras: keep them.
    return "extra" in str(marker)


def where_of(file: str, source: SourceText, start: int, end: int) -> Where:
    line, column = source.position(start)
    end_line, end_column = source.position(end)
    return Where(file, line, column, end_line, end_column, start, end)


@dataclass(slots=True)
class FileReader:
    """One dependency file being read: its text, TOML positions, and what it yielded."""

    file: str
    source: SourceText
    python: Version
    positions: Positions | None = None
    declarations: list[Declaration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def span(self, path: TomlPath) -> ValueSpan | None:
        if self.positions is None:
            return None
        return self.positions.values.get(path)

    def where(self, path: TomlPath, inner: bool = True) -> Where:
        """The string's characters (``inner``) or the whole value; the file's first
        line when positions are unknown."""
        span = self.span(path)
        if span is None:
            return Where(self.file, 1, 1, 1, 1)
        if inner and span.inner_start >= 0:
            return where_of(self.file, self.source, span.inner_start, span.inner_end)
        return where_of(self.file, self.source, span.start, span.end)

    def key_where(self, path: TomlPath) -> Where | None:
        if self.positions is None or path not in self.positions.keys:
            return None
        start, end = self.positions.keys[path]
        return where_of(self.file, self.source, start, end)

    def problem(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where, message))

    def requirement(
        self, text: str, path: TomlPath, source: Source, group: str = "", at: Where | None = None
    ) -> Declaration | None:
        """A declaration from a PEP 508 string stored at TOML ``path`` (or, in a file
        that is not TOML, at the place ``at``)."""
        span = self.span(path)
        where = at or self.where(path)
        try:
            parts = split(text)
        except InvalidRequirement as exc:
            self.problem(where, f"cannot read requirement {text!r}: {_first_line(exc)}")
            return None
        req = parts.requirement
        declaration = Declaration(
            name=normalize(req.name),
            written_name=req.name,
            where=where,
            source=source,
            syntax=Syntax.PEP508,
            text=text,
            spec_text=text[parts.spec_start : parts.spec_end],
            group=group,
            extras=frozenset(normalize(e) for e in req.extras),
            marker=req.marker,
            applies=marker_applies(req.marker, self.python),
            editable=at is not None or (span is not None and span.raw),
            toml_path=path,
        )
        if req.url is not None:
            declaration.checkable = False
            declaration.why = f"comes from a direct URL ({req.url})"
        self.declarations.append(declaration)
        return declaration


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def constraint(
    reader: FileReader,
    name: str,
    text: str,
    path: TomlPath,
    source: Source,
    syntax: Syntax,
    *,
    group: str = "",
    entry_path: TomlPath | None = None,
    at: Where | None = None,
) -> Declaration:
    """A declaration whose editable text is a version constraint alone (a Poetry or
    Pipfile value, ``requires-python``). ``entry_path`` is the TOML path of the whole
    entry (``fastapi = {...}``), used to swap it for another package."""
    span = reader.span(path)
    entry = entry_path if entry_path is not None else path
    declaration = Declaration(
        name=normalize(name) if name != "python" else "python",
        written_name=name,
        where=at or reader.where(path),
        source=source,
        syntax=syntax,
        text=text,
        spec_text=text.strip(),
        group=group,
        editable=at is not None or (span is not None and span.raw),
        key=reader.key_where(entry),
        value=reader.where(entry, inner=False) if reader.span(entry) is not None else None,
        toml_path=path,
    )
    try:
        bounds_of(text, syntax)
        pep440(text, syntax)
    except SpecError as exc:
        declaration.checkable = False
        declaration.why = f"its constraint {text!r} cannot be read ({exc})"
        reader.problem(declaration.where, f"cannot read version constraint {text!r} for {name}")
    reader.declarations.append(declaration)
    return declaration


def table_declaration(
    reader: FileReader,
    name: str,
    table: dict[str, Any],
    path: TomlPath,
    entry_path: TomlPath,
    *,
    group: str,
    source: Source,
    syntax: Syntax,
    not_versioned: tuple[str, ...],
) -> Declaration:
    """A declaration written as a TOML table (Poetry's and Pipfile's ``{version = ...}``).

    With a ``version`` key it is an ordinary constraint; without one any release is
    allowed and there is no text to edit; a VCS/path/URL key makes it uncheckable.
    Extras are read here; the caller applies its own markers.
    """
    version = table.get("version")
    if isinstance(version, str):
        declaration = constraint(
            reader,
            name,
            version,
            (*path, "version"),
            source,
            syntax,
            group=group,
            entry_path=entry_path,
        )
    else:
        declaration = Declaration(
            name=normalize(name),
            written_name=name,
            where=reader.key_where(entry_path) or reader.where(path, inner=False),
            source=source,
            syntax=syntax,
            text="*",
            group=group,
            editable=False,
            key=reader.key_where(entry_path),
            value=reader.where(entry_path, inner=False),
            toml_path=path,
        )
        reader.declarations.append(declaration)
        kind = next((k for k in not_versioned if k in table), None)
        if kind is not None:
            declaration.checkable = False
            declaration.why = f"comes from a {kind} source ({table[kind]})"
    extras = table.get("extras")
    if isinstance(extras, list):
        declaration.extras = frozenset(normalize(e) for e in extras if isinstance(e, str))
    return declaration
