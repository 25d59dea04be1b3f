"""What project-level rules see: every file's outcome, the other files, and helpers to
read those files and to point findings and fixes into them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastaudit.config import Config
from fastaudit.engine.project_index import ProjectIndex
from fastaudit.engine.source import SourceError, SourceText, decode, read_bytes
from fastaudit.model import Finding, Fix, Severity, Span

if TYPE_CHECKING:
    from fastaudit.engine.scan import FileOutcome, ScanResult
    from fastaudit.project.discovery import Discovery
    from fastaudit.rules.base import Rule


@dataclass(slots=True)
class ProjectView:
    root: Path
    config: Config
    python_files: list[str]
    other_files: list[str]
    outcomes: dict[str, FileOutcome]
    index: ProjectIndex
    # Digests of the non-Python files read, so their fixes can refuse stale writes.
    digests: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _texts: dict[str, SourceText | None] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        root: Path,
        config: Config,
        discovery: Discovery,
        outcomes: dict[str, FileOutcome] | None = None,
        index: ProjectIndex | None = None,
    ) -> ProjectView:
        """The one way to build a view: the discovered files, with the outcomes and
        index of a scan when there was one (dependency files need neither)."""
        return cls(
            root=root,
            config=config,
            python_files=discovery.python_files,
            other_files=discovery.other_files,
            outcomes={} if outcomes is None else outcomes,
            index=ProjectIndex() if index is None else index,
        )

    @classmethod
    def of_scan(cls, result: ScanResult) -> ProjectView:
        """The view project rules see of a finished scan."""
        assert result.discovery is not None and result.index is not None
        return cls.of(result.root, result.config, result.discovery, result.files, result.index)

    def read_text(self, path: str) -> SourceText | None:
        """The decoded text of a project file (relative POSIX path), or None with a
        warning when it cannot be read. Read once per scan."""
        if path in self._texts:
            return self._texts[path]
        text: SourceText | None
        try:
            if not self.inside(path):
                raise SourceError("outside", "symlink points outside the project: skipped")
            text = decode(read_bytes(self.root / path, self.config.max_file_size))
        except SourceError as exc:
            outcome = self.outcomes.get(path)
            if outcome is None or outcome.parsed:  # else its scan finding already says why
                self.warnings.append(f"{path}: {exc.message}")
            text = None
        if text is not None:
            self.digests[path] = text.digest
        self._texts[path] = text
        return text

    def inside(self, path: str) -> bool:
        """Whether ``path`` (relative POSIX) really is in the project, symlinks followed:
        nothing outside the root is ever read."""
        try:
            return (self.root / path).resolve().is_relative_to(self.root.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop
            return False

    def finding(
        self,
        rule: Rule,
        path: str,
        line: int,
        message: str,
        *,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """``severity``, when given, replaces the rule's own for this one finding (a
        milder case of what the rule looks for); project configuration still wins."""
        if end_column is None:
            text = self._texts.get(path)
            end_column = len(text.line_text(end_line or line)) + 1 if text is not None else column
        return Finding(
            rule=rule.id,
            severity=severity or rule.severity,
            path=path,
            span=Span(line, column, end_line or line, end_column),
            message=message,
            fix=fix,
            family=rule.family,
            title=rule.title,
        )
