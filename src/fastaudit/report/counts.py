"""The counts every view states the same way: files audited, findings, and fixes.

One definition, used by the text and markdown reports and by the auditor's header and
group details, so that "29 fixable" means the same thing everywhere:

- ``safe``: findings ``fastaudit check --fix`` fixes (and ``F`` in the auditor);
- ``unsafe``: the further findings ``--unsafe-fixes`` fixes (``f``, one at a time);
- ``files``: the Python files audited plus other files a finding is in (dependency
  files, ``alembic.ini``...), so that "3 of 1 files" cannot show.

Headless: no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastaudit.model import Finding, Safety


@dataclass(frozen=True, slots=True)
class Tally:
    findings: int
    safe: int
    unsafe: int

    @property
    def fixable(self) -> int:
        return self.safe + self.unsafe


def tally(findings: Iterable[Finding]) -> Tally:
    total = safe = unsafe = 0
    for finding in findings:
        total += 1
        if finding.fix is None:
            continue
        if finding.fix.safety is Safety.SAFE:
            safe += 1
        else:
            unsafe += 1
    return Tally(total, safe, unsafe)


def audited_files(files: Iterable[str], findings: Iterable[Finding]) -> int:
    """Files audited: those scanned plus any other file a finding is in."""
    return len(set(files) | {finding.path for finding in findings})


def fix_sentence(counts: Tally) -> str:
    """``29 fixable with `fastaudit check --fix` (20 more with `--unsafe-fixes`)``."""
    text = f"{counts.safe} fixable with `fastaudit check --fix`"
    if counts.unsafe:
        text += f" ({counts.unsafe} more with `--unsafe-fixes`)"
    return text
