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
    """Mixin for rules that ask :func:`first_async_route`: notes the first ``async def``
    endpoint of each file. Rules overriding ``visit_AsyncFunctionDef`` must call
    ``super()``."""

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if not node.decorator_list or ASYNC_ROUTE_FACT in ctx.facts:
            return
        if ctx.route_decorator(node) is None:
            return
        if "async def" in ctx.source.text:
            ctx.add_fact(ASYNC_ROUTE_FACT, (node.lineno, node.name))


def first_async_route(view: ProjectView) -> tuple[str, int, str] | None:
    """(path, line, name) of one ``async def`` route in the app, or None when every
    route is sync (or there are none). Test and migration files do not count."""
    for path in view.python_files:
        found = file_facts(view, path, ASYNC_ROUTE_FACT)
        if found and not is_test_path(path) and not is_migration_path(path):
            line, name = found[0]
            return path, line, name
    return None
