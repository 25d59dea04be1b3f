"""Command palette: every action of the main screen, "rule: ID" to jump to a rule, and
"learn: AREA" to open the walkthrough at an area."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from fastaudit.tui.grouping import rule_title
from fastaudit.tui.screens.main import MainScreen
from fastaudit.workflows.learn import AREAS

# (title, action on the main screen, help). Titles are namespaced: "fix: ...", "view: ...".
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("fix: preview the fix of the selected finding", "fix", "f · coloured diff, then apply"),
    ("fix: apply all safe fixes under the selection", "fix_all", "F · one combined preview"),
    ("fix: undo the last change", "undo", "u · restores the exact previous bytes"),
    ("finding: add a suppression comment", "suppress", "i · # noqa: ID, previewed first"),
    ("finding: open in $EDITOR at the line", "open_editor", "o"),
    (
        "finding: go to its other places (a call chain's links)",
        "places",
        "p · enter shows one's code, o opens it in $EDITOR",
    ),
    ("view: filter findings", "filter", "/ · by rule, file or message"),
    ("view: switch grouping (rule / file)", "toggle_grouping", "g"),
    ("view: dependency matrix", "dependencies", "d"),
    ("view: project structure (apps, domains, proposed layout)", "structure", "s"),
    ("learn: guided tour of the practices", "learn", "l · one area per page, progress kept"),
    ("view: scan problems (unreadable files, warnings)", "problems", "w"),
    ("scan: rescan the project", "rescan", "r"),
    ("help: keys and symbols", "help", "?"),
)


# How an entry that cannot act now looks (with "unavailable: why" as its help).
DISABLED = "$text-disabled"


class AuditCommands(Provider):
    def _main(self) -> MainScreen | None:
        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _entries(self, screen: MainScreen) -> list[tuple[str, Callable[[], object], str, str]]:
        """(title, command, help, why not): every action, those that cannot act now with
        the reason, shown dimmed; choosing one says the reason again and does nothing."""
        entries = []
        for title, action, help_text in ACTIONS:
            reason = screen.why_not(action)
            if reason:
                command: Callable[[], object] = partial(screen.action_why_not, action)
                help_text = f"unavailable: {reason}"
            else:
                command = partial(screen.run_action, action)
            entries.append((title, command, help_text, reason))
        return entries

    async def discover(self) -> Hits:
        screen = self._main()
        if screen is None:
            return
        entries = self._entries(screen)
        # Available entries first, the dimmed ones after them.
        for title, command, help_text, reason in sorted(entries, key=lambda e: bool(e[3])):
            display = Content.styled(title, DISABLED) if reason else Content(title)
            yield DiscoveryHit(display, command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        screen = self._main()
        if screen is None:
            return
        matcher = self.matcher(query)
        for title, command, help_text, reason in self._entries(screen):
            if (score := matcher.match(title)) > 0:
                display = matcher.highlight(title)
                if reason:
                    display = display.stylize_before(DISABLED)
                    score /= 2  # below the entries that can act
                yield Hit(score, display, command, text=title, help=help_text)
        if screen.check_action("learn", ()):
            for index, area in enumerate(AREAS):
                title = f"learn: {area.title}"
                if (score := matcher.match(title)) > 0:
                    yield Hit(
                        score,
                        matcher.highlight(title),
                        partial(screen.show_learn, index),
                        help=f"step {index + 1}/{len(AREAS)} of the tour",
                    )
        counts: dict[str, int] = {}
        for finding in screen.findings:
            counts[finding.rule] = counts.get(finding.rule, 0) + 1
        for rule_id in sorted(counts):
            title = f"rule: {rule_id} {rule_title(rule_id)}"
            if (score := matcher.match(title)) > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(screen.show_rule, rule_id),
                    help=f"{counts[rule_id]} finding(s)",
                )
