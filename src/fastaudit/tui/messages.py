"""Messages the scan worker posts. The worker never touches widgets: it only posts these.

Each carries the scan's ``generation`` so that a superseded scan (after ``r``) is ignored.
"""

from __future__ import annotations

from textual.message import Message

from fastaudit.engine.scan import ScanResult
from fastaudit.model import Finding


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
    def __init__(self, generation: int, result: ScanResult):
        super().__init__()
        self.generation = generation
        self.result = result


class ScanFailed(Message):
    def __init__(self, generation: int, error: str):
        super().__init__()
        self.generation = generation
        self.error = error
