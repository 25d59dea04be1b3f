"""Per-file facts for project rules, noted during the single walk of each file.

Project rules sometimes need a fact only a file walk gives ("is any route `async def`?",
"where is `create_engine` called?"). Files are never walked again for that: the rule's
own ``visit_*`` methods note what the project pass needs with ``ctx.add_fact`` while the
engine walks the file once (the facts are cached with the file's outcome), and
``check_project`` reads them back with :func:`file_facts`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

# Where a file stands (test, migration) is the project layout's to say; rules import it
# from here with the other helpers.
from fastaudit.project.layout import is_migration_path, is_test_path

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext
    from fastaudit.engine.project import ProjectView

# (line, function name) of the first ``async def`` endpoint of a file.
ASYNC_ROUTE_FACT = "async-route"
# (line, function name) of the first ``async def`` endpoint of a file that awaits
# something itself (``await``, ``async with``, ``async for``).
AWAITING_ROUTE_FACT = "awaiting-async-route"


def file_facts(view: ProjectView, path: str, kind: str) -> list:
    """The facts of ``kind`` noted for ``path`` (empty when none, or not parsed)."""
    outcome = view.outcomes.get(path)
    if outcome is None:
        return []
    return getattr(outcome, "facts", {}).get(kind, [])


def text_contains(ctx: FileContext, *needles: str) -> bool:
    """Cheap text test on the file being walked: does it contain any of ``needles``?"""
    text = ctx.source.text
    return any(needle in text for needle in needles)


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
        if function is not None and function.is_async and function.is_route:
            ctx.add_fact(AWAITING_ROUTE_FACT, (function.node.lineno, function.name))

    visit_AsyncWith = visit_Await
    visit_AsyncFor = visit_Await


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
        if found and not is_test_path(path) and not is_migration_path(path):
            line, name = found[0]
            return path, line, name
    return None
