"""What project-level rules see: every file's outcome, the other files, and helpers to
read those files and to point findings and fixes into them."""

from __future__ import annotations

from dataclasses import dataclass

from fastaudit.engine.context import RuleInfo
from fastaudit.engine.outcome import FileOutcome
from fastaudit.engine.project_index import ProjectIndex
from fastaudit.model import Finding, Fix, Severity, Span
from fastaudit.project.files import ProjectFiles


@dataclass(slots=True, kw_only=True)
class ProjectView(ProjectFiles):
    outcomes: dict[str, FileOutcome]
    index: ProjectIndex

    def already_reported(self, path: str) -> bool:
        outcome = self.outcomes.get(path)
        return outcome is not None and not outcome.parsed  # its scan finding says why

    def finding(
        self,
        rule: RuleInfo,
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
