"""Command palette: every action of the main screen, and "rule: ID" to jump to a rule."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from fastaudit.tui.grouping import rule_title
from fastaudit.tui.screens.main import MainScreen

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
