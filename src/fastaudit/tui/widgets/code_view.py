"""The offending code: the finding's lines highlighted, a few lines of context, numbered."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Static

from fastaudit.model import Finding, Span
from fastaudit.project.source import SourceError, decode, read_bytes
from fastaudit.tui.render import code_frame, plain


def read_text(root: Path, path: str) -> str:
    try:
        return decode(read_bytes(root / path)).text
    except SourceError as exc:
        raise ValueError(exc.message) from exc


class CodeView(Static):
    def show(self, root: Path, finding: Finding) -> None:
        self.show_place(root, finding.path, finding.span)

    def show_place(self, root: Path, path: str, span: Span) -> None:
        """The code around ``span`` of ``path``: a finding's, or one of its places."""
        self.border_title = plain(f"{path}:{span.line}")
        try:
            text = read_text(root, path)
        except ValueError as exc:
            self.update(Content.styled(f"cannot show the code: {plain(str(exc))}", "$text 60%"))
            return
        self.update(code_frame(text, span.line, span.end_line, span.column, span.end_column, path))
