"""The Learn screen: the onboarding walkthrough, one area of practice per page.

Each page shows the practice and why it matters, Do and Don't side by side, and this
project's own instances ("3 places in your code"); enter on one goes to that finding in
the main tree. Steps marked done are kept between runs (``workflows.learn.Progress``).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from fastaudit.model import Finding
from fastaudit.tui.render import plain
from fastaudit.tui.widgets.examples import DoDont
from fastaudit.workflows.learn import AREAS, Progress, example_rule, findings_for


def progress_line(index: int, progress: Progress) -> Content:
    area = AREAS[index]
    done = area.key in progress.done
    count = sum(1 for a in AREAS if a.key in progress.done)
    return Content.assemble(
        (f"Step {index + 1}/{len(AREAS)} · ", "$text 60%"),
        (area.title, "bold"),
        "  ",
        ("✔ done" if done else "not done yet", "$text-success" if done else "$text 60%"),
        "  ·  ",
        (f"{count}/{len(AREAS)} done", "bold $text-accent"),
    )


def place_label(finding: Finding) -> Text:
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(plain(f"{finding.path}:{finding.span.line}"), "bold")
    label.append(f"  {finding.rule}  ", "dim")
    label.append(plain(finding.message))
    return label


class LearnScreen(Screen[Finding | None]):
    """Dismisses with the finding to show in the main tree, or None."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("n,right", "next", "Next", id="learn.next", tooltip="The next area"),
        Binding("p,left", "previous", "Previous", id="learn.previous", tooltip="The previous area"),
        Binding("m,space", "toggle_done", "Done", id="learn.done", tooltip="Mark this step done"),
        Binding("escape,l", "close", "Back", id="learn.close", tooltip="Back to the findings"),
    ]

    def __init__(self, root_findings: list[Finding], progress: Progress, index: int = 0) -> None:
        super().__init__()
        self.findings = root_findings
        self.progress = progress
        self.index = index

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="learn-progress")
        with VerticalScroll(id="learn"):
            yield Static(id="learn-practice")
            yield Static("Why it matters", classes="section")
            yield Static(id="learn-why")
            yield Static(id="learn-example-title", classes="section")
            yield DoDont(id="learn-examples")
            yield Static(id="learn-places-title", classes="section")
            yield OptionList(id="learn-places")
        yield Footer()

    def on_mount(self) -> None:
        self.show_area(self.index)

    @property
    def places(self) -> list[Finding]:
        return findings_for(AREAS[self.index], self.findings)

    def show_area(self, index: int) -> None:
        self.index = index % len(AREAS)
        area = AREAS[self.index]
        self.query_one("#learn-progress", Static).update(progress_line(self.index, self.progress))
        self.query_one("#learn-practice", Static).update(Content.styled(area.practice, "bold"))
        self.query_one("#learn-why", Static).update(Content(area.why))
        rule = example_rule(area, self.findings)
        examples = self.query_one(DoDont)
        title = self.query_one("#learn-example-title", Static)
        examples.display = title.display = rule is not None
        if rule is not None:
            title.update(f"Do and Don't ({rule.id} {rule.title})")
            examples.show(rule.do, rule.dont)
        places = self.places
        places_title = self.query_one("#learn-places-title", Static)
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        if places:
            noun = "place" if len(places) == 1 else "places"
            places_title.update(f"{len(places)} {noun} in your code · enter goes to one")
            option_list.add_options(Option(place_label(f)) for f in places)
            option_list.display = True
            option_list.highlighted = 0
        else:
            places_title.update(Content.styled("Nothing to change here in your code ✔", "bold"))
            option_list.display = False
        # The page opens at its top: focusing the places list must not scroll to it.
        option_list.focus(scroll_visible=False)
        self.query_one("#learn", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#learn-places")
    def go_to_place(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.places[event.option_index])

    def action_next(self) -> None:
        self.show_area(self.index + 1)

    def action_previous(self) -> None:
        self.show_area(self.index - 1)

    def action_toggle_done(self) -> None:
        key = AREAS[self.index].key
        self.progress.mark(key, key not in self.progress.done)
        self.query_one("#learn-progress", Static).update(progress_line(self.index, self.progress))

    def action_close(self) -> None:
        self.dismiss(None)
