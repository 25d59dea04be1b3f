"""Where the parts of a PEP 508 requirement sit in its text.

``packaging`` parses a requirement but keeps no positions; fixes need the character
range of the version specifier (or the point to insert one) so that extras, markers,
spacing and quoting around it stay exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement

_HEAD = re.compile(r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?")


@dataclass(frozen=True, slots=True)
class Parts:
    requirement: Requirement
    name_start: int
    head_end: int  # end of name and extras: where a missing specifier is inserted
    spec_start: int  # the specifier's characters (without parentheses); equal when empty
    spec_end: int
    marker_start: int  # the ";" or len(text)


def split(text: str) -> Parts:
    """Raises ``InvalidRequirement`` for text ``packaging`` does not accept."""
    requirement = Requirement(text)
    head = _HEAD.match(text)
    if head is None:  # pragma: no cover - Requirement() accepted it, so a name is there
        raise InvalidRequirement(text)
    head_end = head.end()
    marker_start = text.find(";", head_end)
    if requirement.url is not None:
        marker_start = len(text) if requirement.marker is None else text.rfind(";")
        return Parts(requirement, head.start("name"), head_end, head_end, head_end, marker_start)
    if marker_start == -1:
        marker_start = len(text)
    spec = text[head_end:marker_start]
    left = len(spec) - len(spec.lstrip())
    inner = spec.strip()
    start = head_end + left
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
        start += 1
        start += len(inner) - len(inner.lstrip())
        inner = inner.strip()
    if not inner:
        return Parts(requirement, head.start("name"), head_end, head_end, head_end, marker_start)
    return Parts(requirement, head.start("name"), head_end, start, start + len(inner), marker_start)
