"""Messages the scan worker posts. The worker never touches widgets: it only posts these.

Each carries the scan's ``generation`` so that a superseded scan (after ``r``) is ignored.
"""

from __future__ import annotations

from textual.message import Message

from fastaudit.audit.scan import ScanResult
from fastaudit.fixes.journal import Journal
from fastaudit.model import Finding
from fastaudit.tui.deps import ProjectFacts


class ScanProgress(Message):
    """Files done so far, and every raw finding of those files."""

    def __init__(self, generation: int, done: int, total: int, findings: tuple[Finding, ...]):
        super().__init__()
        self.generation = generation
        self.done = done
        self.total = total
        self.findings = findings

    def can_replace(self, message: Message) -> bool:
        # Later progress carries everything earlier progress did: keep only the newest.
        return isinstance(message, ScanProgress) and message.generation == self.generation


class ScanFinished(Message):
    """The scan, the project facts (matrix, structure) and, on the first scan, the undo
    journal read from disk: everything slow is done in the worker."""

    def __init__(
        self,
        generation: int,
        result: ScanResult,
        facts: ProjectFacts,
        journal: Journal | None = None,
    ):
        super().__init__()
        self.generation = generation
        self.result = result
        self.facts = facts
        self.journal = journal


class FactsReady(Message):
    """The matrix and structure again, after a change to the project's files."""

    def __init__(self, generation: int, facts: ProjectFacts):
        super().__init__()
        self.generation = generation
        self.facts = facts


class ScanFailed(Message):
    def __init__(self, generation: int, error: str):
        super().__init__()
        self.generation = generation
        self.error = error


class ProjectSettled(Message):
    """The project rules ran again after a fix, an undo or an edit (``pass_id`` says
    which request: a later one supersedes it)."""

    def __init__(self, generation: int, pass_id: int, snapshot: ScanResult | None, error: str = ""):
        super().__init__()
        self.generation = generation
        self.pass_id = pass_id
        self.snapshot = snapshot
        self.error = error
