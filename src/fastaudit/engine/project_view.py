"""What project-level rules see: every file's outcome, the other files, and helpers to
read those files and to point findings and fixes into them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fastaudit.config import Config
from fastaudit.engine.context import RuleInfo
from fastaudit.engine.outcome import FileOutcome
from fastaudit.engine.project_index import ProjectIndex
from fastaudit.model import Finding, Fix, Severity, Span
from fastaudit.project.discovery import Discovery
from fastaudit.project.files import ProjectFiles

if TYPE_CHECKING:
    from fastaudit.engine.parallel import WorkerPool

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


@dataclass(slots=True, kw_only=True)
class ProjectView(ProjectFiles):
    outcomes: dict[str, FileOutcome]
    index: ProjectIndex
    # What several project rules build alike from the same facts (ASY108's and ASY114's
    # call graph), keyed by the builder: built once per project pass.
    memo: dict[object, Any] = field(default_factory=dict)
    # The scan's worker processes, when they are still running (a cold scan of a large
    # project): ``map_files`` hands them work of several files.
    workers: WorkerPool | None = None

    def map_files(
        self, function: Callable[[_Item], _Result], items: Sequence[_Item]
    ) -> list[_Result]:
        """``function`` of each of ``items`` (the work of one file each, ``function``
        a module-level function: workers find it by name), in order; on the scan's
        workers when they are running and there is more than one file."""
        workers = self.workers
        if workers is None or not workers.started or workers.jobs < 2 or len(items) < 2:
            return [function(item) for item in items]
        return list(workers.executor().map(function, items))

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
