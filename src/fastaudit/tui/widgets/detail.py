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


def detail_rows(finding: Finding) -> list[str]:
    """The rows of the detail text, less those that name one of the finding's places
    ("  path:line ..."): the places list below shows them, and opens them."""
    rows = (finding.detail or finding.message).split("\n")
    if not finding.related:
        return rows
    named = tuple(f"{place.path}:{place.line}" for place in finding.related)
    kept = [row for row in rows if not _names_place(row.lstrip(), named)]
    return kept if any(kept) else [finding.message]


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

    def _sections(self, *, code: bool, rule: bool, fix: bool, places: bool = False) -> None:
        self.query_one(CodeView).display = code
        self.query_one(PlacesList).display = places
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
        self.shown = finding_key(finding)
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
        self._set("detail-message", lines(detail_rows(finding)))
        self._set("detail-fix", fix_line(finding))
        has_rule = self._rule(finding.rule)
        places = self.query_one(PlacesList)
        places.show(finding.related)
        code = result is not None
        self._sections(code=code, rule=has_rule, fix=True, places=bool(finding.related))
        self._shown_code = (finding, result.root) if result is not None else None
        if result is not None:
            self.query_one(CodeView).show(result.root, finding)

    @property
    def has_places(self) -> bool:
        """Whether the finding shown with its code has places to open."""
        return self._shown_code is not None and bool(self._shown_code[0].related)

    def focus_places(self) -> None:
        places = self.query_one(PlacesList)
        places.focus()
        self.scroll_to_widget(places, animate=False, top=True)

    def close_place(self) -> None:
        """The code view back on the finding itself."""
        self.opened = None
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
        self.scroll_to_widget(self.query_one(PlacesList), animate=False, top=True)

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
