"""Reading INI-style and YAML-ish configuration files line by line, with positions.

Rules point findings at exact lines of ``alembic.ini``, ``setup.cfg``, ``.flake8``,
``tox.ini`` and ``.pre-commit-config.yaml``; a line scanner keeps those positions (and
needs no YAML library).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*(?:[#;].*)?$")
_KEY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$")


@dataclass(frozen=True, slots=True)
class IniEntry:
    section: str
    key: str
    value: str  # the text after ``=`` on the key's own line
    line: int  # 1-based
    # The indented lines that continue the value (``ignore =`` then one code a line),
    # stripped; comment lines between them are left out, as configparser does.
    more: tuple[str, ...] = ()

    @property
    def full(self) -> str:
        """The whole value, one line of it per line."""
        return "\n".join((self.value, *self.more)).strip()


@dataclass(slots=True)
class IniFile:
    sections: dict[str, int]  # section name -> 1-based line of its header
    entries: list[IniEntry]

    def get(self, section: str, key: str) -> IniEntry | None:
        for entry in self.entries:
            if entry.section == section and entry.key == key:
                return entry
        return None


def read_ini(text: str) -> IniFile:
    sections: dict[str, int] = {}
    entries: list[IniEntry] = []
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.lstrip().startswith(("#", ";")):
            continue
        match = _SECTION.match(line)
        if match:
            section = match.group(1).strip()
            sections.setdefault(section, number)
            continue
        if line[0].isspace():
            # Continues the value of the key above it, when there is one.
            if entries and entries[-1].section == section and section:
                entries[-1] = replace(entries[-1], more=(*entries[-1].more, line.strip()))
            continue
        match = _KEY.match(line)
        if match and section:
            entries.append(IniEntry(section, match.group(1).lower(), match.group(2), number))
    return IniFile(sections, entries)


@dataclass(frozen=True, slots=True)
class Hook:
    repo: str
    hook_id: str
    line: int
    additional_dependencies: tuple[str, ...] = ()
    entry: str = ""  # the command a ``repo: local`` hook runs

    @property
    def command(self) -> str:
        """The program the hook's ``entry`` runs, past the runners in front of it
        (``uv run ruff check`` -> ``ruff``; ``.venv/bin/black`` -> ``black``)."""
        words = self.entry.split()
        while words:
            if words[0] in _RUNNERS and len(words) > 1 and words[1] in ("run", "exec", "x"):
                words = words[2:]
            elif words[0] in _RUNNERS or words[0].startswith("--") or "=" in words[0]:
                words = words[1:]
            elif words[0].rpartition("/")[2].startswith("python") and words[1:2] == ["-m"]:
                words = words[2:]
            else:
                return words[0].rpartition("/")[2]
        return ""


# Programs that run another one named after them: ``uv run``, ``poetry run``, ``uvx``...
_RUNNERS = frozenset({"uv", "uvx", "poetry", "pdm", "pipenv", "hatch", "rye", "pipx", "env"})


_REPO = re.compile(r"^\s*-?\s*repo:\s*['\"]?([^'\"\s#]+)")
_ID = re.compile(r"^\s*-?\s*id:\s*['\"]?([^'\"\s#]+)")
_ADDITIONAL = re.compile(r"^\s*additional_dependencies:\s*\[(.*)\]")
_ENTRY = re.compile(r"^\s*entry:\s*['\"]?([^'\"#]+)")
_LIST_ITEM = re.compile(r"^\s*-\s*['\"]?([^'\"\s#]+)")


def read_pre_commit_hooks(text: str) -> list[Hook]:
    """The hooks of a ``.pre-commit-config.yaml`` in block style (what pre-commit
    writes and nearly everyone uses), with the repository each belongs to."""
    hooks: list[Hook] = []
    repo = ""
    pending: tuple[str, int] | None = None
    extra: list[str] = []
    entry = ""
    in_additional = False

    def flush() -> None:
        if pending is not None:
            hooks.append(Hook(repo, pending[0], pending[1], tuple(extra), entry.strip()))

    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.lstrip().startswith("#"):
            continue
        match = _REPO.match(raw)
        if match:
            flush()
            pending, extra, in_additional = None, [], False
            repo = match.group(1)
            continue
        match = _ID.match(raw)
        if match:
            flush()
            pending, extra, entry, in_additional = (match.group(1), number), [], "", False
            continue
        match = _ENTRY.match(raw)
        if match:
            entry, in_additional = match.group(1), False
            continue
        match = _ADDITIONAL.match(raw)
        if match:
            extra.extend(item.strip(" '\"") for item in match.group(1).split(",") if item.strip())
            continue
        if raw.strip().startswith("additional_dependencies:"):
            in_additional = True
            continue
        if in_additional:
            match = _LIST_ITEM.match(raw)
            if match:
                extra.append(match.group(1))
                continue
            in_additional = False
    flush()
    return hooks


@dataclass(frozen=True, slots=True)
class PreCommitRepo:
    """One ``- repo:`` entry of a ``.pre-commit-config.yaml`` and its ``rev``: the
    value as written (quotes and comment left out) and its character range in the
    file, so a fix can replace exactly it."""

    url: str
    line: int  # 1-based line of ``repo:``
    rev: str = ""
    rev_line: int = 0
    rev_start: int = -1
    rev_end: int = -1


_REV = re.compile(r"^(\s*-?\s*rev:\s*)(['\"]?)([^'\"\s#]+)\2")


def read_pre_commit_repos(text: str) -> list[PreCommitRepo]:
    """The repositories of a ``.pre-commit-config.yaml`` in block style (``- repo:``
    then its ``rev:``), each with its ``rev``."""
    repos: list[PreCommitRepo] = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        start_of_line = offset
        offset += len(raw)
        line = raw.rstrip("\r\n")
        if line.lstrip().startswith("#"):
            continue
        match = _REPO.match(line)
        if match:
            repos.append(PreCommitRepo(match.group(1), number))
            continue
        rev = _REV.match(line)
        if rev and repos and not repos[-1].rev:
            value = rev.group(3)
            start = start_of_line + rev.end(1) + len(rev.group(2))
            end = start + len(value)
            repos[-1] = replace(repos[-1], rev=value, rev_line=number, rev_start=start, rev_end=end)
    return repos
