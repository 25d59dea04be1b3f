"""One auditing session: the current scan, fixes planned and applied, and their undo.

Headless (no Textual): the auditor's screens call these and render the results. Nothing here writes
without a plan the person has seen; every write goes through ``atomic_write`` and can be
undone byte for byte while the file is untouched since, also after a restart: the undo
history is the on-disk journal of ``fastaudit.fixes.journal``.
"""

from __future__ import annotations

import stat
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fastaudit.audit.scan import (
    ScanResult,
    analyze,
    finalize,
    refresh,
    refresh_files,
    suppressions_in,
)
from fastaudit.fixes.apply import (
    FixError,
    Written,
    atomic_write,
    ensure_inside,
    restore,
    unified_diff,
)
from fastaudit.fixes.journal import Journal, JournalEntry, JournalFile
from fastaudit.fixes.noqa import add_noqa, takes_noqa
from fastaudit.fixes.runner import fix_file
from fastaudit.model import Finding, Safety
from fastaudit.project.source import SourceError, decode, digest_bytes, read_bytes


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    old: bytes
    new: bytes
    fixed: tuple[Finding, ...] = ()

    def diff(self) -> str:
        return unified_diff(
            self.path, self.old.decode("utf-8", "replace"), self.new.decode("utf-8", "replace")
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """Changes to preview, then apply together."""

    title: str
    changes: tuple[FileChange, ...]
    description: str = ""
    safety: Safety | None = None
    note: str = ""
    # Files that could not be included (changed on disk...), shown with the preview.
    problems: tuple[str, ...] = ()
    kind: str = "fix"  # "fix" or "suppress"

    @property
    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes)

    @property
    def paths(self) -> list[str]:
        return [change.path for change in self.changes]

    @property
    def count(self) -> int:
        return sum(max(len(change.fixed), 1) for change in self.changes)


