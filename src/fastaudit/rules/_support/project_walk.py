"""Project facts gathered by walking chosen files again, with the engine's own walker.

Project rules sometimes need a fact only a file walk gives ("is any route `async def`?",
"where is `create_engine` called?"). They pick the few files that can hold it (by their
import records or a cheap text test), and :func:`collect` runs a :class:`Collector` over
each: the same single-pass walker, scopes and name resolution file rules get. Results
are cached by file digest, so a re-scan after a fix only walks what changed.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, TypeVar

from fastaudit.engine.context import FileContext
from fastaudit.engine.source import SourceError
from fastaudit.model import Span
from fastaudit.rules.base import Rule

if TYPE_CHECKING:
    from fastaudit.engine.project import ProjectView

C = TypeVar("C", bound="Collector")

_CACHE: OrderedDict[tuple[type, str, str], Collector] = OrderedDict()
_CACHE_SIZE = 4096


class Collector(Rule):
    """Gathers facts from one file instead of reporting. Has no id, so it is never
    registered as a rule; subclasses define ``visit_<Node>`` handlers like a rule."""

    def __init__(self) -> None:
        self.path = ""


def collect(view: ProjectView, path: str, collector: type[C]) -> C | None:
    """Walk ``path`` with a fresh ``collector``; None when the file cannot be parsed."""
    from fastaudit.engine.scan import module_name, parse

    outcome = view.outcomes.get(path)
    if outcome is not None and not outcome.parsed:
        return None
    text = view.read_text(path)
    if text is None:
        return None
    key = (collector, path, text.digest)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached  # type: ignore[return-value]
    try:
        tree = parse(text, path)
    except SourceError:
        return None
    module, is_package = module_name(path)
    ctx = FileContext(path, text, tree, module, is_package)
    instance = collector()
    instance.path = path
    dispatch: dict[object, list] = {}
    for handler_key, handler in instance.handlers():
        dispatch.setdefault(handler_key, []).append((instance, handler))
    try:
        ctx.run(dispatch, [instance])  # type: ignore[arg-type]
    except RecursionError:
        return None
    _CACHE[key] = instance
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return instance


def contains(view: ProjectView, path: str, *needles: str) -> bool:
    """Cheap pre-filter: does the file's text contain any of ``needles``?"""
    text = view.read_text(path)
    return text is not None and any(needle in text.text for needle in needles)


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


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in ("tests", "test") for part in parts[:-1])
    )


def is_migration_path(path: str) -> bool:
    """Alembic's env.py and revision files (anything under a ``versions/`` folder)."""
    parts = path.split("/")
    return "versions" in parts[:-1] or (parts[-1] == "env.py" and len(parts) > 1)


# --------------------------------------------------------------- shared facts
class AsyncRoutes(Collector):
    """``async def`` endpoints of a file: (span, function name)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: list[tuple[Span, str]] = []

    def visit_AsyncFunctionDef(self, node, ctx: FileContext) -> None:
        if ctx.route_decorator(node) is not None:
            self.routes.append((ctx.span(node), node.name))


def first_async_route(view: ProjectView) -> tuple[str, int, str] | None:
    """(path, line, name) of one ``async def`` route in the app, or None when every
    route is sync (or there are none). Test and migration files do not count."""
    for path in view.python_files:
        if is_test_path(path) or is_migration_path(path):
            continue
        if not contains(view, path, "async def"):
            continue
        found = collect(view, path, AsyncRoutes)
        if found is not None and found.routes:
            span, name = found.routes[0]
            return path, span.line, name
    return None
