"""What walking one file produced: the unit the cache stores, worker processes send back
and project-level rules read (``ProjectView.outcomes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fastaudit.engine.context import ClassInfo, Deferred, ImportRecord
from fastaudit.model import Finding, Fix, compact_pickle


class Proof(NamedTuple):
    """The check of a file's safe fixes together (``name_safety.unprovable``), made
    where the file was walked."""

    fixes: frozenset[Fix]
    # The fixes that could not be proved to keep what names mean, each with why.
    reasons: dict[Fix, str]
    # Of ``fixes``, those that only rename an attribute (``item.dict()`` ->
    # ``item.model_dump()``), noted when all of ``fixes`` apply together with no
    # problem: a set that lacks some of them has the same scopes, so it is proved too.
    renames: frozenset[Fix] = frozenset()

    def answer(self, checked: frozenset[Fix]) -> dict[Fix, str] | None:
        """What checking ``checked`` would find, when this proof says; None otherwise.
        The project pass may drop deferred findings (``item.dict()`` on a class that
        turned out not to be a model): what it leaves is proved when only renames
        went."""
        if checked == self.fixes:
            return self.reasons
        if not self.reasons and checked < self.fixes and self.fixes - checked <= self.renames:
            return {}
        return None


@compact_pickle
@dataclass(slots=True)
class FileOutcome:
    """What walking one file produced, before project-wide settling."""

    path: str
    digest: str = ""
    findings: list[Finding] = field(default_factory=list)
    deferred: list[Deferred] = field(default_factory=list)
    classes: list[ClassInfo] = field(default_factory=list)
    imports: list[ImportRecord] = field(default_factory=list)
    # Per-file facts rules noted for the project pass (``FileContext.add_fact``).
    # Values of any plain shape: each kind's reader knows its own.
    facts: dict[str, list[Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    parsed: bool = True
    # A digest of what the project pass reads of this outcome (facts, classes, imports,
    # whether it was parsed, whether a serving rule reports in it): an edit that leaves
    # it as it was cannot change the project rules' results through this file ("" when
    # unknown: then the file's content digest stands for it).
    summary: str = ""
    # The file's safe fixes, checked together where the file was walked, and those
    # that could not be proved to keep what names mean, each with why (see
    # ``name_safety.unprovable``): the scan reuses the answer when the fixes it reports
    # for the file are the same set, instead of parsing the file again after the walk.
    proof: Proof | None = None
