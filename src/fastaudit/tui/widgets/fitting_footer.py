"""A footer that shows whole keys only.

Textual's footer lays its keys out in a row and cuts the one that reaches the edge, so at
some widths the last key reads "r Res" or "s Str". Here the keys that do not fit whole are
hidden instead (they stay bound, and listed in help and the command palette); the order of
``BINDINGS`` says which matter most.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FittingFooter(Footer):
    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        keys = list(self.query(FooterKey))
        palette = [k for k in keys if k.has_class("-command-palette")]
        # The palette key is docked right: the others must end where it starts.
        room = self.size.width - sum(self._width(k) - k.styles.margin.width for k in palette)
        used = 0
        for key in keys:
            if key in palette:
                continue
            used += self._width(key)
            # The space after a key may fall under the palette's edge.
            fits = used - key.styles.margin.right <= room
            if key.display != fits:
                key.display = fits

    def _width(self, key: FooterKey) -> int:
        """The columns ``key`` takes when shown, margins and padding included."""
        content = key.get_content_width(self.size, self.app.size)
        return content + key.styles.gutter.width + key.styles.margin.width
