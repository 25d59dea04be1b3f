"""The values every part of fastaudit exchanges: findings, spans, fixes.

They are frozen dataclasses so they can cross process boundaries (parallel scans),
be cached, and be compared in tests without surprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def symbol(self) -> str:
        return {"error": "✖", "warning": "▲", "info": "●"}[self.value]


class Safety(StrEnum):
    """How much a fix can be trusted to keep behaviour (ruff's vocabulary)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a file. Lines and columns are 1-based; columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``source[start:end]`` (character offsets in the decoded text) with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A change that resolves one finding. Edits never overlap one another."""

    description: str
    safety: Safety
    edits: tuple[Edit, ...]
    # Why a fix is unsafe, shown next to it ("moves the parameter before ...").
    note: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    """Another place a finding involves (SARIF's related locations): a link of a call
    chain, another place of a one-decision finding. ``label`` says what happens there."""

    path: str  # relative to the audited root, POSIX separators
    line: int
    label: str = ""
    # The exact region when the rule knows it; None stands for the whole line.
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    path: str  # relative to the audited root, POSIX separators
    span: Span
    message: str
    fix: Fix | None = None
    # Project-level findings (dependency files, layout) may have no code position
    # worth framing; they still carry a line so every output format can point at them.
    family: str = ""
    title: str = ""
    # The whole message when ``message`` had to be shortened (a list of every file or
    # table involved): shown in the detail view and in JSON/SARIF, never in one line.
    detail: str = ""
    # The other places the finding involves, in the order a reader follows them (the
    # detail text may list them too). Never part of a baseline's fingerprint.
    related: tuple[Location, ...] = ()
    # A key naming the one change that settles this finding and others of its rule (ASY108:
    # the sync helper many async functions reach blocking work through). After the scan's
    # filters the rule's ``merge`` may report findings sharing it as one; "" for none.
    decision: str = ""

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.rule)


@dataclass(slots=True)
class FileResult:
    """What one scanned file produced."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    # sha256 of the bytes that were scanned; fixes refuse to write when it changed.
    digest: str = ""
    # Human-readable warnings about the file (unknown ids in suppression comments...).
    warnings: list[str] = field(default_factory=list)
    parsed: bool = True


def compact_pickle(cls: type) -> type:
    """Pickle a dataclass as its constructor call with positional fields.

    The default for ``slots=True`` dataclasses restores each object field by field in
    Python, which dominated loading the result cache; a plain constructor call is about
    twice as fast and smaller on disk.
    """
    from dataclasses import fields

    names = tuple(f.name for f in fields(cls))

    def __reduce__(self: object) -> tuple[type, tuple[object, ...]]:
        return (cls, tuple(getattr(self, name) for name in names))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]  # the point of it
    return cls


for _cls in (Span, Edit, Fix, Location, Finding, FileResult):
    compact_pickle(_cls)
