"""Poetry's ``[tool.poetry]`` dependencies: main, legacy ``dev-dependencies`` and every
``group.<name>.dependencies``, in each of Poetry's forms:

* ``fastapi = "^0.115.0"`` (caret, tilde, wildcard, comparison, ``||``);
* ``fastapi = { version = "^0.115", extras = ["standard"], markers = "...", python = "..." }``;
* multiple constraints: ``fastapi = [{ version = "...", python = "<3.12" }, {...}]``;
* ``{ git = ... }``, ``{ path = ... }``, ``{ url = ... }``: not version-checkable;
* ``python = "^3.11"``: the interpreter.
"""

from __future__ import annotations

from typing import Any

from packaging.markers import InvalidMarker, Marker

from fastaudit.project.deps.common import FileReader, constraint, marker_applies
from fastaudit.project.deps.model import Declaration, Source, Syntax, normalize
from fastaudit.project.deps.specs import SpecError, pep440

_NOT_VERSIONED = ("git", "path", "url", "file")


def read_poetry(reader: FileReader, poetry: dict[str, Any]) -> None:
    tables: list[tuple[tuple, str]] = [
        (("tool", "poetry", "dependencies"), "main"),
        (("tool", "poetry", "dev-dependencies"), "dev"),
    ]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        for group in groups:
            tables.append((("tool", "poetry", "group", group, "dependencies"), group))
    for path, group in tables:
        table: Any = poetry
        for key in path[2:]:
            table = table.get(key) if isinstance(table, dict) else None
        if isinstance(table, dict):
            for name, value in table.items():
                _entry(reader, name, value, (*path, name), group)


def _entry(reader: FileReader, name: str, value: object, path: tuple, group: str) -> None:
    if isinstance(value, str):
        constraint(reader, name, value, path, Source.POETRY, Syntax.POETRY, group=group)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                _table(reader, name, item, (*path, index), group, entry_path=path)
        return
    if isinstance(value, dict):
        _table(reader, name, value, path, group, entry_path=path)


def _table(
    reader: FileReader, name: str, table: dict[str, Any], path: tuple, group: str, entry_path: tuple
) -> None:
    version = table.get("version")
    if isinstance(version, str):
        declaration = constraint(
            reader,
            name,
            version,
            (*path, "version"),
            Source.POETRY,
            Syntax.POETRY,
            group=group,
            entry_path=entry_path,
        )
    else:
        # No version key: any release is allowed, and there is no text to edit.
        declaration = Declaration(
            name=normalize(name),
            written_name=name,
            where=reader.key_where(entry_path) or reader.where(path, inner=False),
            source=Source.POETRY,
            syntax=Syntax.POETRY,
            text="*",
            group=group,
            editable=False,
            key=reader.key_where(entry_path),
            value=reader.where(entry_path, inner=False),
            toml_path=path,
        )
        reader.declarations.append(declaration)
        kind = next((k for k in _NOT_VERSIONED if k in table), None)
        if kind is not None:
            declaration.checkable = False
            declaration.why = f"comes from a {kind} source ({table[kind]})"
    extras = table.get("extras")
    if isinstance(extras, list):
        declaration.extras = frozenset(normalize(e) for e in extras if isinstance(e, str))
    declaration.applies = _applies(reader, table)


def _applies(reader: FileReader, table: dict[str, Any]) -> bool:
    """Poetry's ``python = "<3.12"`` and ``markers = "..."`` conditions, for the
    project's Python."""
    python = table.get("python")
    if isinstance(python, str):
        try:
            spec = pep440(python, Syntax.POETRY)
        except SpecError:
            spec = None
        if spec is not None and not spec.contains(reader.python, prereleases=True):
            return False
    markers = table.get("markers")
    if isinstance(markers, str):
        try:
            return marker_applies(Marker(markers), reader.python)
        except InvalidMarker:
            return True
    return True
