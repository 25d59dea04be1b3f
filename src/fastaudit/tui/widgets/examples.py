"""Do and Don't, side by side (stacked on narrow terminals), syntax highlighted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from fastaudit.tui.render import example


class DoDont(Horizontal):
    def compose(self) -> ComposeResult:
        dont = Static(id="dont", classes="example")
        dont.border_title = "✖ Don't"
        yield dont
        do = Static(id="do", classes="example")
        do.border_title = "✔ Do"
        yield do

    def show(self, do: str, dont: str) -> None:
        self.query_one("#dont", Static).update(example(dont))
        self.query_one("#do", Static).update(example(do))
