"""Pipenv's Pipfile (``[packages]``, ``[dev-packages]``, ``[requires]``) and pyenv/uv's
``.python-version``."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from packaging.markers import InvalidMarker, Marker

from fastaudit.project.deps.common import (
    FileReader,
    constraint,
    marker_applies,
    table_declaration,
    where_of,
)
from fastaudit.project.deps.model import Source, Syntax
from fastaudit.project.deps.toml_positions import Path as TomlPath

_VERSION = re.compile(r"\d+(?:\.\d+){0,2}")
_NOT_VERSIONED = ("git", "path", "file", "hg", "svn", "bzr")


def read_pipfile(reader: FileReader, data: dict[str, Any]) -> None:
    for table, group in (("packages", ""), ("dev-packages", "dev")):
        packages = data.get(table)
        if not isinstance(packages, dict):
            continue
        for name, value in packages.items():
            path = (table, name)
            if isinstance(value, str):
                constraint(reader, name, value, path, Source.PIPFILE, Syntax.PEP440, group=group)
            elif isinstance(value, dict):
                _table(reader, name, value, path, group)
    requires = data.get("requires")
    if isinstance(requires, dict):
        for key in ("python_full_version", "python_version"):
            if isinstance(requires.get(key), str):
                path = ("requires", key)
                constraint(reader, "python", requires[key], path, Source.PIPFILE, Syntax.VERSION)
                break


def _table(
    reader: FileReader, name: str, table: dict[str, Any], path: TomlPath, group: str
) -> None:
    declaration = table_declaration(
        reader,
        name,
        table,
        path,
        path,
        group=group,
        source=Source.PIPFILE,
        syntax=Syntax.PEP440,
        not_versioned=_NOT_VERSIONED,
    )
    markers = table.get("markers")
    if isinstance(markers, str):
        with contextlib.suppress(InvalidMarker):  # an unreadable marker: keep it
            declaration.applies = marker_applies(Marker(markers), reader.python)


def read_python_version(reader: FileReader) -> None:
    """The first version line of ``.python-version`` (pyenv allows several; the first
    is the one used). ``system`` names no version."""
    offset = 0
    for raw in reader.source.text.split("\n"):
        line = raw.rstrip("\r")
        start = offset
        offset += len(raw) + 1
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        match = _VERSION.search(text)
        if match is None:
            return
        begin = start + line.index(text) + match.start()
        at = where_of(reader.file, reader.source, begin, begin + len(match.group()))
        declaration = constraint(
            reader, "python", match.group(), (), Source.PYTHON_VERSION, Syntax.VERSION, at=at
        )
        declaration.written_name = ".python-version"
        return
