"""The Structure view: apps, package roots and domains, and, for a project laid out by
file type, the current layout and the proposed domain layout as two trees side by side
(stacked on narrow terminals)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fastaudit.tui.render import plain
from fastaudit.tui.structure import AppInfo, Structure, current_tree, holds, proposed_tree

LAYOUT_RULE = "STR101"


def _tree_content(rows: list[tuple[str, str]]) -> Content:
    return Content("\n").join(
        Content.assemble(plain(line), ("  " + plain(note), "$text 60%") if note else "")
        for line, note in rows
    )


def app_content(app: AppInfo) -> Content:
    lines: list[Content] = [
        Content.assemble(
            ("App ", "bold"),
            (plain(f"{app.path}:{app.line}"), "bold $text-accent"),
            ("  package root ", "$text 60%"),
            plain(app.root_label),
            ("" if app.root_is_package else " (not a package)", "$text 60%"),
        )
    ]
    if app.domains:
        width = max(len(d.name) for d in app.domains) + 3
        lines.append(Content.styled(f"  {len(app.domains)} domain(s)", "bold"))
        for domain in app.domains:
            lines.append(
                Content.assemble(
                    (f"    {plain(domain.name + '/'):<{width}}", "$text-success"),
                    plain(holds(domain.files)),
                )
            )
    else:
        lines.append(Content.styled("  no domain packages", "$text 60%"))
    if app.type_folders:
        lines.append(Content.styled(f"  {len(app.type_folders)} folder(s) by file type", "bold"))
        width = max(len(t.name) for t in app.type_folders) + 3
        for folder in app.type_folders:
            lines.append(
                Content.assemble(
                    (f"    {plain(folder.name + '/'):<{width}}", "$text-warning"),
                    plain(holds(folder.files)),
                )
            )
    return Content("\n").join(lines)


def summary(structure: Structure | None, error: str) -> Content:
    if structure is None:
        return Content.styled(plain(error or "The structure is not known yet."), "$text-error")
    if not structure.apps:
        return Content(
            "No FastAPI() application found outside the tests: no package root or domains to show."
        )
    domains = sum(len(app.domains) for app in structure.apps)
    text = f"{len(structure.apps)} app(s) · {domains} domain(s)"
    if structure.by_file_type:
        return Content.assemble(
            text,
            " · ",
            (f"laid out by file type ({LAYOUT_RULE})", "bold $text-warning"),
            ": below, the current layout and the proposed layout by domain.",
        )
    return Content.assemble(text, " · ", ("laid out by domain ✔", "$text-success"))


class StructureScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [Binding("escape,s", "close", "Back", id="structure.close")]

    def __init__(self, structure: Structure | None, error: str = "") -> None:
        super().__init__()
        self.structure = structure
        self.error = error

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="structure"):
            yield Static(summary(self.structure, self.error), id="structure-summary")
            apps = self.structure.apps if self.structure is not None else ()
            for index, app in enumerate(apps):
                yield Static(app_content(app), classes="structure-app")
                if app.moves:
                    with Horizontal(classes="layout-trees"):
                        current = Static(
                            _tree_content(current_tree(app.moves, app.root)),
                            id=f"current-layout-{index}",
                            classes="layout-tree",
                        )
                        current.border_title = "Current layout (by file type)"
                        yield current
                        proposed = Static(
                            _tree_content(proposed_tree(app.moves, app.root)),
                            id=f"proposed-layout-{index}",
                            classes="layout-tree",
                        )
                        proposed.border_title = "Proposed layout (by domain)"
                        yield proposed
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
