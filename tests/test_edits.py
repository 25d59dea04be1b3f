"""Applying edits: the fast path must agree with the plain definition."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fastaudit.engine.edits import apply_edits
from fastaudit.model import Edit, Fix, Safety


def reference(text: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """The definition, quadratic and obviously right: a fix applies when none of its
    edits overlaps one already taken; two insertions at one point both stay."""

    def clash(edit: Edit, start: int, end: int) -> bool:
        if edit.start == edit.end == start == end:
            return False
        if edit.start < end and start < edit.end:
            return True
        if edit.start == edit.end and start < edit.start < end:
            return True
        return start == end and edit.start < start < edit.end

    applied, taken, chosen, seen = [], [], [], set()
    for fix in fixes:
        new = [e for e in fix.edits if e not in seen]
        if any(clash(e, s, t) for e in new for s, t in taken):
            continue
        applied.append(fix)
        for edit in new:
            seen.add(edit)
            chosen.append(edit)
            taken.append((edit.start, edit.end))
    result = text
    for edit in sorted(chosen, key=lambda e: (e.start, e.end), reverse=True):
        result = result[: edit.start] + edit.text + result[edit.end :]
    return result, applied


TEXT = "abcdefghijklmnopqrstuvwxyz0123456789"


@st.composite
def edits(draw) -> Edit:
    start = draw(st.integers(0, len(TEXT)))
    end = draw(st.integers(start, min(len(TEXT), start + 6)))
    return Edit(start, end, draw(st.sampled_from(["", "X", "YY", "<>"])))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(edits(), min_size=1, max_size=3), max_size=12))
def test_fast_application_agrees_with_the_definition(groups) -> None:
    # A fix's own edits never overlap one another (``Fix``'s contract).
    for group in groups:
        spans = sorted((e.start, e.end) for e in group)
        assume(all(a[1] <= b[0] and a != b for a, b in itertools.pairwise(spans)))
    fixes = [
        Fix(f"fix {i}", Safety.SAFE, tuple(sorted(group, key=lambda e: e.start)))
        for i, group in enumerate(groups)
    ]
    assert apply_edits(TEXT, fixes) == reference(TEXT, fixes)


def test_many_edits_stay_fast() -> None:
    """15,000 fixes in one file: all applied, each once. (Its speed is measured in
    benchmarks/, not here; the quadratic version took a minute on this.)"""
    line = "    time.sleep(0.1)  # pause with some trailing text to make it longer\n"
    text = line * 15_000
    fixes = [
        Fix("f", Safety.SAFE, (Edit(i * len(line) + 4, i * len(line) + 14, "await asyncio.sleep"),))
        for i in range(15_000)
    ]
    new, applied = apply_edits(text, fixes)
    assert len(applied) == 15_000
    assert new.count("await asyncio.sleep(0.1)") == 15_000
