"""The right-hand pane: the selected finding (or group) explained."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static

from fastaudit.audit.scan import ScanResult
from fastaudit.model import Finding, Location, Span
from fastaudit.report.counts import tally
from fastaudit.rules import all_rules
from fastaudit.rules.families import name_of
from fastaudit.tui.grouping import Group, Key, family_of, finding_key, rule_title
from fastaudit.tui.render import fix_line, plain, severity_style
from fastaudit.tui.widgets.code_view import CodeView
from fastaudit.tui.widgets.examples import DoDont
from fastaudit.tui.widgets.places import PlacesList


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph so the pane can wrap them."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)


def lines(rows: list[str]) -> Content:
    """Untrusted rows, each made literal, on lines of their own."""
    return Content("\n").join(Content(plain(row)) for row in rows)


def detail_rows(finding: Finding) -> tuple[list[str], list[str]]:
    """The rows of the detail text before and after those that name the finding's
    places ("  path:line ..."): the places list stands between them, and opens them."""
    rows = (finding.detail or finding.message).split("\n")
    named = tuple(f"{place.path}:{place.line}" for place in finding.related)
    marks = [index for index, row in enumerate(rows) if _names_place(row.lstrip(), named)]
    if not marks:
        return rows, []
    before, after = rows[: marks[0]], rows[marks[-1] + 1 :]
    # A detail that is only the list of places (PIN105's): the message introduces it.
    return (before if any(before) else [finding.message]), after


def _names_place(row: str, named: tuple[str, ...]) -> bool:
    return any(
        row.startswith(place) and row[len(place) : len(place) + 1] in (" ", ":", "")
        for place in named
    )


def place_span(place: Location) -> Span:
    """Where the code view marks ``place``: its span, else its whole line."""
    return place.span or Span(place.line, 1, place.line, 1)


class FindingDetail(VerticalScroll):
    ALLOW_MAXIMIZE = True
    # What the pane shows while a scan streams (to skip re-rendering it per update).
    _streaming: Finding | None = None
    # The rule whose "Why" and Do/Don't are shown (they are kept while it stays the same).
    _rule_shown: str | None = None
    # The key of the group or finding shown, None for a message.
    shown: Key | None = None
    # The place of the finding the code view shows instead of the finding (enter in the
    # places list); ``o`` opens the editor there.
    opened: Location | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # What each Static shows now, so an unchanged one is not updated again.
        self._texts: dict[str, Content | str] = {}
        # The finding shown with a code view, and the root its paths are relative to.
        self._shown_code: tuple[Finding, Path] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-meta")
        yield Static(id="detail-message")
        yield PlacesList(id="places")
        yield Static(id="detail-after")
        yield Static(id="detail-fix")
        yield CodeView(id="code")
        yield Static("Why it matters", id="why-title", classes="section")
        yield Static(id="detail-why")
        yield DoDont(id="examples")

    def _set(self, widget_id: str, content: Content | str) -> None:
        # An update costs a layout pass of the pane: moving between findings of one
        # rule often leaves the title or the fix line as they were.
        if self._texts.get(widget_id) == content:
            return
        self._texts[widget_id] = content
        self.query_one(f"#{widget_id}", Static).update(content)

    def _sections(
        self, *, code: bool, rule: bool, fix: bool, places: bool = False, after: bool = False
    ) -> None:
        self.query_one(CodeView).display = code
        self.query_one(PlacesList).display = places
        self.query_one("#detail-after").display = after
        self.query_one("#detail-fix").display = fix
        for widget_id in ("#why-title", "#detail-why", "#examples"):
            self.query_one(widget_id).display = rule

    def _rule(self, rule_id: str) -> bool:
        rule = all_rules().get(rule_id)
        if rule is None:
            return False
        if rule_id == self._rule_shown:
            return True
        self._rule_shown = rule_id
        self._set("detail-why", Content(reflow(rule.rationale)))
        self.query_one(DoDont).show(rule.do, rule.dont)
        return True

    def show_message(self, title: str, body: Content | str = "") -> None:
        self._streaming = None
        self.shown = None
        self._shown_code = None
        self.opened = None
        self._sections(code=False, rule=False, fix=False)
        self._set("detail-title", Content.styled(plain(title), "bold"))
        self._set("detail-meta", "")
        self._set("detail-message", body)

    def show_finding(self, finding: Finding, result: ScanResult | None) -> None:
        if result is None and finding == self._streaming:
            return  # a scan update that did not move the cursor
        self._streaming = finding if result is None else None
        # Shown again (a rescan, a cursor event that arrives after p or enter): the place
        # opened and the scroll the places list needs stay.
        staying = self.shown == finding_key(finding) and (
            self.places.has_focus or self.opened in finding.related
        )
        self.shown = finding_key(finding)
        if not staying:
            self.opened = None
            self.scroll_home(animate=False)
        title = finding.title or rule_title(finding.rule)
        self._set(
            "detail-title",
            Content.assemble(
                (
                    f"{finding.severity.symbol} {finding.rule} ",
                    f"bold {severity_style(finding.severity)}",
                ),
                (plain(title), "bold"),
            ),
        )
        span = finding.span
        self._set(
            "detail-meta",
            Content.styled(
                f"{finding.severity.value} · {name_of(family_of(finding))} · "
                f"{plain(finding.path)}:{span.line}:{span.column}",
                "$text 60%",
            ),
        )
        # The detail has lines of its own (why a file counts as served); each is made
        # literal. The places the finding involves are a list of their own.
        before, after = detail_rows(finding)
        self._set("detail-message", lines(before))
        self._set("detail-after", lines(after))
        self._set("detail-fix", fix_line(finding))
        has_rule = self._rule(finding.rule)
        self.query_one(PlacesList).show(finding.related)
        self._sections(
            code=result is not None,
            rule=has_rule,
            fix=True,
            places=bool(finding.related),
            after=any(after),
        )
        self._shown_code = (finding, result.root) if result is not None else None
        if result is not None:
            place = self.opened
            if place is None:
                self.query_one(CodeView).show(result.root, finding)
            else:
                self.query_one(CodeView).show_place(result.root, place.path, place_span(place))

    @property
    def places(self) -> PlacesList:
        return self.query_one(PlacesList)

    def reveal_places(self) -> None:
        """Scroll as little as shows the code view, then the list: both, when they fit."""
        self.scroll_to_widget(self.query_one(CodeView), animate=False)
        self.scroll_to_widget(self.query_one(PlacesList), animate=False)

    def close_place(self) -> None:
        """The code view back on the finding itself, the pane back at its top."""
        self.opened = None
        self.scroll_home(animate=False)
        if self._shown_code is not None:
            finding, root = self._shown_code
            self.query_one(CodeView).show(root, finding)

    @on(OptionList.OptionSelected, "#places")
    def open_place(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a place: its code in the code view, under the list."""
        event.stop()
        if self._shown_code is None:
            return
        root = self._shown_code[1]
        place = self.query_one(PlacesList).place_at(event.option_index)
        self.opened = place
        self.query_one(CodeView).show_place(root, place.path, place_span(place))
        self.call_after_refresh(self.reveal_places)

    def show_group(self, group: Group) -> None:
        self._streaming = None
        self.scroll_home(animate=False)
        findings = group.findings
        fixes = tally(findings)
        # The words and numbers of the summary bar and the reports.
        counts = f"{fixes.findings} finding(s) · ◆ {fixes.safe} safe fix(es), F applies them"
        if fixes.unsafe:
            counts += f" · ◇ {fixes.unsafe} unsafe, f one at a time"
        if group.kind == "family":
            title = f"{name_of(group.name)} ({group.name})"
            rules = Counter(f.rule for f in findings)
            rows = [f"  {r}  {rule_title(r)}  ({n})" for r, n in sorted(rules.items())]
            self.show_message(title, lines(rows))
        elif group.kind == "rule":
            rule = all_rules().get(group.name)
            self.show_message(
                f"{group.name} {rule_title(group.name)}",
                lines(sorted({f.path for f in findings})),
            )
            if rule is not None:
                self._rule(group.name)
                self._sections(code=False, rule=True, fix=False)
        else:
            rows = [f"  {f.span.line}:{f.span.column}  {f.rule}  {f.message}" for f in findings]
            self.show_message(group.name, lines(rows))
        self._set("detail-meta", Content.styled(counts, "$text 60%"))
        self.shown = group.key
