"""The project-level facts the auditor shows besides findings: the dependency matrix and
the project's structure. Built in the scan worker, never on the UI thread.

Headless (no Textual): ``project_facts`` turns a finished scan into plain values the
Dependency and Structure views render.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from fastaudit.audit.scan import ScanResult, project_view
from fastaudit.project.deps.table import Row, matrix_rows
from fastaudit.tui.structure import Structure, build_structure

# Matrix statuses that mean "older than the minimum the matrix asks for".
BELOW = frozenset({"admits older", "pinned below", "excludes minimum", "lock below"})


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    matrix: list[Row] = field(default_factory=list)
    structure: Structure | None = None
    # Why a part could not be computed ("" when it was).
    matrix_error: str = ""
    structure_error: str = ""


def project_facts(result: ScanResult) -> ProjectFacts:
    """The matrix rows and the structure of a finished scan. Slow-ish (reads the
    dependency files): call it from a worker thread."""
    view = project_view(result)  # the view project rules saw
    matrix: list[Row] = []
    structure: Structure | None = None
    matrix_error = structure_error = ""
    try:
        matrix = matrix_rows(view)
    except (OSError, ValueError) as exc:  # unreadable or malformed dependency files
        matrix_error = f"the matrix could not be computed: {exc}"
    try:
        structure = build_structure(view)
    except (OSError, ValueError) as exc:
        structure_error = f"the structure could not be computed: {exc}"
    return ProjectFacts(matrix, structure, matrix_error, structure_error)


def is_below(row: Row) -> bool:
    return row.status in BELOW


def matrix_status(rows: list[Row] | None, *, compact: bool = False) -> str:
    """One line for the summary bar: ``deps: 3 below minimum, 2 replaced`` or ``deps: ✓``;
    ``compact``: ``deps: ⚠ 5`` (packages to look at, d shows them)."""
    if rows is None:
        return "deps: …"
    if not rows:
        return "deps: —" if compact else "deps: none in the matrix"
    problems: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.status.startswith("replaced by"):
            kind = "replaced"
        elif row.status in BELOW:
            kind = "below minimum"
        elif row.status == "not checkable":
            kind = "not checkable"
        else:
            continue
        if (row.package, kind) not in seen:  # a package declared in two files counts once
            seen.add((row.package, kind))
            problems[kind] += 1
    if not problems:
        return "deps: ✓"
    if compact:
        return f"deps: ⚠ {sum(problems.values())}"
    order = ("below minimum", "replaced", "not checkable")
    return "deps: " + ", ".join(f"{problems[k]} {k}" for k in order if problems[k])
