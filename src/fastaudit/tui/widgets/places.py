"""The other places a finding involves (the links of a call chain, the other places of a
one-decision finding), one per row: enter or a click shows one's code in the code view."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fastaudit.model import Location
from fastaudit.tui.render import plain


def place_text(place: Location) -> Content:
    """``path:line  label``, literal (paths and labels come from the audited project)."""
    return Content.assemble(
        (plain(f"{place.path}:{place.line}"), "$text-accent"), "  ", plain(place.label)
    )


class PlacesList(OptionList):
    # Textual's "enter" binding of OptionList is hidden; this one names what it does.
    BINDINGS = [
        Binding(
            "enter",
            "select",
            "Show",
            id="places.show",
            tooltip="Show the code of the highlighted place below the list",
        ),
        Binding(
            "escape",
            "leave",
            "Back",
            id="places.back",
            tooltip="Back to the findings; the code view shows the finding again",
        ),
    ]

    class Left(Message):
        """Escape in the list: the screen puts the focus back on the findings."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True, markup=False)
        self.places: tuple[Location, ...] = ()

    def show(self, places: tuple[Location, ...]) -> None:
        if places == self.places:
            return
        self.places = places
        self.clear_options()
        self.add_options(Option(place_text(place)) for place in places)
        self.highlighted = 0 if places else None

    def place_at(self, index: int) -> Location:
        return self.places[index]

    def action_leave(self) -> None:
        self.post_message(self.Left())
