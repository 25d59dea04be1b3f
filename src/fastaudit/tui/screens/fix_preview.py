"""The preview of a change (fix, fixes, suppression) as a coloured unified diff."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fastaudit.fixes.session import Plan
from fastaudit.model import Safety
from fastaudit.tui.render import plain
from fastaudit.tui.widgets.diff_view import DiffView


def plan_summary(plan: Plan) -> Content:
    parts: list[Content] = []
    if plan.safety is Safety.SAFE:
        parts.append(Content.styled("◆ safe fix", "$text-success bold"))
    elif plan.safety is Safety.UNSAFE:
        parts.append(
            Content.styled("◇ UNSAFE fix: it may change behaviour, read it", "$text-warning bold")
        )
    if plan.description:
        parts.append(Content(plain(plan.description)))
    if plan.note:
        parts.append(Content.styled(plain(plan.note), "$text 70%"))
    for problem in plan.problems:
        parts.append(Content.styled(f"skipped: {plain(problem)}", "$text-error"))
    return Content("\n").join(parts)


class FixPreviewScreen(ModalScreen[bool]):
    """Shows ``plan``; dismisses with True to apply it, False to cancel."""

    BINDINGS = [
        Binding("enter,y", "apply", "Apply", id="preview.apply", tooltip="Write the change"),
        Binding("escape,n", "cancel", "Cancel", id="preview.cancel", tooltip="Write nothing"),
    ]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(id="preview", classes="dialog"):
            yield Static(Content.styled(plain(self.plan.title), "bold"), id="preview-title")
            with VerticalScroll(id="preview-meta", can_focus=False):
                yield Static(plan_summary(self.plan))
            yield DiffView(self.plan.diff, id="preview-diff")
            yield Static(
                Content.styled(
                    "enter/y applies · esc/n cancels · u undoes afterwards", "$text 60%"
                ),
                id="preview-hint",
            )
        yield Footer()

    def action_apply(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
