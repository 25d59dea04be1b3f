"""Screens for situations that are not findings: a bad path, a failed scan, problems."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static

from fastaudit.report.safe import literal
from fastaudit.tui.render import plain


class ErrorScreen(Screen[None]):
    """A problem that stops the audit, explained, with the way out."""

    BINDINGS = [Binding("q,escape", "app.quit", "Quit", id="app.quit")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.problem = title
        self.body = body

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="error", classes="state"):
            yield Static(Content.styled(f"✖ {plain(self.problem)}", "bold $text-error"))
            # Several lines (a traceback): each made literal, the line breaks kept.
            yield Static(Content(literal(self.body)), id="error-body")
        yield Footer()


class ProblemsScreen(ModalScreen[None]):
    """Files that could not be audited, and other warnings of the scan."""

    BINDINGS = [Binding("escape,q,w", "close", "Close", id="problems.close")]

    def __init__(
        self,
        files: list[tuple[str, str]],
        warnings: list[str],
        broken_links: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.files = files
        self.warnings = warnings
        # (link, target as written): skipped quietly, listed here once.
        self.broken_links = broken_links or []

    def compose(self) -> ComposeResult:
        with Vertical(id="problems", classes="dialog"):
            yield Static(Content.styled("Scan problems", "bold"), id="problems-title")
            with VerticalScroll():
                yield Static("Files that could not be audited", classes="section")
                if self.files:
                    rows = [
                        Content.assemble((plain(path), "bold"), "  ", plain(reason))
                        for path, reason in self.files
                    ]
                    yield Static(Content("\n").join(rows), id="problem-files")
                else:
                    yield Static("None: every Python file was read and parsed.")
                yield Static("Warnings", classes="section")
                text = "\n".join(plain(w) for w in self.warnings) or "None."
                yield Static(Content(text), id="problem-warnings")
                if self.broken_links:
                    yield Static("Broken symbolic links (skipped)", classes="section")
                    rows = [
                        Content.assemble((plain(link), "bold"), f" → {plain(target)} (missing)")
                        for link, target in self.broken_links
                    ]
                    yield Static(Content("\n").join(rows), id="problem-links")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
