"""Places outside the dependency files that name the Python a project runs on.

Raising ``requires-python`` changes what installers accept, but the container still
starts ``FROM python:3.9`` and the CI matrix still tests 3.9: until those move too the
project says two things at once. The PIN105 fix lists them and is not safe while any of
them names an older Python than the new floor.

Read as text with small patterns, never as YAML or by running anything: a mention we
cannot read is simply not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.version import Version

from fastaudit.project.deps.model import Where
from fastaudit.project.discovery import python_mention_kind

if TYPE_CHECKING:
    from fastaudit.project.files import ProjectFiles

_VERSION = r"(3\.\d{1,2})"
# The Python an image runs, from its reference: ``python:3.9-slim``,
# ``docker.io/library/python:3.12``, ``cimg/python:3.9``; and, for any other image, a tag
# one of whose dash-separated parts is ``pythonX.Y``: ``tiangolo/uvicorn-gunicorn-fastapi:
# python3.8``, ``ghcr.io/astral-sh/uv:0.4.0-python3.12-bookworm``. A bare number in
# another image's tag (``node:3.9``) is that image's own version, never Python's.
_IMAGE = (
    r"(?:(?:\S+/)?python:" + _VERSION + r"(?![\d])"
    r"|[^\s\"']+:(?:[\w.]+-)*python" + _VERSION + r"(?:\.\d+)?(?![\w.]))"
)
# ``FROM python:3.9-slim``, ``FROM --platform=$X docker.io/library/python:3.12 AS base``
_DOCKER_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*" + _IMAGE, re.IGNORECASE)
# ``image: python:3.9`` (GitLab), ``- image: cimg/python:3.9`` (CircleCI)
_CI_IMAGE = re.compile(r"^\s*-?\s*image:\s*[\"']?" + _IMAGE)
# ``python-version: "3.9"``, ``python-version: ["3.9", "3.10"]`` or a list below the key
_CI_KEY = re.compile(r"^(\s*)-?\s*python(?:-version|_version)?:\s*(.*)$")
_QUOTED_OR_BARE = re.compile(r"(?<![\w.])[\"']?" + _VERSION + r"[\"']?(?![\w.])")
_TOX_ENVLIST = re.compile(r"^\s*envlist\s*=\s*(.*)$")
_TOX_ENV = re.compile(r"\bpy3(\d{1,2})\b")
_RUNTIME = re.compile(r"^\s*python-" + _VERSION + r"(?:\.\d+)?\s*$")
_TOOL_VERSIONS = re.compile(r"^\s*python\s+" + _VERSION)


@dataclass(frozen=True, slots=True)
class PythonMention:
    where: Where
    version: Version  # major.minor
    kind: str  # "Docker image", "CI matrix", ...

    @property
    def label(self) -> str:
        return f"{self.where.label} ({self.kind} {self.version})"


def python_mentions(view: ProjectFiles) -> list[PythonMention]:
    found: list[PythonMention] = []
    for path in view.other_files:
        kind = python_mention_kind(path)
        if kind is None:
            continue
        source = view.read_text(path)
        if source is None:
            continue
        found.extend(_read(path, kind, source.text.splitlines()))
    return found


def _read(path: str, kind: str, lines: list[str]) -> Iterable[PythonMention]:
    if kind == "docker":
        for number, line in enumerate(lines, 1):
            if match := _DOCKER_FROM.match(line):
                yield _image_mention(path, number, match, "Docker image")
    elif kind == "ci":
        yield from _ci(path, lines)
    elif kind == "tox":
        for number, line in enumerate(lines, 1):
            if match := _TOX_ENVLIST.match(line):
                for env in _TOX_ENV.finditer(match.group(1)):
                    column = match.start(1) + env.start()
                    yield _mention(path, number, column, f"3.{env.group(1)}", "tox env")
    elif kind == "runtime":
        for number, line in enumerate(lines, 1):
            if match := _RUNTIME.match(line):
                yield _mention(path, number, match.start(1), match.group(1), "runtime")
    elif kind == "tool-versions":
        for number, line in enumerate(lines, 1):
            if match := _TOOL_VERSIONS.match(line):
                yield _mention(path, number, match.start(1), match.group(1), "asdf version")


def _ci(path: str, lines: list[str]) -> Iterable[PythonMention]:
    """Images and ``python-version`` values, inline or as a list under the key."""
    index = 0
    while index < len(lines):
        line = lines[index]
        if match := _CI_IMAGE.match(line):
            yield _image_mention(path, index + 1, match, "CI image")
        elif match := _CI_KEY.match(line):
            value = match.group(2).split("#", 1)[0]
            if value.strip():
                for version in _QUOTED_OR_BARE.finditer(value):
                    column = match.start(2) + version.start(1)
                    yield _mention(path, index + 1, column, version.group(1), "CI matrix")
            else:
                indent = len(match.group(1))
                while index + 1 < len(lines):
                    item = lines[index + 1]
                    stripped = item.lstrip()
                    if not stripped.startswith("-") or len(item) - len(stripped) < indent:
                        break
                    index += 1
                    if listed := _QUOTED_OR_BARE.search(stripped[1:].split("#", 1)[0]):
                        column = len(item) - len(stripped) + 1 + listed.start(1)
                        yield _mention(path, index + 1, column, listed.group(1), "CI matrix")
        index += 1


def _image_mention(path: str, line: int, match: re.Match[str], kind: str) -> PythonMention:
    """From an :data:`_IMAGE` match: its first group (``python:X.Y``) or its second
    (``pythonX.Y`` in another image's tag)."""
    group = 1 if match.group(1) is not None else 2
    return _mention(path, line, match.start(group), match.group(group), kind)


def _mention(path: str, line: int, column: int, version: str, kind: str) -> PythonMention:
    return PythonMention(
        Where(path, line, column + 1, line, column + 1 + len(version)), Version(version), kind
    )
