"""What the dependency parsers produce: declarations, locked versions and file problems.

Every value carries the file, the 1-based line and column span of its text, and (when
the text can be edited in place) the character range of that text in the decoded file,
so findings point at the exact declaration and fixes change only its characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from packaging.version import Version

if TYPE_CHECKING:  # a field's type only: the parsers that make markers import them
    from packaging.markers import Marker

_NORMALIZE = re.compile(r"[-_.]+")


def normalize(name: str) -> str:
    """PEP 503 name: ``Pydantic_Settings`` and ``pydantic.settings`` are ``pydantic-settings``."""
    return _NORMALIZE.sub("-", name).lower()


class Source(StrEnum):
    """Where in its file a declaration sits; decides wording and which lock to refresh."""

    PROJECT = "[project] dependencies"
    OPTIONAL = "[project.optional-dependencies]"
    REQUIRES_PYTHON = "requires-python"
    GROUP = "[dependency-groups]"
    POETRY = "[tool.poetry]"
    UV_DEV = "[tool.uv] dev-dependencies"
    PDM_DEV = "[tool.pdm.dev-dependencies]"
    BUILD = "[build-system] requires"
    REQUIREMENTS = "requirements file"
    CONSTRAINTS = "constraints file"
    SETUP_CFG = "setup.cfg"
    PIPFILE = "Pipfile"
    PYTHON_VERSION = ".python-version"


class Syntax(StrEnum):
    """How the editable text is written."""

    PEP508 = "pep508"  # a whole requirement: ``fastapi[standard]>=0.115; python_version>'3'``
    PEP440 = "pep440"  # a specifier only: ``>=0.115,<1`` (Pipfile, requires-python)
    POETRY = "poetry"  # a Poetry constraint: ``^0.115.0``, ``~1.2``, ``1.*``, ``>=1 || <0.5``
    VERSION = "version"  # a bare interpreter version: ``3.12`` in .python-version


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a project file: 1-based lines and columns, plus character offsets
    ``start``/``end`` of the same text in the decoded file (-1 when not known)."""

    file: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0
    start: int = -1
    end: int = -1

    @property
    def label(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class Declaration:
    name: str  # PEP 503 normalised; "python" for the interpreter
    written_name: str
    where: Where
    source: Source
    syntax: Syntax
    # The editable text exactly as it is in the file (a requirement string's content, a
    # Poetry constraint, a requirements-file requirement); ``where`` locates it.
    text: str
    # The version part of ``text`` as written ("" when there is none).
    spec_text: str = ""
    group: str = ""  # extra, dependency group or Poetry group name
    extras: frozenset[str] = frozenset()
    marker: Marker | None = None
    # False when the marker (or a Poetry ``python =`` condition) excludes the project's
    # Python: the declaration is then not checked against the matrix.
    applies: bool = True
    # Not version-checkable: URL, VCS, local path, editable install. ``why`` says so.
    checkable: bool = True
    why: str = ""
    # False when the text cannot be edited in place (escaped TOML string, no version
    # key in a Poetry table, multi-line string...).
    editable: bool = True
    # Poetry / Pipfile table entries: where the key and the whole value are, for swaps.
    key: Where | None = None
    value: Where | None = None
    # The TOML key path of the string, to verify an edit with tomllib.
    toml_path: tuple[str | int, ...] = ()

    @property
    def display(self) -> str:
        """How the declaration is quoted in messages."""
        if self.syntax is Syntax.PEP508:
            return self.text
        if self.syntax is Syntax.VERSION:
            return f"{self.written_name} {self.text}"
        if self.source is Source.REQUIRES_PYTHON:
            return f'requires-python = "{self.text}"'
        if self.source is Source.SETUP_CFG:
            return f"python_requires = {self.text}"
        return f'{self.written_name} = "{self.text}"'


@dataclass(frozen=True, slots=True)
class Locked:
    name: str
    version: Version | None
    version_text: str
    where: Where
    tool: str  # "uv", "poetry", "pdm", "pipenv", "pip-compile"
    command: str  # what regenerates the lock


@dataclass(frozen=True, slots=True)
class Problem:
    """A dependency file that could not be read, or a line that could not be understood."""

    where: Where
    message: str


@dataclass(slots=True)
class DependencySet:
    """Everything the parsers found in one project."""

    declarations: list[Declaration] = field(default_factory=list)
    locked: list[Locked] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The Python version markers are evaluated against.
    python: Version = field(default_factory=lambda: Version("3.11"))
    # Folder (relative, "" for the root) -> lock commands for the locks kept there.
    lock_commands: dict[str, list[str]] = field(default_factory=dict)
    # Files that declare dependencies (any format), to know whether anything is declared.
    declaring_files: set[str] = field(default_factory=set)
    # What each locked package depends on, from the lock files (see ``deps.requires``):
    # "sqlmodel" -> {"sqlalchemy", "pydantic"}; "name[extra]" for what an extra adds.
    requires: dict[str, set[str]] = field(default_factory=dict)

    def declared_names(self) -> set[str]:
        return {d.name for d in self.declarations}
