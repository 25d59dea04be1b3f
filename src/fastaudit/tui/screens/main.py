"""The main screen: summary, findings tree, detail pane; scanning, fixing and undoing."""

from __future__ import annotations

import gc
import os
import subprocess
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, ProgressBar, Static, Tree
from textual.worker import get_current_worker

from fastaudit.audit.scan import (
    ScanResult,
    adopt_project,
    project_pass,
    refresh_files,
    run_project_pass,
    scan,
)
from fastaudit.engine.outcome import FileOutcome
from fastaudit.fixes.apply import FixError
from fastaudit.fixes.journal import Journal, JournalEntry
from fastaudit.fixes.session import AuditSession, Plan
from fastaudit.model import Finding, Safety
from fastaudit.report.counts import audited_files
from fastaudit.rules.families import name_of, prefix_of
from fastaudit.tui.deps import ProjectFacts, matrix_status, project_facts
from fastaudit.tui.editor import editor_command, editor_problem
from fastaudit.tui.grouping import Group, Grouping, Key, build_groups, finding_key, matches
from fastaudit.tui.messages import (
    FactsReady,
    ProjectSettled,
    ScanFailed,
    ScanFinished,
    ScanProgress,
)
from fastaudit.tui.render import plain
from fastaudit.tui.screens.dependencies import DependencyScreen
from fastaudit.tui.screens.fix_preview import FixPreviewScreen
from fastaudit.tui.screens.help import HelpScreen
from fastaudit.tui.screens.learn import LearnScreen
from fastaudit.tui.screens.states import ErrorScreen, ProblemsScreen
from fastaudit.tui.screens.structure import StructureScreen
from fastaudit.tui.widgets.detail import FindingDetail
from fastaudit.tui.widgets.findings_tree import FindingsTree
from fastaudit.tui.widgets.fitting_footer import FittingFooter
from fastaudit.tui.widgets.places import PlacesList
from fastaudit.tui.widgets.summary import COMPACT_WIDTH, SummaryBar
from fastaudit.workflows.learn import Progress

# During a scan, a full collection runs after this many middle-generation ones (default 10).
FULL_COLLECTION_THRESHOLD = 10_000
# A scan posts progress at most this often (and the UI keeps only the newest message);
# the first finding is posted at once.
PROGRESS_INTERVAL = 0.1

# Seconds the cursor must rest before the footer shows which keys can act there.
FOOTER_DELAY = 0.12


class _Cancelled(Exception):
    """Raised inside the scan's progress callback when a newer scan replaced this one."""


def freeze_heap() -> None:
    """Move what the scan left on the heap out of the garbage collector's sight.

    A finished scan is hundreds of thousands of long-lived objects; every full collection
    walked them all, and one landing on a key press made a cursor move take 60-100 ms
    with 2,500 findings. Frozen, they are skipped. The previous scan's objects are
    unfrozen and collected first, so a rescan does not keep them alive."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextmanager
def rare_full_collections() -> Iterator[None]:
    """Make full garbage collections rare while a scan runs in the worker thread.

    A full collection walks every object and holds the GIL while it does: on a large
    project (thousands of files, a growing heap) each one froze the UI for 150-300 ms,
    every second or two. Young generations are still collected as usual; the default is
    back when the scan ends. Measured on 8,000 files: no stall over 100 ms, same peak
    memory."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)


def safe_project_facts(result: ScanResult) -> ProjectFacts:
    """``project_facts``, any failure turned into a message: a bug in the matrix or the
    layout code must not hide the findings."""
    try:
        return project_facts(result)
    except Exception as exc:  # shown in the Dependency and Structure views instead
        error = f"could not be computed ({type(exc).__name__}: {exc})"
        return ProjectFacts(
            matrix_error=f"The matrix {error}", structure_error=f"The structure {error}"
        )


