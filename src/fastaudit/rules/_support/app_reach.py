"""Which routes an app serves: the routes declared on it and on the routers and sub-apps
it includes, followed across modules.

A project may build several apps (prefect's API app and its UI app, a test's app of two
routes), so "the project has an awaiting route" does not say that the app a test drives
has one. Each file notes, during its walk, the parts of the apps and routers it builds
(:class:`AppReachFacts`); the project pass follows ``include_router``/``mount`` from the
app in question (:class:`AppReach`). Whenever the chain goes where the facts cannot follow
(a router passed to a helper, ``add_api_route``, an inclusion of an expression), the
answer is :data:`UNKNOWN` and the caller falls back to asking the whole project.

Objects are named by :meth:`FileContext.object_key`: ``app.main.app`` for a module's
app, ``app.factory.create_app()`` for what a module-level factory builds.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Final

from fastaudit.engine.context import FILE_DONE
from fastaudit.engine.layout import is_migration, is_test_path
from fastaudit.engine.names import same_qualname
from fastaudit.engine.walk import walk
from fastaudit.rules._support.project_walk import awaits_own_object, file_facts
from fastaudit.rules._support.route_calls import keyword_arg

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext, Visited
    from fastaudit.engine.project_view import ProjectView

# (part, key, detail...) tuples: ("built", key) for ``key = FastAPI()``/``APIRouter()``;
# ("alias", key, target) for a module-level ``key = create_app()``; ("includes", key,
# target or None) for ``key.include_router(target)`` / ``key.mount(path, target)``;
# ("awaits", key or None, line, name) for a route of ``key`` that awaits; ("opaque", key)
# when routes may reach ``key`` by a way the facts do not follow.
APP_PART_FACT = "app-part"

# Calls that add a route without a decorator the walk would see.
_ROUTE_ADDERS = frozenset(
    {"add_api_route", "add_route", "add_api_websocket_route", "add_websocket_route"}
)
INCLUSION_ATTRS: Final = frozenset({"include_router", "mount", "host"}) | _ROUTE_ADDERS

_BUILDS = ("app-reach-builds",)  # ctx.memo: key -> (local name, scope) of what is built
_AWAITS = ("app-reach-awaits",)  # ctx.memo: ids of the route functions noted as awaiting


class Reach(Enum):
    UNKNOWN = "unknown"  # the app's routes cannot all be followed


UNKNOWN: Final = Reach.UNKNOWN
Route = tuple[str, int, str]  # (path, line, function name)


class AppReachFacts:
    """Mixin noting :data:`APP_PART_FACT`. A rule using it routes its ``visit_Call`` for
    :data:`INCLUSION_ATTRS` to :meth:`note_inclusion`, calls :meth:`note_awaiting_route`
    from its await visitors, and ``super().finish(ctx)`` from its own ``finish``."""

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> Visited | None:
        if is_test_path(ctx.path):
            return FILE_DONE  # the project pass asks the app's own modules only
        if len(node.targets) == 1:
            self._note_binding(node.targets[0], node.value, ctx)
        return None

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> Visited | None:
        if is_test_path(ctx.path):
            return FILE_DONE
        if node.value is not None:
            self._note_binding(node.target, node.value, ctx)
        return None

    def _note_binding(self, target: ast.expr, value: ast.expr, ctx: FileContext) -> None:
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
            return
        callee = ctx.resolve(value.func)
        if callee is None:
            return
        key = ctx.binding_key(target.id)
        if key is None:
            return
        if ctx.route_owner_class(callee) is not None:
            ctx.add_fact(APP_PART_FACT, ("built", key))
            builds: dict[str, tuple[str, ast.AST]] = ctx.memo.setdefault(_BUILDS, {})
            scope = ctx.function.node if ctx.function is not None else ctx.tree
            builds[key] = (target.id, scope)
        elif ctx.function is None and ctx.is_own(callee):
            ctx.add_fact(APP_PART_FACT, ("alias", key, f"{callee}()"))

    def note_inclusion(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or is_test_path(ctx.path):
            return
        key = ctx.object_key(func.value)
        if key is None:
            return
        if func.attr in _ROUTE_ADDERS:
            ctx.add_fact(APP_PART_FACT, ("opaque", key))
            return
        if func.attr == "include_router":
            included = (
                node.args[0] if node.args else getattr(keyword_arg(node, "router"), "value", None)
            )
        else:  # mount(path, app) / host(host, app)
            included = (
                node.args[1]
                if len(node.args) > 1
                else getattr(keyword_arg(node, "app"), "value", None)
            )
        if included is None:
            return
        target = ctx.object_key(included) if isinstance(included, ast.Name) else None
        if target is None:
            resolved = ctx.resolve(included)
            if resolved is not None and not ctx.is_own(resolved):
                return  # a library's ASGI app (``StaticFiles()``): no routes of ours
            target = resolved
        ctx.add_fact(APP_PART_FACT, ("includes", key, target))

    def note_awaiting_route(self, node: ast.AST, ctx: FileContext) -> None:
        function = ctx.function
        if function is None or not function.is_async or function.route is None:
            return
        if is_test_path(ctx.path):
            return
        seen: set[int] = ctx.memo.setdefault(_AWAITS, set())
        if id(function.node) in seen:
            return
        if awaits_own_object(node, function.node, ctx):
            return  # a client the route makes for itself: nothing shared with the tests
        seen.add(id(function.node))
        owner = function.route.func
        key = ctx.object_key(owner.value) if isinstance(owner, ast.Attribute) else None
        ctx.add_fact(APP_PART_FACT, ("awaits", key, function.node.lineno, function.name))

    def finish(self, ctx: FileContext) -> None:
        """An app or router built here and handed to a function may get routes there."""
        builds: dict[str, tuple[str, ast.AST]] = ctx.memo.get(_BUILDS, {})
        for key, (name, scope) in builds.items():
            if _handed_over(name, scope, ctx.source.text):
                ctx.add_fact(APP_PART_FACT, ("opaque", key))


def _handed_over(name: str, scope: ast.AST, text: str) -> bool:
    """Whether ``name`` is passed to a call in ``scope`` (``register_routes(app)``), other
    than as the object of one of its own methods. A text test first: most files never
    pass their router anywhere, and walking the scope again costs."""
    if not re.search(rf"[(,=]\s*{re.escape(name)}\s*[,)]", text):
        return False
    for node in walk(scope):
        if isinstance(node, ast.Call) and any(
            isinstance(arg, ast.Name) and arg.id == name
            for arg in (*node.args, *(keyword.value for keyword in node.keywords))
        ):
            return True
    return False


@dataclass
class _Part:
    opaque: bool = False
    aliases: list[str] = field(default_factory=list)
    includes: list[str | None] = field(default_factory=list)
    awaits: Route | None = None


class AppReach:
    """The apps and routers of a project, from every non-test file's :data:`APP_PART_FACT`."""

    def __init__(self, view: ProjectView) -> None:
        self._parts: dict[str, _Part] = defaultdict(_Part)
        # An awaiting route whose owner has no key (a parameter, a method's local):
        # the reach of any app may hold it.
        self._unplaced: Route | None = None
        for path in view.python_files:
            if is_test_path(path) or is_migration(view, path):
                continue
            self._add(path, file_facts(view, path, APP_PART_FACT))
        self._by_last: dict[str, list[str]] = defaultdict(list)
        for key in self._parts:
            self._by_last[key.rpartition(".")[2]].append(key)

    def _add(self, path: str, facts: Iterable[tuple[object, ...]]) -> None:
        for kind, *detail in facts:
            if kind == "awaits":
                key, line, name = detail
                route = (path, int(str(line)), str(name))
                if key is None:
                    self._unplaced = self._unplaced or route
                else:
                    part = self._parts[str(key)]
                    part.awaits = part.awaits or route
                continue
            part = self._parts[str(detail[0])]  # "built" needs only the entry itself
            if kind == "opaque":
                part.opaque = True
            elif kind == "alias":
                part.aliases.append(str(detail[1]))
            elif kind == "includes":
                part.includes.append(None if detail[1] is None else str(detail[1]))

    def _matching(self, key: str) -> list[_Part]:
        candidates = self._by_last.get(key.rpartition(".")[2], [])
        return [self._parts[k] for k in candidates if same_qualname(k, key)]

    def awaiting_route(self, target: str) -> Route | Reach | None:
        """A route that awaits among those the app ``target`` serves; None when it
        provably serves none; :data:`UNKNOWN` when its routes cannot all be followed."""
        pending = [target]
        seen: set[str] = set()
        while pending:
            key = pending.pop()
            if key in seen:
                continue
            seen.add(key)
            parts = self._matching(key)
            if not parts:
                return UNKNOWN  # built where the facts do not reach
            for part in parts:
                if part.opaque:
                    return UNKNOWN
                if part.awaits is not None:
                    return part.awaits
                if None in part.includes:
                    return UNKNOWN
                pending.extend(str(include) for include in part.includes)
                pending.extend(part.aliases)
        return None if self._unplaced is None else UNKNOWN
