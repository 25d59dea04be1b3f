"""The Structure view's model: the project's apps, package roots and domains, what each
holds, and, for a root laid out by file type, the domain layout proposed instead.

Headless (no Textual): built from ``fastaudit.engine.layout`` in the scan worker; the
screen only renders these values.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from fastaudit.engine.layout import find_apps, is_test_path, is_under, type_layout
from fastaudit.engine.project_view import ProjectView

Move = tuple[str, str | None]  # (current path, proposed path or None: no longer needed)


@dataclass(frozen=True, slots=True)
class Folder:
    name: str  # domain name, or the type folder's path
    folder: str  # relative POSIX path
    files: tuple[str, ...]  # paths below ``folder``, relative to it
    role: str = ""  # for a type folder: the module each file becomes ("router"...)


@dataclass(frozen=True, slots=True)
class AppInfo:
    path: str  # the file creating FastAPI()
    line: int
    root: str  # package root ("" for the project root)
    root_is_package: bool
    domains: tuple[Folder, ...]
    type_folders: tuple[Folder, ...]
    moves: tuple[Move, ...]  # empty unless laid out by file type

    @property
    def root_label(self) -> str:
        return f"{self.root}/" if self.root else "(project root)"


@dataclass(frozen=True, slots=True)
class Structure:
    apps: tuple[AppInfo, ...]

    @property
    def moves(self) -> list[Move]:
        return [move for app in self.apps for move in app.moves]

    @property
    def by_file_type(self) -> bool:
        return any(app.moves for app in self.apps)


def _files_under(view: ProjectView, folder: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            path[len(folder) + 1 :]
            for path in view.python_files
            if is_under(path, folder) and not is_test_path(path)
        )
    )


def build_structure(view: ProjectView) -> Structure:
    apps = []
    for app in find_apps(view):
        layout = type_layout(view, app)
        apps.append(
            AppInfo(
                path=app.path,
                line=app.line,
                root=app.root,
                root_is_package=app.root_is_package,
                domains=tuple(
                    Folder(name, folder, _files_under(view, folder))
                    for name, folder in sorted(app.domains.items())
                ),
                type_folders=tuple(
                    Folder(relative_to(folder, app.root), folder, _files_under(view, folder), role)
                    for folder, role in sorted(app.type_folders.items())
                ),
                moves=tuple(layout.moves) if layout is not None else (),
            )
        )
    return Structure(tuple(apps))


def holds(files: tuple[str, ...], limit: int = 6) -> str:
    """``router.py, schemas.py, service.py`` (and how many more)."""
    shown = ", ".join(files[:limit])
    more = len(files) - limit
    return f"{shown}, … {more} more" if more > 0 else shown


# -- two trees, side by side ------------------------------------------------------------


# A folder: its entries by name, each a folder (files are empty ones).
_Folder = dict[str, "_Folder"]


def path_tree(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Draw ``(path, note)`` entries as a folder tree. Returns ``(drawn line, note)``
    rows; folders get a trailing ``/`` and no note."""
    tree: _Folder = {}
    notes: dict[tuple[str, ...], str] = {}
    for path, note in entries:
        parts = tuple(p for p in path.split("/") if p)
        node = tree
        for part in parts:
            node = node.setdefault(part, {})
        notes[parts] = note

    rows: list[tuple[str, str]] = []

    def walk(node: _Folder, prefix: str, trail: tuple[str, ...]) -> None:
        # Folders first, then files, each alphabetically.
        names = sorted(node, key=lambda n: (not node[n], n))
        for index, name in enumerate(names):
            last = index == len(names) - 1
            child = node[name]
            here = (*trail, name)
            branch = "└── " if last else "├── "
            if child:
                rows.append((f"{prefix}{branch}{name}/", ""))
                walk(child, prefix + ("    " if last else "│   "), here)
            else:
                rows.append((f"{prefix}{branch}{name}", notes.get(here, "")))

    # One folder at the top (the package root): drawn bare, as `tree` does.
    trail: tuple[str, ...] = ()
    top = tree
    while len(top) == 1 and next(iter(top.values())):
        name = next(iter(top))
        trail = (*trail, name)
        top = top[name]
    if trail:
        rows.append(("/".join(trail) + "/", ""))
    walk(top, "", trail)
    return rows


def relative_to(path: str, root: str) -> str:
    return posixpath.relpath(path, root) if root else path


def current_tree(moves: tuple[Move, ...], root: str = "") -> list[tuple[str, str]]:
    """The files a move concerns, where they are now, each noting where it would go
    (relative to the package ``root``)."""
    return path_tree(
        [
            (old, f"→ {relative_to(new, root)}" if new is not None else "✕ not needed")
            for old, new in moves
        ]
    )


def proposed_tree(moves: tuple[Move, ...], root: str = "") -> list[tuple[str, str]]:
    """Where those files would be in a layout by domain, each noting where it comes from."""
    return path_tree([(new, f"← {relative_to(old, root)}") for old, new in moves if new])