def config_problems(result: ScanResult) -> tuple[str, ...]:
    """Problems reading the project's configuration (a broken ``pyproject.toml``): shown
    in the summary bar, not only in the Problems view, since they change what is checked."""
    return tuple(w for w in result.config.warnings if w.startswith("pyproject.toml"))


def uses_fastapi(result: ScanResult) -> bool:
    return any(
        record.module == "fastapi" or record.module.startswith("fastapi.")
        for outcome in result.files.values()
        for record in outcome.imports
    )


class MainScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    # The footer shows keys in this order and cuts what does not fit: at 80 columns the
    # keys that matter most (help, quit, filter, fixing, zoom, edit) come first. Every key
    # is in help (?) and in the command palette.
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and symbols"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave fastaudit"),
        Binding(
            "slash", "filter", "Filter", id="view.filter", tooltip="Filter by rule, file or message"
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
            "z",
            "zoom",
            "Zoom",
            id="view.zoom",
            tooltip="Maximise the detail pane; z again restores the layout",
        ),
        Binding(
            "o",
            "open_editor",
            "Edit",
            id="finding.open",
            tooltip="Open the file at the line in $EDITOR",
        ),
        # Shown only on a finding with other places (a call chain): at 80 columns it
        # takes the room of the keys after it while it is there.
        Binding(
            "p",
            "places",
            "Places",
            id="finding.places",
            tooltip="The places a finding involves (a call chain's links); enter shows one",
        ),
        Binding(
            "i",
            "suppress",
            "Ignore",
            id="finding.suppress",
            tooltip="Add a # noqa comment (previewed)",
        ),
        Binding(
            "g", "toggle_grouping", "Group", id="view.grouping", tooltip="Group by rule or by file"
        ),
        Binding("d", "dependencies", "Deps", id="view.dependencies", tooltip="Dependency matrix"),
        Binding(
            "s",
            "structure",
            "Structure",
            id="view.structure",
            tooltip="Apps, package roots, domains; the proposed layout",
        ),
        Binding(
            "l",
            "learn",
            "Learn",
            id="view.learn",
            tooltip="Guided tour of the practices, with this project's instances",
        ),
        Binding(
            "w",
            "problems",
            "Problems",
            id="view.problems",
            tooltip="Files that could not be audited",
            show=False,  # a notification points to it when there are any; in help too
        ),
        Binding("r", "rescan", "Rescan", id="scan.rescan", tooltip="Scan the project again"),
        Binding("escape", "close_filter", "Clear filter", show=False, id="view.filter-clear"),
        # A dimmed key still answers: when the action above cannot act now, these run
        # instead and say why (Textual tries a key's bindings in order).
        *(
            Binding(key, f"why_not('{action}')", "", show=False, id=f"{action}.why-not")
            for key, action in (
                ("f", "fix"),
                ("F", "fix_all"),
                ("u", "undo"),
                ("o", "open_editor"),
                ("p", "places"),
                ("i", "suppress"),
            )
        ),
    ]

    def __init__(self, root: Path, *, testing: bool = False, since: str | None = None) -> None:
        super().__init__()
        self.root = root
        self.testing = testing
        self.since = since
        self.session: AuditSession | None = None
        self.grouping = Grouping.RULE
        self.filter_text = ""
        self.generation = 0
        self.scanning = False
        # The project rules' pass after a fix, an undo or an edit: which request is the
        # newest, and whether one is still running (the summary says "checking").
        self.pass_id = 0
        self.settling = False
        # The change an undo restored, to select once its project findings are back.
        self._undone: JournalEntry | None = None
        self.live: list[Finding] = []
        self.files_done = 0
        self.facts: ProjectFacts | None = None
        self.learn_index = 0
        self._bindings_state: tuple[bool | None, ...] = ()
        self._footer_timer: Timer | None = None
        self._footer_states: tuple[bool | None, ...] = ()

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
        # Compact, and whole keys only: the ones that do not fit are left out, last first.
        yield FittingFooter(compact=True)

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
    def tree(self) -> FindingsTree:  # type: ignore[override]  # hides DOMNode.tree, a debug-log view
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
        self.settling = False
        self.live = []
        self.files_done = 0
        self.remove_class("-empty")
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)
        progress.display = True
        self.show_summary([], 0, scanning=True)
        self.query_one(FindingDetail).show_message("Scanning…", "Findings appear as files finish.")
        self.refresh_bindings()
        self.run_scan(self.generation)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def run_scan(self, generation: int) -> None:
        """Runs in a thread. Touches no widget: only posts messages."""
        worker = get_current_worker()
        found: list[Finding] = []
        last = 0.0
        shown_any = False

        def progress(done: int, total: int, outcome: FileOutcome) -> None:
            nonlocal last
            if worker.is_cancelled:
                raise _Cancelled
            nonlocal shown_any
            found.extend(outcome.findings)
            now = time.monotonic()
            first = bool(found) and not shown_any
            if first or done == total or now - last >= PROGRESS_INTERVAL:
                last = now
                shown_any = shown_any or bool(found)
                self.post_message(ScanProgress(generation, done, total, tuple(found)))

        try:
            with rare_full_collections():
                result = scan(self.root, progress=progress, since=self.since)
        except _Cancelled:
            return
        except Exception:  # any failure becomes a message and a screen, never a traceback
            self.post_message(ScanFailed(generation, traceback.format_exc(limit=4)))
            return
        if worker.is_cancelled:
            return
        facts = safe_project_facts(result)
        journal = Journal.load(result.root) if self.session is None else None
        self.post_message(ScanFinished(generation, result, facts, journal))

    @work(thread=True, exclusive=True, group="facts", exit_on_error=False)
    def refresh_facts(self, generation: int, result: ScanResult) -> None:
        """The matrix and structure again (after a fix to a dependency file)."""
        self.post_message(FactsReady(generation, safe_project_facts(result)))

    def settle_project(self) -> None:
        """Run the project rules again in a worker after the changed files were
        rescanned (``refresh_files``): the tree shows those files' new findings at once,
        and the project-wide ones when the pass is done."""
        assert self.session is not None
        self.pass_id += 1
        self.settling = True
        # The snapshot is taken here, on the thread that changes the result.
        self.run_project(self.generation, self.pass_id, project_pass(self.session.result))

    @work(thread=True, exclusive=True, group="project", exit_on_error=False)
    def run_project(self, generation: int, pass_id: int, snapshot: ScanResult) -> None:
        """Runs in a thread. Touches no widget and not the shown result: only the
        snapshot, then posts it."""
        try:
            done = run_project_pass(snapshot)
        except Exception:  # a failure is a message, never a traceback on screen
            self.post_message(ProjectSettled(generation, pass_id, None, traceback.format_exc(4)))
            return
        self.post_message(ProjectSettled(generation, pass_id, done))

    def on_project_settled(self, message: ProjectSettled) -> None:
        if (
            message.generation != self.generation
            or message.pass_id != self.pass_id
            or self.session is None
        ):
            return  # a newer fix, undo or scan asked for another pass
        self.settling = False
        if message.snapshot is None:
            self.app.push_screen(ErrorScreen("The project rules failed", message.error))
            return
        adopt_project(self.session.result, message.snapshot)
        undone, self._undone = self._undone, None
        self.rebuild(prefer=self._undone_key(undone) if undone is not None else None)

    def on_facts_ready(self, message: FactsReady) -> None:
        if message.generation == self.generation:
            self.facts = message.facts
            self.rebuild()

    def on_scan_progress(self, message: ScanProgress) -> None:
        if message.generation != self.generation:
            return
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self.files_done = message.done
        if len(message.findings) != len(self.live):
            self.live = list(message.findings)
            self.rebuild()
        self.show_summary(self.live, message.done, scanning=True)

    def on_scan_finished(self, message: ScanFinished) -> None:
        if message.generation != self.generation:
            return
        result = message.result
        self.scanning = False
        self.facts = message.facts
        if self.session is None:
            journal = message.journal or Journal.load(result.root)
            self.session = AuditSession(result, journal)
            if journal.problem:
                self.notify(journal.problem, title="Undo history", severity="warning", markup=False)
            elif journal.entries:
                self.notify(
                    f"{len(journal.entries)} change(s) from an earlier session can be undone: "
                    f"u undoes “{journal.entries[-1].title}”.",
                    title="Undo history",
                    markup=False,
                )
        else:
            self.session.replace_result(result)
        self.query_one(ProgressBar).display = False
        self.rebuild()
        freeze_heap()
        problems = [f for f in result.findings if f.rule.startswith("SCN")]
        if problems:
            self.notify(
                f"{len(problems)} file(s) could not be audited: w lists them.",
                title="Scan problems",
                severity="warning",
                markup=False,
            )
        folders = result.discovery.unreadable_folders if result.discovery is not None else []
        if folders:
            self.notify(
                f"{len(folders)} folder(s) could not be read and were skipped: w lists them.",
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

    def show_summary(self, findings: list[Finding], files: int, *, scanning: bool) -> None:
        """The counts, the matrix in a word, and what is wrong with the configuration."""
        compact = self.app.size.width < COMPACT_WIDTH
        rows = self.facts.matrix if self.facts is not None and not scanning else None
        result = self.result
        self.query_one(SummaryBar).show(
            findings,
            files,
            matrix_status(rows, compact=compact),
            scanning=scanning,
            name=self.root.name,
            config_problems=config_problems(result) if result is not None else (),
            settling=self.settling,
        )

    def on_resize(self) -> None:
        if self.result is not None:
            self.show_summary(
                self.findings, audited_files(self.result.files, self.findings), scanning=False
            )

    def rebuild(self, prefer: Key | None = None) -> None:
        """Rebuild the tree and summary from the current findings, keeping the selection."""
        findings = self.findings
        groups = build_groups(findings, self.grouping, self.filter_text)
        colors = self.app.get_css_variables()
        self.tree.show(groups, self.grouping, colors, prefer, streaming=self.scanning)
        result = self.result
        files = audited_files(result.files, findings) if result is not None else self.files_done
        self.show_summary(findings, files, scanning=self.scanning)
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
        self.update_bindings()

    # Actions whose availability depends on the selection or the session.
    _DYNAMIC = (
        "fix",
        "fix_all",
        "undo",
        "suppress",
        "open_editor",
        "places",
        "dependencies",
        "learn",
        "zoom",
    )

    def update_bindings(self) -> None:
        """Refresh the footer only when an action became available or unavailable: a
        footer refresh re-creates every key, too slow to do on each cursor move."""
        state = tuple(self.check_action(action, ()) for action in self._DYNAMIC)
        if state != self._bindings_state:
            self._bindings_state = state
            # Rebuilding the footer costs tens of milliseconds: do it once the cursor
            # rests, not inside the key press that moved it (held-down arrows
            # coalesce into one rebuild). Keys pressed meanwhile still check and say why.
            if self._footer_timer is not None:
                self._footer_timer.stop()
            self._footer_timer = self.set_timer(FOOTER_DELAY, self._refresh_footer)

    def _refresh_footer(self) -> None:
        """Refresh the footer only when a key's state changed: Textual rebuilds the
        whole footer on every refresh, which costs a layout pass mid-browse."""
        self._footer_timer = None
        if self._key_states() != self._footer_states:
            self.refresh_bindings()

    def _key_states(self) -> tuple[bool | None, ...]:
        return tuple(
            self.check_action(b.action, ()) for b in self.BINDINGS if isinstance(b, Binding)
        )

    def refresh_bindings(self) -> None:
        # Every refresh, Textual's own included, goes through here: remember what the
        # footer now shows.
        self._footer_states = self._key_states()
        super().refresh_bindings()

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
        if action == "places":
            # Hidden, not dimmed, elsewhere: few findings have places.
            return ready and finding is not None and bool(finding.related)
        if action in ("dependencies", "problems", "structure", "learn"):
            return True if ready and self.facts is not None else None
        if action == "close_filter":
            return self.has_class("-filtering")
        if action == "zoom":
            return True if self.selected_group is not None else None
        return True

    def why_not(self, action: str) -> str:
        """Why ``action`` cannot act now ("" when it can): said when its key is pressed
        anyway, and shown in the command palette next to the dimmed entry."""
        if self.check_action(action, ()):
            return ""
        if self.result is None:
            return "Wait for the scan to finish."
        group = self.selected_group
        finding = self.selected_finding
        if action == "undo":
            return "Nothing to undo."
        if action in ("dependencies", "structure", "learn", "problems"):
            return "The project facts are still being computed."
        if group is None:
            return "Nothing is selected."
        if action == "fix":
            if finding is None:
                return "Select a finding: F fixes every safe fix under a group."
            return f"{finding.rule} has no automatic fix here: Do and Don't show the change."
        if action == "fix_all":
            unsafe = sum(
                1 for f in group.findings if f.fix is not None and f.fix.safety is Safety.UNSAFE
            )
            more = f" {unsafe} unsafe fix(es): review each with f." if unsafe else ""
            return f"No safe fix under this {group.kind}.{more}"
        if action in ("suppress", "open_editor"):
            return "Select a finding (not a group) first."
        if action == "places":
            if finding is None:
                return "Select a finding (not a group) first."
            return f"This {finding.rule} finding involves no other places."
        return "Not available here."

    def action_why_not(self, action: str) -> None:
        if reason := self.why_not(action):
            self.notify(reason, title="Not available", severity="warning", markup=False, timeout=4)

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
        key = ("family", prefix_of(rule_id), "rule", rule_id)
        self.call_after_refresh(self.tree.select_key, key)

    def _refused(self, error: FixError, title: str = "Refused") -> None:
        self.notify(str(error), title=title, severity="error", markup=False, timeout=8)

    def _preview(self, plan: Plan) -> None:
        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._apply(plan)

        self.app.push_screen(FixPreviewScreen(plan), done)

    def _after_change(self, paths: list[str]) -> None:
        """Files changed on disk (fix, undo): the matrix may have changed too."""
        assert self.session is not None
        if any(not path.endswith(".py") for path in paths):
            self.refresh_facts(self.generation, self.session.result)
        if problem := self.session.journal.problem:
            self.notify(problem, title="Undo history", severity="warning", markup=False)
            self.session.journal.problem = ""

    def _apply(self, plan: Plan) -> None:
        assert self.session is not None
        try:
            self.session.apply(plan, settle=False)
        except FixError as error:
            self._refused(error, "Nothing written")
            return
        self.settle_project()
        self.rebuild()
        self._after_change(plan.paths)
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
            scope = name_of(group.name)
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
            undone = self.session.undo(settle=False)
        except FixError as error:
            self._refused(error, "Undo refused")
            return
        # Back on what the undone change had fixed: it is at its old place again (a
        # project rule's finding once the project pass is done).
        self.settle_project()
        self._undone = undone
        self.rebuild(prefer=self._undone_key(undone))
        self._after_change(undone.paths)
        self.notify(f"Undid: {plain(undone.title)}", title="Undone", markup=False)

    def _undone_key(self, entry: JournalEntry) -> Key | None:
        refs = set(entry.findings)
        for finding in self.findings:
            if (finding.rule, finding.path, finding.span.line, finding.span.column) in refs:
                return finding_key(finding)
        return None

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
        # The place the code view shows (enter in the places list), else the finding.
        opened = self.query_one(FindingDetail).opened
        path, line, column = (finding.path, finding.span.line, finding.span.column)
        if opened is not None:
            path, line = opened.path, opened.line
            column = opened.span.column if opened.span is not None else 1
        command = editor_command(result.root / path, line, column, os.environ)
        if problem := editor_problem(command, os.environ):
            self.notify(plain(problem), title="Editor", severity="error", markup=False, timeout=8)
            return
        try:
            before = {path: (result.root / path).read_bytes()}
        except OSError:
            before = {}
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
        refresh_files(result, [path], before)
        self.settle_project()
        self.rebuild()

    def action_zoom(self) -> None:
        """The detail pane alone on screen, or back to the tree and the pane."""
        if self.maximized is not None:
            self.minimize()
            self.tree.focus()
            return
        detail = self.query_one(FindingDetail)
        self.maximize(detail, container=False)
        detail.focus()

    def action_places(self) -> None:
        """The focus on the finding's places; stacked panes leave the detail pane too
        little room, so it fills the screen until esc."""
        finding = self.selected_finding
        if finding is None or not finding.related:
            return
        detail = self.query_one(FindingDetail)
        if detail.shown != finding_key(finding):
            # Keys typed ahead: the tree's cursor moved, the pane has not followed yet.
            self.sync_detail()
        if self.has_class("-narrow") and self.maximized is None:
            self.maximize(detail, container=False)
        # At once (``focus`` waits a turn): keys typed after p go to the list.
        self.set_focus(detail.places, scroll_visible=False)
        # After the layout of a maximised pane, which the scroll needs.
        self.call_after_refresh(detail.reveal_places)

    @on(PlacesList.Left)
    def leave_places(self) -> None:
        self._back_to_tree()
        if self.maximized is not None:
            self.minimize()

    def _back_to_tree(self) -> None:
        self.query_one(FindingDetail).close_place()
        # At once, not after the next refresh: ``minimize`` scrolls to what has focus.
        self.set_focus(self.tree)

    def minimize(self) -> None:
        # Textual spends esc on restoring a maximised pane before any binding sees it:
        # from the places list, that one esc leaves the list too.
        if isinstance(self.focused, PlacesList):
            self._back_to_tree()
        super().minimize()

    def action_rescan(self) -> None:
        self.start_scan()

    def jump_to(self, finding: Finding | None) -> None:
        """Put the cursor on ``finding`` (from the Dependency or Learn view)."""
        if finding is None:
            return
        if self.filter_text and not matches(finding, self.filter_text):
            self.action_close_filter()
        key = finding_key(finding)
        self.call_after_refresh(self.tree.select_key, key)

    def action_dependencies(self) -> None:
        if self.result is not None and self.facts is not None:
            screen = DependencyScreen(self.facts.matrix, self.findings, self.facts.matrix_error)
            self.app.push_screen(screen, self.jump_to)

    def action_structure(self) -> None:
        if self.result is not None and self.facts is not None:
            facts = self.facts
            self.app.push_screen(StructureScreen(facts.structure, facts.structure_error))

    def action_learn(self) -> None:
        self.show_learn(self.learn_index)

    def show_learn(self, index: int) -> None:
        """The walkthrough at area ``index`` (from ``l`` or the command palette)."""
        if self.result is None:
            return
        screen = LearnScreen(self.findings, Progress(self.root), index)

        def done(finding: Finding | None) -> None:
            self.learn_index = screen.index
            self.jump_to(finding)

        self.app.push_screen(screen, done)

    def action_problems(self) -> None:
        result = self.result
        if result is None:
            return
        files = [(f.path, f.message) for f in result.findings if f.rule.startswith("SCN")]
        warnings = list(result.warnings)
        if result.file_count and not uses_fastapi(result):
            warnings.append("No FastAPI import found in the project; the audit ran anyway.")
        links = list(result.discovery.broken_links) if result.discovery is not None else []
        self.app.push_screen(ProblemsScreen(files, warnings, links))

    def action_help(self) -> None:
        keys = [
            (self.app.get_key_display(b), b.description, b.tooltip)
            for b in self.BINDINGS
            if isinstance(b, Binding) and (b.show or b.tooltip)
        ]
        self.app.push_screen(HelpScreen(keys))

    def action_quit(self) -> None:
        self.app.exit(0)
