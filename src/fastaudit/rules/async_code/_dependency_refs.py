"""Which functions ``Depends(...)``/``Security(...)`` name, across the project.

ASY112 and ASY114 judge ``async def`` functions differently when FastAPI calls them as
dependencies (their parameters are request parameters, their body runs per request).
A dependency is often defined in one module and named in ``Depends`` in another, so each
file notes what its ``Depends`` calls name (during the single walk) and the project pass
reads every file's notes back through :class:`DependencyNames`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fastaudit.engine.layout import is_test_path
from fastaudit.engine.names import same_qualname
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.route_calls import DEPENDS_MARKERS, keyword_arg, may_name_markers

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext
    from fastaudit.engine.project_view import ProjectView

# Per file: the sorted qualified names its ``Depends(...)``/``Security(...)`` calls name.
DEPENDENCY_REFS_FACT = "async-dependency-refs"


def depends_target(node: ast.Call, ctx: FileContext) -> str | None:
    """The qualified name of the function ``Depends(fn)`` names, when ``node`` is such a
    call and ``fn`` is a function (of this module or imported); None otherwise (an
    instance such as ``Depends(RateLimiter(5))``, a lambda, no argument)."""
    if ctx.resolve(node.func) not in DEPENDS_MARKERS:
        return None
    target = node.args[0] if node.args else getattr(keyword_arg(node, "dependency"), "value", None)
    if isinstance(target, ast.Name):
        found, value = ctx.lookup(target.id)
        if found and value is None:
            # A def of this module binds no value; only a module-level one has a name
            # other files could share.
            return ctx.qualify(target.id) if ctx.is_module_binding(target.id) else None
        return value if value is not None and not value.endswith("()") else None
    if isinstance(target, ast.Attribute):
        value = ctx.resolve(target)
        return value if value is not None and "()" not in value else None
    return None


class DependencyRefs:
    """Mixin for rules that ask :class:`DependencyNames`: notes each file's ``Depends``
    targets. Rules overriding ``visit_Call`` must call ``super()``; ``finish`` must call
    :meth:`note_dependency_refs`."""

    def _refs_init(self) -> None:
        self._dependency_refs: set[str] = set()
        # Whether the file may name a marker at all (``may_name_markers``), once asked.
        self._names_markers: bool | None = None

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        names = self._names_markers
        if names is None:
            names = self._names_markers = may_name_markers(ctx)
        if not names:
            return
        target = depends_target(node, ctx)
        if target is not None:
            self._dependency_refs.add(target)

    def note_dependency_refs(self, ctx: FileContext) -> None:
        if self._dependency_refs and not is_test_path(ctx.path):
            ctx.add_fact(DEPENDENCY_REFS_FACT, tuple(sorted(self._dependency_refs)))


class DependencyNames:
    """Every function the project's (non-test) files name in ``Depends(...)``, looked
    up by qualified name; ``app.deps.get_user`` also matches ``src.app.deps.get_user``
    (a src layout)."""

    def __init__(self, project: ProjectView) -> None:
        # The last dotted part -> the full names: one look-up per question.
        self._by_name: dict[str, list[str]] = {}
        for path in project.python_files:
            for refs in file_facts(project, path, DEPENDENCY_REFS_FACT):
                for qualified in refs:
                    last = qualified.rpartition(".")[2]
                    self._by_name.setdefault(last, []).append(qualified)

    def __contains__(self, qualname: object) -> bool:
        if not isinstance(qualname, str):
            return False
        last = qualname.rpartition(".")[2]
        return any(same_qualname(qualname, ref) for ref in self._by_name.get(last, ()))
