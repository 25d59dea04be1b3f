"""A unified diff, coloured, drawn a screen of lines at a time.

A preview of hundreds of fixes is thousands of lines: a ``Static`` renders every one of
them before the first shows (seconds); this renders only the lines in view.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fastaudit.report.safe import literal

TAB_SIZE = 4


def line_kind(line: str) -> str:
    """The theme variable a diff line is coloured with ("" for context lines)."""
    if line.startswith(("+++", "---")):
        return "bold"
    if line.startswith("+"):
        return "text-success"
    if line.startswith("-"):
        return "text-error"
    if line.startswith("@@"):
        return "text-accent"
    return ""


class DiffView(ScrollView, can_focus=True):
    def __init__(self, diff: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Untrusted text: control characters made visible, tabs expanded.
        self.lines = [line.expandtabs(TAB_SIZE) for line in literal(diff).split("\n")]
        width = max((cell_len(line) for line in self.lines), default=0)
        self.virtual_size = Size(width, len(self.lines))
        self._styles: dict[str, Style] = {}
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

    def on_mount(self) -> None:
        colors = self.app.get_css_variables()
        self._styles = {
            "bold": Style(bold=True),
            **{name: Style(color=colors.get(name)) for name in ("text-success", "text-error")},
            "text-accent": Style(color=colors.get("text-accent")),
        }

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        base = self.rich_style
        width = self.size.width
        if index >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            line = self.lines[index]
            style = base + self._styles.get(line_kind(line), Style())
            strip = Strip([Segment(line, style)], cell_len(line))
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)
