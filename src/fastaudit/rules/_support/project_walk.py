"""Per-file facts for project rules, noted during the single walk of each file.

Project rules sometimes need a fact only a file walk gives ("is any route `async def`?",
"where is `create_engine` called?"). Files are never walked again for that: the rule's
own ``visit_*`` methods note what the project pass needs with ``ctx.add_fact`` while the
engine walks the file once (the facts are cached with the file's outcome), and
``check_project`` reads them back with :func:`file_facts`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

# Where a file stands (test, migration) is the project layout's to say: rules import
# these from ``fastaudit.engine.layout``, where they are defined.
from fastaudit.engine.layout import is_migration, is_test_path
from fastaudit.engine.names import same_qualname

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext
    from fastaudit.engine.project_view import ProjectView

# (line, function name) of the first ``async def`` endpoint of a file.
ASYNC_ROUTE_FACT = "async-route"
# (line, function name) of the first ``async def`` endpoint of a file that awaits
# something itself (``await``, ``async with``, ``async for``).
AWAITING_ROUTE_FACT = "awaiting-async-route"


def file_facts(view: ProjectView, path: str, kind: str) -> list[Any]:
    """The facts of ``kind`` noted for ``path`` (empty when none, or not parsed)."""
    outcome = view.outcomes.get(path)
    if outcome is None:
        return []
    facts: dict[str, list[Any]] = getattr(outcome, "facts", {})
    return facts.get(kind, [])


def text_contains(ctx: FileContext, *needles: str) -> bool:
    """Cheap text test on the file being walked: does it contain any of ``needles``?
    The answer is kept for the walk: handlers ask it again on every node they see."""
    key = ("text-contains", needles)
    found = ctx.memo.get(key)
    if found is None:
        text = ctx.source.text
        found = ctx.memo[key] = any(needle in text for needle in needles)
    return bool(found)


def imports_any(view: ProjectView, path: str, module_prefixes: tuple[str, ...]) -> bool:
    """Does the file import a module starting with one of ``module_prefixes``?"""
    outcome = view.outcomes.get(path)
    if outcome is None:
        return False
    return any(
        record.module == prefix or record.module.startswith(prefix + ".")
        for record in outcome.imports
        for prefix in module_prefixes
    )


# --------------------------------------------------------------- shared facts
class AsyncRouteFacts:
    """Mixin for rules that ask :func:`first_async_route` or :func:`first_awaiting_route`:
    notes the first ``async def`` endpoint of each file, and the first that awaits.
    Rules overriding ``visit_AsyncFunctionDef``, ``visit_Await``, ``visit_AsyncWith`` or
    ``visit_AsyncFor`` must call ``super()``."""

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if not node.decorator_list or ASYNC_ROUTE_FACT in ctx.facts:
            return
        if ctx.route_decorator(node) is None:
            return
        if "async def" in ctx.source.text:
            ctx.add_fact(ASYNC_ROUTE_FACT, (node.lineno, node.name))

    def visit_Await(self, node: ast.AST, ctx: FileContext) -> None:
        if AWAITING_ROUTE_FACT in ctx.facts:
            return
        # ``ctx.function`` is the innermost def: an await in a helper nested in the
        # route is the helper's.
        function = ctx.function
        if function is None or not function.is_async or not function.is_route:
            return
        if awaits_own_object(node, function.node, ctx):
            return
        ctx.add_fact(AWAITING_ROUTE_FACT, (function.node.lineno, function.name))

    visit_AsyncWith = visit_Await
    visit_AsyncFor = visit_Await


def awaits_own_object(node: ast.AST, function: ast.AST, ctx: FileContext) -> bool:
    """Whether the await works on an object the route makes for itself (``async with
    httpx.AsyncClient() as client``, ``await service.fetch()`` after ``service =
    Service()``) or only waits (``asyncio.sleep``): nothing there is bound to the loop
    beyond the request. A parameter (a session a dependency hands in), a module-level
    client and anything else awaited count."""
    if isinstance(node, ast.AsyncWith):
        return all(_made_here(item.context_expr, ctx) for item in node.items)
    if not isinstance(node, ast.Await):
        return False  # ``async for``: over what, the walk cannot tell
    value = node.value
    if isinstance(value, ast.Call) and (ctx.resolve(value.func) or "").startswith("asyncio."):
        return True
    root: ast.expr = value
    while isinstance(root, (ast.Call, ast.Attribute, ast.Subscript)):
        root = root.func if isinstance(root, ast.Call) else root.value
    if not isinstance(root, ast.Name) or root is value:
        return False
    if ctx.is_module_binding(root.id) or root.id in _parameters(function):
        return False
    found, bound = ctx.lookup(root.id)
    return found and bound is not None and bound.endswith("()")


def _made_here(expr: ast.expr, ctx: FileContext) -> bool:
    """``httpx.AsyncClient(...)``: a class called right here (by its capitalised name)."""
    if not isinstance(expr, ast.Call):
        return False
    name = (ctx.resolve(expr.func) or "").rpartition(".")[2]
    return name[:1].isupper()


def _parameters(function: ast.AST) -> set[str]:
    args = getattr(function, "args", None)
    if not isinstance(args, ast.arguments):
        return set()
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def first_async_route(view: ProjectView) -> tuple[str, int, str] | None:
    """(path, line, name) of one ``async def`` route in the app, or None when every
    route is sync (or there are none). Test and migration files do not count."""
    return _first_route(view, ASYNC_ROUTE_FACT)


def first_awaiting_route(view: ProjectView) -> tuple[str, int, str] | None:
    """Like :func:`first_async_route`, but only a route that awaits something: an
    ``async def`` health check returning a constant does not make a sync app async."""
    return _first_route(view, AWAITING_ROUTE_FACT)


def _first_route(view: ProjectView, fact: str) -> tuple[str, int, str] | None:
    for path in view.python_files:
        found = file_facts(view, path, fact)
        if found and not is_test_path(path) and not is_migration(view, path):
            line, name = found[0]
            return path, line, name
    return None


# (line, name, working, dependency annotations) of an ``async def`` endpoint: ``working``
# when its body awaits or a parameter is a ``Depends``/``Security`` one; else the
# qualified names of its parameters' annotations, which may be dependency aliases.
WORKING_ASYNC_ROUTE_FACT = "working-async-route"
# Qualname of a module-level ``SessionDep = Annotated[Session, Depends(get_db)]``.
DEPENDENCY_ALIAS_FACT = "dependency-alias"
_DEPENDENCY_MARKERS = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.param_functions.Security",
        "fastapi.params.Depends",
        "fastapi.params.Security",
    }
)
# Annotations that are never a project's dependency alias (``Request``, ``int``).
_LIBRARY_TYPES = ("builtins.", "typing.", "fastapi.", "starlette.", "pydantic.", "datetime.")


class WorkingAsyncRouteFacts:
    """Mixin for rules that ask :func:`first_working_async_route`: notes the ``async
    def`` endpoints that do work on the event loop, and the project's ``Annotated``
    dependency aliases. Rules overriding the ``visit_``/``leave_`` methods used here
    must call ``super()``."""

    def __init__(self) -> None:
        super().__init__()
        # id(route) -> (takes a dependency, annotations that may be aliases)
        self._async_routes: dict[int, tuple[bool, tuple[str, ...]]] = {}
        self._awaiting: set[int] = set()
        self._working_noted = False

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        # One working route per file is all the project pass needs.
        if self._working_noted or not node.decorator_list or ctx.route_decorator(node) is None:
            return
        self._async_routes[id(node)] = _dependency_parameters(node, ctx)

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        found = self._async_routes.pop(id(node), None)
        if found is None or self._working_noted:
            return
        takes_dependency, annotations = found
        if takes_dependency or id(node) in self._awaiting:
            ctx.add_fact(WORKING_ASYNC_ROUTE_FACT, (node.lineno, node.name, True, ()))
            self._working_noted = True
        elif annotations:
            ctx.add_fact(WORKING_ASYNC_ROUTE_FACT, (node.lineno, node.name, False, annotations))

    def _awaits(self, ctx: FileContext) -> None:
        function = ctx.function
        if function is not None and id(function.node) in self._async_routes:
            self._awaiting.add(id(function.node))

    def visit_Await(self, node: ast.Await, ctx: FileContext) -> None:
        self._awaits(ctx)

    def visit_AsyncFor(self, node: ast.AsyncFor, ctx: FileContext) -> None:
        self._awaits(ctx)

    def visit_AsyncWith(self, node: ast.AsyncWith, ctx: FileContext) -> None:
        self._awaits(ctx)

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if len(node.targets) == 1:
            _note_dependency_alias(node.targets[0], node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is not None:  # ``SessionDep: TypeAlias = Annotated[...]``
            _note_dependency_alias(node.target, node.value, ctx)


def _is_dependency_marker(node: ast.expr, ctx: FileContext) -> bool:
    return isinstance(node, ast.Call) and ctx.resolve(node.func) in _DEPENDENCY_MARKERS


def _annotated_dependency(annotation: ast.expr | None, ctx: FileContext) -> bool:
    """``Annotated[Session, Depends(get_db)]``."""
    return (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.slice, ast.Tuple)
        and ctx.resolve(annotation.value) == "typing.Annotated"
        and any(_is_dependency_marker(e, ctx) for e in annotation.slice.elts[1:])
    )


def _note_dependency_alias(target: ast.expr, value: ast.expr, ctx: FileContext) -> None:
    if (
        isinstance(target, ast.Name)
        and ctx.function is None
        and ctx.class_name is None
        and _annotated_dependency(value, ctx)
    ):
        qualname = ctx.qualify(target.id)
        ctx.add_fact(DEPENDENCY_ALIAS_FACT, qualname)


def _dependency_parameters(
    node: ast.AsyncFunctionDef, ctx: FileContext
) -> tuple[bool, tuple[str, ...]]:
    """(whether a parameter is visibly a dependency, the qualified names of the other
    parameters' annotations, which may be aliases such as ``SessionDep``)."""
    args = node.args
    if any(_is_dependency_marker(d, ctx) for d in (*args.defaults, *args.kw_defaults) if d):
        return True, ()
    annotations: list[str] = []
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        annotation = arg.annotation
        if _annotated_dependency(annotation, ctx):
            return True, ()
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            continue
        resolved = ctx.resolve(annotation)
        if resolved is None and isinstance(annotation, ast.Name):
            # An alias assigned in this module (``Annotated[...]`` binds no value).
            resolved = ctx.qualify(annotation.id)
        if resolved and not resolved.startswith(_LIBRARY_TYPES):
            annotations.append(resolved)
    return False, tuple(annotations)


def first_working_async_route(view: ProjectView) -> tuple[str, int, str] | None:
    """(path, line, name) of an ``async def`` route that does work on the event loop:
    its body awaits something, or it takes a dependency (``Depends``/``Security``
    default, ``Annotated[..., Depends(...)]``, or a project alias of one). A health
    check returning a constant says nothing about how the app reaches its database.
    None when there is no such route. Test and migration files do not count."""
    aliases = [
        alias
        for path in view.python_files
        for alias in file_facts(view, path, DEPENDENCY_ALIAS_FACT)
    ]
    for path in view.python_files:
        if is_test_path(path) or is_migration(view, path):
            continue
        for line, name, working, types in file_facts(view, path, WORKING_ASYNC_ROUTE_FACT):
            if working or any(same_qualname(t, alias) for t in types for alias in aliases):
                return path, line, name
    return None
