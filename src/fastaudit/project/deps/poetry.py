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

from fastaudit.project.deps.common import (
    FileReader,
    constraint,
    marker_applies,
    table_declaration,
)
from fastaudit.project.deps.model import Source, Syntax
from fastaudit.project.deps.specs import SpecError, pep440
from fastaudit.project.deps.toml_positions import Path as TomlPath

_NOT_VERSIONED = ("git", "path", "url", "file")


def read_poetry(reader: FileReader, poetry: dict[str, Any]) -> None:
    tables: list[tuple[tuple[str, ...], str]] = [
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


def _entry(reader: FileReader, name: str, value: object, path: TomlPath, group: str) -> None:
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
    reader: FileReader,
    name: str,
    table: dict[str, Any],
    path: TomlPath,
    group: str,
    entry_path: TomlPath,
) -> None:
    declaration = table_declaration(
        reader,
        name,
        table,
        path,
        entry_path,
        group=group,
        source=Source.POETRY,
        syntax=Syntax.POETRY,
        not_versioned=_NOT_VERSIONED,
    )
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
