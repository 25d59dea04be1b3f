"""One auditing session: the current scan, fixes planned and applied, and their undo.

Headless (no Textual): the screens call these and render the results. Nothing here writes
without a plan the person has seen; every write goes through ``atomic_write`` and can be
undone byte for byte while the file is untouched since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from fastaudit.engine.scan import ScanResult, analyze, finalize, refresh
from fastaudit.engine.source import SourceError, decode, digest_bytes, read_bytes
from fastaudit.fixes.apply import FixError, Written, atomic_write, restore, unified_diff
from fastaudit.fixes.runner import fix_file
from fastaudit.model import Finding, Safety
from fastaudit.tui.noqa import add_noqa


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


@dataclass(frozen=True, slots=True)
class Applied:
    plan: Plan
    written: tuple[tuple[str, Written], ...]


@dataclass(slots=True)
class AuditSession:
    result: ScanResult
    history: list[Applied] = field(default_factory=list)

    # -- planning ---------------------------------------------------------------

    def plan_fix(self, finding: Finding) -> Plan:
        """The fix of one finding (safe or, after the preview says so, unsafe)."""
        if finding.fix is None:
            raise FixError(f"{finding.rule} has no automatic fix here")
        unsafe = finding.fix.safety is Safety.UNSAFE
        change = fix_file(self.result, finding.path, unsafe=unsafe, only={finding})
        if change is None:
            raise FixError(f"{finding.path}: the fix no longer applies; rescan (r)")
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
            if change is not None:
                changes.append(FileChange(path, change.old, change.new, tuple(change.fixed)))
        if not changes:
            raise FixError("; ".join(problems) or f"the fixes under {scope} no longer apply")
        count = sum(len(c.fixed) for c in changes)
        return Plan(
            title=f"Apply {count} safe fix(es) in {len(changes)} file(s) under {scope}",
            changes=tuple(changes),
            safety=Safety.SAFE,
            problems=tuple(problems),
        )

    def plan_suppression(self, finding: Finding) -> Plan:
        """A ``# noqa: ID`` comment for ``finding``, refused where it could change code."""
        path = finding.path
        if not path.endswith(".py"):
            raise FixError(f"{path}: suppression comments only go in Python files")
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
        outcome = analyze(path, new, self.result.enabled)
        after, _ = finalize([outcome], self.result.config, set(self.result.enabled))
        if any(f.rule == finding.rule and f.span == finding.span for f in after):
            raise FixError(f"{path}:{finding.span.line}: the comment would not suppress it")
        return Plan(
            title=f"Suppress {finding.rule} at {path}:{finding.span.line}",
            changes=(FileChange(path, old, new, (finding,)),),
            description=f"Add `# noqa: {finding.rule}` to the line",
            kind="suppress",
        )

    # -- applying and undoing ----------------------------------------------------

    def apply(self, plan: Plan) -> Applied:
        """Write every change of ``plan`` or none of them; then rescan those files."""
        root = self.result.root
        for change in plan.changes:
            try:
                current = (root / change.path).read_bytes()
            except OSError as exc:
                raise FixError(f"{change.path}: cannot read it ({exc.strerror})") from exc
            if current != change.old:
                raise FixError(f"{change.path}: changed on disk since the preview; nothing written")
        written: list[tuple[str, Written]] = []
        try:
            for change in plan.changes:
                written.append(
                    (change.path, atomic_write(root, change.path, change.new, change.old))
                )
        except FixError:
            for _, done in reversed(written):
                restore(done)
            raise
        applied = Applied(plan, tuple(written))
        self.history.append(applied)
        refresh(self.result, plan.paths)
        return applied

    @property
    def can_undo(self) -> bool:
        return bool(self.history)

    def undo(self) -> Applied:
        """Restore the exact bytes the last applied plan replaced."""
        if not self.history:
            raise FixError("nothing to undo")
        last = self.history[-1]
        for path, written in last.written:
            try:
                current = written.path.read_bytes()
            except OSError as exc:
                raise FixError(f"{path}: cannot read it ({exc.strerror}); not undoing") from exc
            if digest_bytes(current) != written.new_digest:
                raise FixError(f"{path}: changed since the fix was applied; not undoing")
        for _, written in reversed(last.written):
            restore(written)
        self.history.pop()
        refresh(self.result, [path for path, _ in last.written])
        return last

    def replace_result(self, result: ScanResult) -> None:
        """A new scan (rescan): undo history stays valid, it checks file contents."""
        self.result = result
