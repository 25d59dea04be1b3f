"""Applying character-range edits to source text: the one place that does it.

Edits are character ranges of the decoded text, so everything outside them (comments,
formatting, line endings) stays byte-identical. Several fixes in one file are applied
together when their edits do not overlap; an overlapping one waits for the next round
(the file is re-scanned in between), as ruff does.
"""

from __future__ import annotations

from fastaudit.model import Edit, Fix


def apply_edits(text: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """Apply every fix whose edits do not overlap an earlier one. Returns the new text
    and the fixes that were applied."""
    applied: list[Fix] = []
    taken: list[tuple[int, int]] = []
    chosen: list[Edit] = []
    seen_edits: set[Edit] = set()
    for fix in fixes:
        new = [e for e in fix.edits if e not in seen_edits]
        if any(_overlaps(edit, taken) for edit in new):
            continue
        applied.append(fix)
        for edit in new:
            seen_edits.add(edit)
            chosen.append(edit)
            taken.append((edit.start, edit.end))
    # Several fixes may add the same import: keep one insertion per text and place.
    result = text
    for edit in sorted(chosen, key=lambda e: (e.start, e.end), reverse=True):
        result = result[: edit.start] + edit.text + result[edit.end :]
    return result, applied


def _overlaps(edit: Edit, taken: list[tuple[int, int]]) -> bool:
    for start, end in taken:
        if edit.start == edit.end == start == end:
            continue  # two insertions at one point are fine (both kept, in order)
        if edit.start < end and start < edit.end:
            return True
        if edit.start == edit.end and start < edit.start < end:
            return True
        if start == end and edit.start < start < edit.end:
            return True
    return False
