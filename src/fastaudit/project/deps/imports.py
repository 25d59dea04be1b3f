"""Which distributions the code imports, for "imported but not declared" checks.

The engine records every import statement; here they are reduced to the third-party
distributions they need: the standard library and the project's own modules drop out,
import names are mapped to distribution names (``jwt`` -> ``pyjwt``), and imports
guarded by ``try: ... except ImportError`` (optional dependencies) are ignored.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastaudit.project.deps.matrix import Matrix

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView

_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


@dataclass(frozen=True, slots=True)
class ImportSite:
    path: str
    line: int
    column: int
    module: str


def own_modules(view: ProjectView) -> set[str]:
    """Every folder and module name in the project: ``src/shop/api.py`` gives ``src``,
    ``shop`` and ``api``, so ``import shop`` (src layout) is recognised as the project's."""
    names: set[str] = set()
    for path in view.python_files:
        names.update(path.removesuffix(".py").split("/"))
    return names


def third_party_imports(
    view: ProjectView, matrix: Matrix
) -> dict[tuple[str, ...], list[ImportSite]]:
    """Distributions (alternatives) -> where the code imports them, in path/line order."""
    own = own_modules(view)
    stdlib = sys.stdlib_module_names
    found: dict[tuple[str, ...], list[ImportSite]] = {}
    for path in sorted(view.outcomes):
        for record in view.outcomes[path].imports:
            if record.relative or not record.module:
                continue
            top = record.module.split(".", 1)[0]
            if top in stdlib or top in own or top == "__future__":
                continue
            site = ImportSite(path, record.line, record.column, record.module)
            found.setdefault(matrix.distributions_for(record.module), []).append(site)
    return found


def unguarded(view: ProjectView, sites: list[ImportSite]) -> list[ImportSite]:
    """The sites not inside ``try:`` blocks that catch ImportError. Only files with a
    candidate finding are parsed again, which is rare."""
    kept: list[ImportSite] = []
    guarded_lines: dict[str, set[int]] = {}
    for site in sites:
        if site.path not in guarded_lines:
            guarded_lines[site.path] = _guarded(view, site.path)
        if site.line not in guarded_lines[site.path]:
            kept.append(site)
    return kept


def _guarded(view: ProjectView, path: str) -> set[int]:
    source = view.read_text(path)
    if source is None:
        return set()
    try:
        tree = ast.parse(source.text)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try | ast.TryStar):
            continue
        if not any(_catches_import_error(handler) for handler in node.handlers):
            continue
        for statement in node.body:
            for inner in ast.walk(statement):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    lines.add(inner.lineno)
    return lines


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(n, ast.Name) and n.id in _GUARDS)
        or (isinstance(n, ast.Attribute) and n.attr in _GUARDS)
        for n in names
    )