@dataclass(slots=True)
class AuditSession:
    result: ScanResult
    # The undo history: on disk, so it survives a restart (``fastaudit.fixes.journal``).
    journal: Journal

    # -- planning ---------------------------------------------------------------

    def plan_fix(self, finding: Finding) -> Plan:
        """The fix of one finding (safe or, after the preview says so, unsafe)."""
        if finding.fix is None:
            raise FixError(f"{finding.rule} has no automatic fix here")
        unsafe = finding.fix.safety is Safety.UNSAFE
        change = fix_file(self.result, finding.path, unsafe=unsafe, only={finding})
        if change is None:
            raise FixError(f"{finding.path}: the fix no longer applies; rescan (r)")
        if not change.fixed:
            raise FixError("; ".join(change.skipped))
        return Plan(
            title=f"Fix {finding.rule} at {finding.path}:{finding.span.line}",
            changes=(FileChange(change.path, change.old, change.new, tuple(change.fixed)),),
            description=finding.fix.description,
            safety=finding.fix.safety,
            note=finding.fix.note,
        )

    def plan_fix_all(self, findings: Iterable[Finding], scope: str) -> Plan:
        """Every safe fix among ``findings``, one file at a time, in one combined plan."""
        by_path: dict[str, set[Finding]] = {}
        for finding in findings:
            if finding.fix is not None and finding.fix.safety is Safety.SAFE:
                by_path.setdefault(finding.path, set()).add(finding)
        if not by_path:
            raise FixError(f"no safe fixes under {scope}")
        changes: list[FileChange] = []
        problems: list[str] = []
        for path in sorted(by_path):
            try:
                change = fix_file(self.result, path, only=by_path[path])
            except FixError as exc:
                problems.append(str(exc))
                continue
            if change is None:
                continue
            problems.extend(change.skipped)  # held back: could change what a name means
            if change.fixed:
                fixed = self._resolved(path, change.new, by_path[path], change.fixed)
                changes.append(FileChange(path, change.old, change.new, fixed))
        if not changes:
            raise FixError("; ".join(problems) or f"the fixes under {scope} no longer apply")
        count = sum(len(c.fixed) for c in changes)
        return Plan(
            title=f"Apply {count} safe fix(es) in {len(changes)} file(s) under {scope}",
            changes=tuple(changes),
            safety=Safety.SAFE,
            problems=tuple(problems),
        )

    def _resolved(
        self, path: str, new: bytes, selected: set[Finding], applied: list[Finding]
    ) -> tuple[Finding, ...]:
        """The selected findings the change resolves: those whose fix applied, and those a
        larger fix took in (a ``class Config`` rewrite also renames its ``orm_mode``), so
        the preview counts what the group detail and ``--fix`` count."""
        rest = [f for f in selected if f not in applied]
        if not rest or not path.endswith(".py"):
            return tuple(applied)
        outcome = analyze(path, new, self.result.enabled, self.result.options)
        after, _ = finalize([outcome], self.result.config, set(self.result.enabled))
        left = Counter(f.rule for f in after)
        taken_in = []
        for finding in sorted(rest, key=lambda f: (f.span.line, f.span.column)):
            if left[finding.rule] > 0:
                left[finding.rule] -= 1
            else:
                taken_in.append(finding)
        return (*applied, *taken_in)

    def plan_suppression(self, finding: Finding) -> Plan:
        """A ``# noqa: ID`` comment for ``finding``, refused where it could change code."""
        path = finding.path
        if not path.endswith(".py"):
            raise FixError(f"{path}: suppression comments only go in Python files")
        if not takes_noqa(self.result, finding):
            # A file that did not parse: its comments are not read.
            raise FixError(
                f"{path} does not parse, so a `# noqa` comment in it cannot suppress "
                f"{finding.rule}; add it to `ignore` or `per-file-ignores` in [tool.fastaudit]"
            )
        try:
            old = read_bytes(self.result.root / path, self.result.config.max_file_size)
            source = decode(old)
        except SourceError as exc:
            raise FixError(f"{path}: {exc.message}") from exc
        expected = self.result.digest_of(path)
        if expected and digest_bytes(old) != expected:
            raise FixError(f"{path}: changed on disk since it was scanned; rescan first (r)")
        new_text = add_noqa(source.text, finding)
        new = source.encode(new_text)
        outcome = analyze(path, new, self.result.enabled, self.result.options)
        after, _ = finalize([outcome], self.result.config, set(self.result.enabled))
        # A project rule's finding is not in one file's walk: its lines' comments say.
        lines = (finding.span.line, finding.span.end_line)
        silenced = suppressions_in(new_text, lines)
        if any(f.rule == finding.rule and f.span == finding.span for f in after) or not (
            silenced.skip_file or silenced.covers(finding.rule, *lines)
        ):
            raise FixError(f"{path}:{finding.span.line}: the comment would not suppress it")
        return Plan(
            title=f"Suppress {finding.rule} at {path}:{finding.span.line}",
            changes=(FileChange(path, old, new, (finding,)),),
            description=f"Add `# noqa: {finding.rule}` to the line",
            kind="suppress",
        )

    # -- applying and undoing ----------------------------------------------------

    def apply(self, plan: Plan, *, settle: bool = True) -> JournalEntry:
        """Write every change of ``plan`` or none of them; then rescan those files.

        The journal records the bytes being replaced before anything is written. With
        ``settle=False`` only the changed files are rescanned (``refresh_files``): the
        caller brings the project rules up to date (the TUI does it in a worker)."""
        root = self.result.root
        files: list[JournalFile] = []
        for change in plan.changes:
            try:
                target = ensure_inside(root, Path(change.path))
                current = target.read_bytes()
                mode = stat.S_IMODE(target.stat().st_mode)
            except OSError as exc:
                raise FixError(f"{change.path}: cannot read it ({exc.strerror})") from exc
            if current != change.old:
                raise FixError(f"{change.path}: changed on disk since the preview; nothing written")
            files.append(JournalFile(change.path, change.old, digest_bytes(change.new), mode))
        fixed = [f for change in plan.changes for f in change.fixed]
        entry = JournalEntry(
            title=plan.title,
            files=tuple(files),
            kind=plan.kind,
            findings=tuple((f.rule, f.path, f.span.line, f.span.column) for f in fixed),
        )
        self.journal.record(entry)
        written: list[Written] = []
        try:
            for change in plan.changes:
                written.append(atomic_write(root, change.path, change.new, change.old))
        except FixError:
            for done in reversed(written):
                restore(done)
            self.journal.discard(entry)
            raise
        if settle:
            refresh(self.result, plan.paths)
        else:
            refresh_files(self.result, plan.paths, {c.path: c.old for c in plan.changes})
        return entry

    @property
    def can_undo(self) -> bool:
        return self.journal.last is not None

    def undo(self, *, settle: bool = True) -> JournalEntry:
        """Restore the exact bytes and modes the last applied change replaced, even when
        it was applied before a restart; refuses if a file changed since. ``settle`` as
        for ``apply``."""
        last = self.journal.last
        before = self._current_bytes(last.paths if last is not None else [])
        entry = self.journal.undo()
        if settle:
            refresh(self.result, entry.paths)
        else:
            refresh_files(self.result, entry.paths, before)
        return entry

    def _current_bytes(self, paths: list[str]) -> dict[str, bytes]:
        """What ``paths`` hold now (those that can be read), for ``refresh_files``."""
        found: dict[str, bytes] = {}
        for path in paths:
            try:
                found[path] = ensure_inside(self.result.root, Path(path)).read_bytes()
            except (OSError, FixError):
                continue
        return found

    def replace_result(self, result: ScanResult) -> None:
        """A new scan (rescan): undo history stays valid, it checks file contents."""
        self.result = result
