"""setup.cfg ``[options] install_requires``, ``python_requires`` and
``[options.extras_require]``.

configparser loses line numbers, so the file is read line by line with configparser's
own rules for what matters here: ``[section]`` headers, ``key = value`` (or ``:``), and
values continued on indented lines; ``#``/``;`` comment lines are skipped.
"""

from __future__ import annotations

import re

from fastaudit.project.deps.common import FileReader, constraint, where_of
from fastaudit.project.deps.model import Source, Syntax

_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]")
_KEY = re.compile(r"^(?P<key>[^=:\s][^=:]*?)\s*[=:]\s*(?P<value>.*)$")


def read_setup_cfg(reader: FileReader) -> None:
    section = ""
    key = ""
    offset = 0
    for raw in reader.source.text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        start = offset
        offset += len(raw) + 1
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if not line[:1].isspace():
            header = _SECTION.match(line)
            if header:
                section, key = header.group("name").strip(), ""
                continue
            match = _KEY.match(line)
            if not match:
                key = ""
                continue
            key = match.group("key").strip().replace("-", "_")
            value = match.group("value")
            value_start = start + match.start("value")
        else:
            value = stripped
            value_start = start + line.index(stripped)
        if not value.strip():
            continue
        _value(reader, section, key, value.rstrip(), value_start)


def _value(reader: FileReader, section: str, key: str, value: str, start: int) -> None:
    value = value.split(" #", 1)[0].rstrip()  # an inline comment is not part of it
    at = where_of(reader.file, reader.source, start, start + len(value))
    if section == "options" and key == "python_requires":
        constraint(reader, "python", value, (), Source.SETUP_CFG, Syntax.PEP440, at=at)
        return
    if section == "options" and key == "install_requires":
        group = ""
    elif section == "options.extras_require" and key:
        group = key
    else:
        return
    if value.startswith("file:"):
        return  # the requirements file named here is read on its own
    reader.requirement(value, (), Source.SETUP_CFG, group, at=at)
