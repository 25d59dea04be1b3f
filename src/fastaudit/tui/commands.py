"""Command palette: every action of the main screen, "rule: ID" to jump to a rule, and
"learn: AREA" to open the walkthrough at an area."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
    ("view: filter findings", "filter", "/ · by rule, file or message"),
    ("view: switch grouping (rule / file)", "toggle_grouping", "g"),
    ("view: dependency matrix", "dependencies", "d"),
    ("view: project structure (apps, domains, proposed layout)", "structure", "s"),
    ("learn: guided tour of the practices", "learn", "l · one area per page, progress kept"),
    ("view: scan problems (unreadable files, warnings)", "problems", "w"),
    ("scan: rescan the project", "rescan", "r"),
    ("help: keys and symbols", "help", "?"),
)


class AuditCommands(Provider):
    def _main(self) -> MainScreen | None:
        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _available(self, screen: MainScreen) -> list[tuple[str, str, str]]:
        return [a for a in ACTIONS if screen.check_action(a[1], ())]

    async def discover(self) -> Hits:
        screen = self._main()
        if screen is None:
            return
        for title, action, help_text in self._available(screen):
            yield DiscoveryHit(title, partial(screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        screen = self._main()
        if screen is None:
            return
        matcher = self.matcher(query)
        for title, action, help_text in self._available(screen):
            if (score := matcher.match(title)) > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(screen.run_action, action),
                    help=help_text,
                )
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
