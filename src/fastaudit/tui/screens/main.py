"""The main screen: summary, findings tree, detail pane; scanning, fixing and undoing."""

from __future__ import annotations

import os
import subprocess
import time
import traceback
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, ProgressBar, Static, Tree
from textual.worker import get_current_worker

from fastaudit.engine.scan import FileOutcome, ScanResult, refresh, scan
from fastaudit.fixes.apply import FixError
from fastaudit.model import Finding
from fastaudit.rules import FAMILIES
from fastaudit.tui.deps import dependency_rows, matrix_status
from fastaudit.tui.editor import editor_command
from fastaudit.tui.grouping import Group, Grouping, Key, build_groups, finding_key
from fastaudit.tui.messages import ScanFailed, ScanFinished, ScanProgress
from fastaudit.tui.render import plain
from fastaudit.tui.screens.dependencies import DependencyScreen
from fastaudit.tui.screens.fix_preview import FixPreviewScreen
from fastaudit.tui.screens.help import HelpScreen
from fastaudit.tui.screens.states import ErrorScreen, ProblemsScreen
from fastaudit.tui.session import AuditSession, Plan
from fastaudit.tui.widgets.detail import FindingDetail
from fastaudit.tui.widgets.findings_tree import FindingsTree
from fastaudit.tui.widgets.summary import SummaryBar

# A scan posts progress at most this often (and the UI keeps only the newest message).
PROGRESS_INTERVAL = 0.05


class _Cancelled(Exception):
    """Raised inside the scan's progress callback when a newer scan replaced this one."""


def uses_fastapi(result: ScanResult) -> bool:
    return any(
        record.module == "fastapi" or record.module.startswith("fastapi.")
        for outcome in result.files.values()
        for record in outcome.imports
    )


class MainScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        Binding(
            "slash", "filter", "Filter", id="view.filter", tooltip="Filter by rule, file or message"
        ),
        Binding(
            "g", "toggle_grouping", "Group", id="view.grouping", tooltip="Group by rule or by file"
        ),
        Binding("f", "fix", "Fix", id="fix.preview", tooltip="Preview the fix of this finding"),
        Binding(
            "F",
            "fix_all",
            "Fix all",
            id="fix.all",
            tooltip="Preview all safe fixes under the selection",
        ),
        Binding(
            "u", "undo", "Undo", id="fix.undo", tooltip="Restore the bytes the last change replaced"
        ),
        Binding(
            "i",
            "suppress",
            "Ignore",
            id="finding.suppress",
            tooltip="Add a # noqa comment (previewed)",
        ),
        Binding(
            "o",
            "open_editor",
            "Edit",
            id="finding.open",
            tooltip="Open the file at the line in $EDITOR",
        ),
        Binding("d", "dependencies", "Deps", id="view.dependencies", tooltip="Dependency matrix"),
        Binding(
            "w",
            "problems",
            "Problems",
            id="view.problems",
            tooltip="Files that could not be audited",
        ),
        Binding("r", "rescan", "Rescan", id="scan.rescan", tooltip="Scan the project again"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and symbols"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave fastaudit"),
        Binding("escape", "close_filter", "Clear filter", show=False, id="view.filter-clear"),
    ]

    def __init__(self, root: Path, *, testing: bool = False) -> None:
        super().__init__()
        self.root = root
        self.testing = testing
        self.session: AuditSession | None = None
        self.grouping = Grouping.RULE
        self.filter_text = ""
        self.generation = 0
        self.scanning = False
        self.live: list[Finding] = []
        self.files_done = 0

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield SummaryBar(id="summary")
        yield ProgressBar(id="progress", show_eta=False)
        search = Input(
            placeholder="filter by rule, file or message · enter: back to the tree · esc: clear",
            id="filter",
        )
        search.cursor_blink = not self.testing
        yield search
        with Horizontal(id="body"):
            yield FindingsTree(id="tree")
            yield FindingDetail(id="detail")
        yield Static(id="empty", classes="state")
        yield Footer()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.rebuild())
        self.query_one(FindingsTree).focus()
        self.start_scan()

    # -- state ------------------------------------------------------------------

    @property
    def result(self) -> ScanResult | None:
        return self.session.result if self.session is not None and not self.scanning else None

    @property
    def findings(self) -> list[Finding]:
        result = self.result
        return list(result.findings) if result is not None else self.live

    @property
    def tree(self) -> FindingsTree:
        return self.query_one(FindingsTree)

    @property
    def selected_group(self) -> Group | None:
        return self.tree.selected_group

    @property
    def selected_finding(self) -> Finding | None:
        group = self.selected_group
        return group.finding if group is not None else None

    # -- scanning ---------------------------------------------------------------

    def start_scan(self) -> None:
        self.generation += 1
        self.scanning = True
        self.live = []
        self.files_done = 0
        self.remove_class("-empty")
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)
        progress.display = True
        self.query_one(SummaryBar).show([], 0, matrix_status(None), scanning=True)
        self.query_one(FindingDetail).show_message("Scanning…", "Findings appear as files finish.")
        self.refresh_bindings()
        self.run_scan(self.generation)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def run_scan(self, generation: int) -> None:
        """Runs in a thread. Touches no widget: only posts messages."""
        worker = get_current_worker()
        found: list[Finding] = []
        last = 0.0

        def progress(done: int, total: int, outcome: FileOutcome) -> None:
            nonlocal last
            if worker.is_cancelled:
                raise _Cancelled
            found.extend(outcome.findings)
            now = time.monotonic()
            if done == total or now - last >= PROGRESS_INTERVAL:
                last = now
                self.post_message(ScanProgress(generation, done, total, tuple(found)))

        try:
            result = scan(self.root, progress=progress)
        except _Cancelled:
            return
        except Exception:  # any failure becomes a message and a screen, never a traceback
            self.post_message(ScanFailed(generation, traceback.format_exc(limit=4)))
            return
        self.post_message(ScanFinished(generation, result))

    def on_scan_progress(self, message: ScanProgress) -> None:
        if message.generation != self.generation:
            return
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self.files_done = message.done
        if len(message.findings) != len(self.live):
            self.live = list(message.findings)
            self.rebuild()
        self.query_one(SummaryBar).show(self.live, message.done, matrix_status(None), scanning=True)

    def on_scan_finished(self, message: ScanFinished) -> None:
        if message.generation != self.generation:
            return
        result = message.result
        self.scanning = False
        if self.session is None:
            self.session = AuditSession(result)
        else:
            self.session.replace_result(result)
        self.query_one(ProgressBar).display = False
        self.rebuild()
        problems = [f for f in result.findings if f.rule.startswith("SCN")]
        if problems:
            self.notify(
                f"{len(problems)} file(s) could not be audited: w lists them.",
                title="Scan problems",
                severity="warning",
                markup=False,
            )
        if result.file_count and not uses_fastapi(result):
            self.notify(
                "No FastAPI import found: the audit ran anyway.",
                title="No FastAPI app",
                markup=False,
            )

    def on_scan_failed(self, message: ScanFailed) -> None:
        if message.generation != self.generation:
            return
        self.scanning = False
        self.app.push_screen(ErrorScreen("The scan failed", message.error))

    # -- showing ----------------------------------------------------------------

    def rebuild(self, prefer: Key | None = None) -> None:
        """Rebuild the tree and summary from the current findings, keeping the selection."""
        findings = self.findings
        groups = build_groups(findings, self.grouping, self.filter_text)
        self.tree.show(groups, self.grouping, self.app.get_css_variables(), prefer)
        result = self.result
        files = result.file_count if result is not None else self.files_done
        matrix = matrix_status(result)
        self.query_one(SummaryBar).show(findings, files, matrix, scanning=self.scanning)
        empty = self.query_one("#empty", Static)
        if result is not None and result.file_count == 0:
            empty.update(
                Content.assemble(
                    ("No Python files found\n\n", "bold"),
                    f"Nothing to audit under {plain(str(self.root.name))}: no .py files outside "
                    "ignored folders (.gitignore, virtualenvs, build output, [tool.fastaudit] "
                    "exclude). Point fastaudit at the project root.",
                )
            )
            self.add_class("-empty")
        elif result is not None and not result.findings:
            empty.update(
                Content.assemble(
                    ("✔ No findings\n\n", "bold $text-success"),
                    f"{result.file_count} Python file(s) audited under "
                    f"{plain(self.root.name)}: nothing to report. r rescans after you edit.",
                )
            )
            self.add_class("-empty")
        else:
            self.remove_class("-empty")
        if not groups:
            self.sync_detail()

    @on(FindingsTree.Rebuilt)
    @on(Tree.NodeHighlighted)
    def sync_detail(self) -> None:
        detail = self.query_one(FindingDetail)
        group = self.selected_group
        if group is None:
            if self.scanning:
                detail.show_message("Scanning…", "Findings appear as files finish.")
            elif self.filter_text and self.findings:
                detail.show_message("Nothing matches the filter", "esc clears it.")
            else:
                detail.show_message("No findings")
        elif group.finding is not None:
            detail.show_finding(group.finding, self.result)
        else:
            detail.show_group(group)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        finding = self.selected_finding
        ready = self.result is not None
        if action == "fix":
            return True if ready and finding is not None and finding.fix is not None else None
        if action == "fix_all":
            group = self.selected_group
            return True if ready and group is not None and group.safe_fixes else None
        if action == "undo":
            return True if self.session is not None and self.session.can_undo else None
        if action in ("suppress", "open_editor"):
            return True if ready and finding is not None else None
        if action in ("dependencies", "problems"):
            return True if ready else None
        if action == "close_filter":
            return self.has_class("-filtering")
        return True

    # -- actions ----------------------------------------------------------------

    def action_filter(self) -> None:
        self.add_class("-filtering")
        # Focus now, not after the next refresh, so keys typed right after "/" land in it.
        self.set_focus(self.query_one("#filter", Input))

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.tree.focus()

    def action_close_filter(self) -> None:
        self.remove_class("-filtering")
        self.query_one("#filter", Input).value = ""
        self.filter_text = ""
        self.rebuild()
        self.tree.focus()

    def action_toggle_grouping(self) -> None:
        self.grouping = self.grouping.toggled()
        self.rebuild()
        self.notify(f"Grouped by {self.grouping.value}", timeout=2)

    def show_rule(self, rule_id: str) -> None:
        """Put the cursor on a rule's group (from the command palette)."""
        if self.grouping is not Grouping.RULE:
            self.grouping = Grouping.RULE
            self.rebuild()
        key = ("family", rule_id[:3], "rule", rule_id)
        self.call_after_refresh(self.tree.select_key, key)

    def _refused(self, error: FixError, title: str = "Refused") -> None:
        self.notify(str(error), title=title, severity="error", markup=False, timeout=8)

    def _preview(self, plan: Plan) -> None:
        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._apply(plan)

        self.app.push_screen(FixPreviewScreen(plan), done)

    def _apply(self, plan: Plan) -> None:
        assert self.session is not None
        try:
            self.session.apply(plan)
        except FixError as error:
            self._refused(error, "Nothing written")
            return
        self.rebuild()
        verb = "Suppressed" if plan.kind == "suppress" else "Fixed"
        files = ", ".join(plan.paths)
        self.notify(f"{verb} {plan.count} in {plain(files)}. u undoes.", title=verb, markup=False)

    def action_fix(self) -> None:
        finding = self.selected_finding
        if self.session is None or finding is None:
            return
        try:
            plan = self.session.plan_fix(finding)
        except FixError as error:
            self._refused(error, "Fix refused")
            return
        self._preview(plan)

    def action_fix_all(self) -> None:
        group = self.selected_group
        if self.session is None or group is None:
            return
        if group.kind == "family":
            scope = FAMILIES.get(group.name, group.name)
        elif group.kind == "finding":
            scope = "this finding"
        else:
            scope = group.name
        try:
            plan = self.session.plan_fix_all(group.findings, plain(scope))
        except FixError as error:
            self._refused(error, "Fix refused")
            return
        self._preview(plan)

    def action_undo(self) -> None:
        if self.session is None:
            return
        try:
            undone = self.session.undo()
        except FixError as error:
            self._refused(error, "Undo refused")
            return
        # Back on what the undone change had fixed: it is at its old place again.
        fixed = [f for change in undone.plan.changes for f in change.fixed]
        self.rebuild(prefer=finding_key(fixed[0]) if fixed else None)
        self.notify(f"Undid: {plain(undone.plan.title)}", title="Undone", markup=False)

    def action_suppress(self) -> None:
        finding = self.selected_finding
        if self.session is None or finding is None:
            return
        try:
            plan = self.session.plan_suppression(finding)
        except FixError as error:
            self._refused(error, "Suppression refused")
            return
        self._preview(plan)

    def action_open_editor(self) -> None:
        finding = self.selected_finding
        result = self.result
        if finding is None or result is None:
            return
        command = editor_command(
            result.root / finding.path, finding.span.line, finding.span.column, os.environ
        )
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
            return
        except OSError as error:
            self.notify(
                f"Could not start {plain(command[0])}: {error.strerror}",
                title="Editor",
                severity="error",
                markup=False,
            )
            return
        refresh(result, [finding.path])
        self.rebuild()

    def action_rescan(self) -> None:
        self.start_scan()

    def action_dependencies(self) -> None:
        if self.result is not None:
            self.app.push_screen(DependencyScreen(dependency_rows(self.result)))

    def action_problems(self) -> None:
        result = self.result
        if result is None:
            return
        files = [(f.path, f.message) for f in result.findings if f.rule.startswith("SCN")]
        warnings = list(result.warnings)
        if result.file_count and not uses_fastapi(result):
            warnings.append("No FastAPI import found in the project; the audit ran anyway.")
        self.app.push_screen(ProblemsScreen(files, warnings))

    def action_help(self) -> None:
        keys = [
            (self.app.get_key_display(b), b.description, b.tooltip)
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.show
        ]
        self.app.push_screen(HelpScreen(keys))

    def action_quit(self) -> None:
        self.app.exit(0)
