"""Text-level edit primitives: the part of the edit toolbox that needs no Python tree.

The dependency-file fixes (TOML, requirements) sit below the engine and use these
directly; :mod:`fastaudit.engine.edit_builders` builds the Python-aware edits on top.
"""

from __future__ import annotations

from fastaudit.model import Edit


def lines_around(text: str, start: int, end: int) -> tuple[int, int, str, str]:
    """The whole lines holding ``text[start:end]`` (their start, and their end after
    the newline) and what stands before and after it on them."""
    line_start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end)
    line_end = len(text) if newline < 0 else newline + 1
    return line_start, line_end, text[line_start:start], text[end:line_end]


def minimal_edit(old: str, new: str) -> Edit:
    """One edit turning ``old`` into ``new``, touching only the part that differs
    (useful when a library such as tomlkit re-renders a whole document)."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return Edit(start, end_old, new[start:end_new])
