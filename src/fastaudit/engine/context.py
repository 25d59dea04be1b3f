"""One pass over one file: the walker, scopes, and what rules see of them.

The walker visits every node once, iteratively (deep expressions never hit Python's
recursion limit), and calls only the rule methods registered for that node type.
Rules never walk the tree themselves; what they need of the surroundings (the enclosing
function, what a name refers to, the parent node) is kept here.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol, TypeVar

from fastaudit.engine import edit_builders
from fastaudit.engine.names import (
    BUILTIN_NAMES,
    Scope,
    absolute_module,
    annotation_value,
    assigned_names,
    bind_import,
    canonical,
    collect_module_bindings,
    same_qualname,
    value_of,
)
from fastaudit.model import Edit, Finding, Fix, Safety, Severity, Span, compact_pickle
from fastaudit.project.source import SourceText

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route"}
)
# What calling a class builds, for the classes FastAPI ships: an app or a router.
RouteOwner = Literal["app", "router"]
ROUTE_OWNER_CLASSES: dict[str, RouteOwner] = {
    "fastapi.FastAPI": "app",
    "fastapi.APIRouter": "router",
}
# The last name of a project's own class taken for FastAPI's (see ``route_owner_class``).
_OWN_OWNER_NAMES: dict[str, RouteOwner] = {"FastAPI": "app", "APIRouter": "router"}


class RuleInfo(Protocol):
    """What the engine asks of a rule (``fastaudit.rules.base.Rule`` is one): the
    engine sits below the rules and knows them only by this shape."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    def finish(self, ctx: FileContext) -> None: ...


def module_name(path: str) -> tuple[str, bool]:
    """Dotted module for a relative path, and whether it is a package's ``__init__``."""
    stem = path.removesuffix(".py")
    parts = [p for p in stem.split("/") if p]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


@compact_pickle
@dataclass(slots=True)
class Deferred:
    """A finding that holds only if a project-wide fact is true.

    ``kind`` names the fact (``"pydantic-model"``) and ``subject`` the qualified name it
    is about. The engine settles these after every file has been seen, so rules can ask
    "is this class a Pydantic model?" even when the class lives in another file.
    """

    kind: str
    subject: str
    finding: Finding


@dataclass(slots=True)
class FunctionInfo:
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    is_async: bool
    name: str
    route: ast.Call | None = None  # the route decorator call, when this is an endpoint
    class_name: str | None = None

    @property
    def is_route(self) -> bool:
        return self.route is not None

    @property
    def kind(self) -> str:
        return "async def" if self.is_async else "def"


@compact_pickle
@dataclass(slots=True)
class ClassInfo:
    name: str
    qualname: str
    bases: list[str] = field(default_factory=list)
    line: int = 0


@compact_pickle
@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One import statement, with its module made absolute.

    ``from .service import get_user`` in ``src/auth/router.py`` gives
    ``module="src.auth.service", names=("get_user",), relative=True``.
    """

    module: str
    names: tuple[str, ...]
    line: int
    column: int
    is_from: bool
    relative: bool
    top_level: bool  # at module level, not inside a function


class Visited(enum.Enum):
    """What a ``visit_`` handler may return instead of None (see ``FILE_DONE``)."""

    FILE_DONE = "file done"


# A ``visit_`` handler's answer when it will do nothing more in this file, whatever
# nodes come (a file-wide condition settled: no import it watches, not a revision):
# the engine may stop calling it there. Only a hint: it may still be called, so it
# must stay right if it is.
FILE_DONE: Final = Visited.FILE_DONE


# A rule's ``visit_``/``leave_`` function as its class holds it, called with the rule:
# ``handler(rule, node, ctx)``. Unbound, so a rule set's handlers are looked up once,
# not bound again for every file's rule objects.
_Handler = Callable[[Any, ast.AST, "FileContext"], "Visited | None"]
# The handlers to call per node type; a ``("leave", node type)`` key is called when the walk
# leaves a scope of that type. ``ast.Call`` may map to a ``CallDispatch`` instead.
Dispatch = dict[object, Any]


@dataclass(frozen=True, slots=True)
class CallFilter:
    """The calls a rule's ``visit_Call`` acts on (its ``calls`` class attribute): those
    whose callee resolves (``resolve(node.func)``) to one of ``callees``, whose resolved
    callee's last part is one of ``tails`` (``get`` of ``requests.get``), whose
    function is an attribute named one of ``attrs``, that pass a keyword argument named
    one of ``keywords``, or, with ``route_owners``, that build an app or a router
    (``FileContext.route_owner_class``: FastAPI's classes or the project's own). On any
    other call the handler would do nothing, so the engine does not call it there."""

    callees: frozenset[str] = frozenset()
    tails: frozenset[str] = frozenset()
    attrs: frozenset[str] = frozenset()
    route_owners: bool = False
    keywords: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        callees: Iterable[str] = (),
        tails: Iterable[str] = (),
        attrs: Iterable[str] = (),
        route_owners: bool = False,
        keywords: Iterable[str] = (),
    ) -> CallFilter:
        return cls(
            frozenset(callees),
            frozenset(tails),
            frozenset(attrs),
            route_owners,
            frozenset(keywords),
        )


def call_filter(rule: type) -> CallFilter | None:
    """The ``calls`` filter of a rule class, when it speaks for the class's ``visit_Call``:
    declared where that handler is defined or below. A subclass overriding the handler
    without declaring its own filter gets none (every call), never its parent's."""
    wanted = getattr(rule, "calls", None)
    if not isinstance(wanted, CallFilter):
        return None
    mro = rule.__mro__
    declared = next(c for c in mro if "calls" in c.__dict__)
    handler = next((c for c in mro if "visit_Call" in c.__dict__), None)
    return wanted if handler is not None and issubclass(declared, handler) else None


_Visitor = TypeVar("_Visitor", bound=Callable[..., "Visited | None"])


def shared_visitor(handler: _Visitor) -> _Visitor:
    """Mark a mixin's visitor whose work is the same whichever rule runs it (it notes
    facts for the project pass, or fills state only the ``finish`` of the rule that ran
    it reads, to note facts): when several rules of a rule set inherit it, the engine
    calls it once per node, for the first of them, instead of once per rule."""
    handler.shared_visitor = True  # type: ignore[attr-defined]  # read by the dispatch plan
    return handler


@dataclass(frozen=True, slots=True)
class CallTable:
    """Which ``visit_Call`` handlers of a rule set act on which calls, each handler by
    its place in the rule set's list of them (the rules' order, which calls keep): worked
    out once per rule set (``CallTable.of``), then bound to each file's rule objects by
    a ``CallDispatch``. Most calls match no filter, and then only ``always`` runs."""

    always: tuple[int, ...]
    by_callee: dict[str, tuple[int, ...]]
    by_tail: dict[str, tuple[int, ...]]
    by_attr: dict[str, tuple[int, ...]]
    route_owners: tuple[int, ...]  # the handlers of calls building an app or a router
    by_keyword: dict[str, tuple[int, ...]]
    # The places to call for a set of matched ones, ``always`` merged in, in order:
    # filled as calls meet them (a handful of sets per rule set).
    merged: dict[tuple[int, ...], tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, filters: Sequence[CallFilter | None]) -> CallTable:
        always: list[int] = []
        by_callee: dict[str, list[int]] = {}
        by_tail: dict[str, list[int]] = {}
        by_attr: dict[str, list[int]] = {}
        route_owners: list[int] = []
        by_keyword: dict[str, list[int]] = {}
        for place, wanted in enumerate(filters):
            if wanted is None:
                always.append(place)
                continue
            if wanted.route_owners:
                route_owners.append(place)
            for callee in wanted.callees:
                by_callee.setdefault(callee, []).append(place)
            for tail in wanted.tails:
                by_tail.setdefault(tail, []).append(place)
            for attr in wanted.attrs:
                by_attr.setdefault(attr, []).append(place)
            for keyword in wanted.keywords:
                by_keyword.setdefault(keyword, []).append(place)

        def frozen(table: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
            return {name: tuple(places) for name, places in table.items()}

        return cls(
            tuple(always),
            frozen(by_callee),
            frozen(by_tail),
            frozen(by_attr),
            tuple(route_owners),
            frozen(by_keyword),
        )

    def places(
        self, node: ast.Call, ctx: FileContext, known: dict[str, tuple[int, ...]]
    ) -> tuple[int, ...] | None:
        """The places of the handlers acting on ``node``, or None for ``always``.
        ``known``: what ``callee_places`` answered in this file so far, by callee (a
        file calls the same few callees over and over)."""
        extra: tuple[int, ...] = ()
        func = node.func
        if self.by_callee or self.by_tail or self.route_owners:
            callee = ctx.resolve(func)
            if callee is not None:
                found = known.get(callee)
                if found is None:
                    found = known[callee] = self.callee_places(callee, ctx)
                extra = found
        if self.by_attr and type(func) is ast.Attribute:
            extra += self.by_attr.get(func.attr, ())
        if self.by_keyword and node.keywords:
            by_keyword = self.by_keyword
            for keyword in node.keywords:
                if keyword.arg is not None:
                    extra += by_keyword.get(keyword.arg, ())
        if not extra:
            return None
        merged = self.merged.get(extra)
        if merged is None:
            merged = self.merged[extra] = tuple(sorted({*self.always, *extra}))
        return merged

    def callee_places(self, callee: str, ctx: FileContext) -> tuple[int, ...]:
        """The places a call's resolved callee selects (the handlers filtering on the
        callee, its last part, or the building of an app or router)."""
        extra = self.by_callee.get(callee, ()) + self.by_tail.get(callee.rpartition(".")[2], ())
        if self.route_owners and ctx.builds_route_owner(callee):
            extra += self.route_owners
        return extra


@dataclass(slots=True)
class CallDispatch:
    """A rule set's ``CallTable`` bound to one file's rule objects: each call's callee
    is resolved once, before any handler, and every handler asking again gets the kept
    answer."""

    table: CallTable
    # Every handler, by place, filters aside (what the tests compare the filtered walk
    # with).
    every: list[tuple[RuleInfo, _Handler]]
    always: list[tuple[RuleInfo, _Handler]]
    # ``CallTable.callee_places`` by callee in this file, while the file's classes stay
    # as many as ``classes_known`` (one defined further down may make its name an app's).
    places_by_callee: dict[str, tuple[int, ...]] = field(default_factory=dict)
    classes_known: int = 0

    @classmethod
    def of(cls, table: CallTable, every: Sequence[tuple[RuleInfo, _Handler]]) -> CallDispatch:
        return cls(table, list(every), [every[place] for place in table.always])

    def handlers(self, node: ast.Call, ctx: FileContext) -> list[tuple[RuleInfo, _Handler]]:
        if len(ctx.classes) != self.classes_known:
            self.classes_known = len(ctx.classes)
            self.places_by_callee.clear()
        places = self.table.places(node, ctx, self.places_by_callee)
        if places is None:
            return self.always
        every = self.every
        return [every[place] for place in places]


@compact_pickle  # and so that a build compiled with mypyc can unpickle it too
@dataclass(frozen=True, slots=True)
class WalkOptions:
    """What the project's configuration changes in a file's walk. It is part of the
    result cache's key (``engine.cache.settings_key``): the same bytes walked with other
    options give another outcome."""

    # ``[tool.fastaudit] blocking-calls`` patterns: calls matching one are noted even on
    # a library's or the standard library's names, which the walk otherwise leaves out.
    blocking_calls: tuple[str, ...] = ()
    # (qualname, "app" | "router") of the project's own subclasses of FastAPI's classes
    # under another name, defined in other modules (prefect's ``PrefectRouter``): found
    # after a first walk of every file (``audit.scan``), for the files importing them.
    route_classes: tuple[tuple[str, RouteOwner], ...] = ()


NO_OPTIONS = WalkOptions()


class FileContext:
    """Everything a rule can ask about the file being scanned."""

    def __init__(
        self,
        path: str,
        source: SourceText,
        tree: ast.Module,
        module: str = "",
        is_package: bool = False,
        options: WalkOptions | None = None,
    ) -> None:
        self.path = path
        self.source = source
        self.tree = tree
        self.module = module
        self.options = options if options is not None else NO_OPTIONS
        # The project's route classes by their last name (see ``WalkOptions``).
        self._route_classes: dict[str, list[tuple[str, RouteOwner]]] = {}
        for qualname, owner in self.options.route_classes:
            self._route_classes.setdefault(qualname.rpartition(".")[2], []).append(
                (qualname, owner)
            )
        # The packages on this file's path, for ``is_own`` (asked on every call seen).
        self._own_tops = frozenset(module.split(".")) if module else frozenset()
        self.is_package = is_package
        self.findings: list[Finding] = []
        self.deferred: list[Deferred] = []
        self.classes: list[ClassInfo] = []
        self._class_names: set[str] = set()  # of ``classes``, for cheap look-ups
        self.imports: list[ImportRecord] = []
        # Facts rules note for project-level rules (see ``add_fact``), by kind.
        self.facts: dict[str, list[Any]] = {}  # each kind's reader knows its values' shape
        # The hashable values of each kind in ``facts``, so noting one more is not a scan
        # of the list (a generated schema module notes thousands of one kind).
        self._fact_sets: dict[str, set[Any]] = {}
        # Per-file results several rules compute alike (keyed by their own tuple), so the
        # second rule asking does not redo the first one's work.
        self.memo: dict[tuple[object, ...], Any] = {}
        # The classes of the rules walking this file (set by the caller; empty when
        # unknown), for a rule whose shared work serves several rules to know which run.
        self.rule_classes: tuple[type, ...] = ()
        self.parent: ast.AST | None = None
        self._scopes: list[Scope] = [Scope("module", tree, module)]
        self._functions: list[FunctionInfo] = []
        # The innermost enclosing ``def``, ``async def`` or lambda, if any: the last of
        # ``_functions``, kept as it changes (most handlers ask, on every node).
        self.function: FunctionInfo | None = None
        self._class_stack: list[str] = []
        self._rule: RuleInfo | None = None
        # What ``resolve`` answered, by node (nodes hash by identity), while the bindings
        # stay as they are: many rules resolve the same callee of the same call. Off
        # (None) outside ``run``; emptied whenever a binding changes.
        self._resolved: dict[ast.AST | None, str | None] | None = None
        collect_module_bindings(tree, self._scopes[0], module, is_package, self.resolve)

    # ----------------------------------------------------------------- names
    def _scope_of(self, name: str) -> int | None:
        """Index of the scope a bare name resolves to from here (0: the module), by
        Python's scoping rules; None when no scope binds it."""
        scopes = self._scopes
        innermost = len(scopes) - 1
        for index in range(innermost, -1, -1):
            # Class bodies are not visible from the functions defined inside them.
            if scopes[index].kind == "class" and index != innermost:
                continue
            if name in scopes[index].bindings:
                return index
        return None

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """(found, value) for a bare name, following Python's scoping rules."""
        index = self._scope_of(name)
        if index is None:
            return False, None
        return True, self._scopes[index].bindings[name]

    def is_module_binding(self, name: str) -> bool:
        """Whether ``name``, looked up from here, is bound at module level: not a
        parameter or local of an enclosing function, nor a class attribute. Only a
        module-level name can be imported, so only it is known to other files."""
        return self._scope_of(name) == 0

    def qualify(self, name: str) -> str:
        """The project-wide name of something bound at this module's top level."""
        return f"{self.module}.{name}" if self.module else name

    def is_own(self, qualname: str) -> bool:
        """Whether a resolved name is the project's own rather than a library's. The
        module path is counted from the scan root, which may sit above the import root
        (``server/polar/app.py`` imports ``polar.kit``): any package on this file's
        path counts."""
        return qualname.split(".", 1)[0] in self._own_tops

    def resolve(self, node: ast.AST | None) -> str | None:
        """The qualified name an expression refers to, or None when unknown.

        ``rq.get`` -> ``"requests.get"`` after ``import requests as rq``; ``open`` ->
        ``"builtins.open"`` unless something in scope shadows it.
        """
        memo = self._resolved
        if memo is None:
            return self._resolve(node)
        value = memo.get(node, _UNRESOLVED)
        if value is _UNRESOLVED:
            value = memo[node] = self._resolve(node)
        return value  # type: ignore[return-value]  # not the marker: replaced above

    def _resolve(self, node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Name):
            found, value = self.lookup(node.id)
            if found:
                return value
            return f"builtins.{node.id}" if node.id in BUILTIN_NAMES else None
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            return canonical(f"{base}.{node.attr}") if base else None
        if isinstance(node, ast.Call):
            callee = self._resolve(node.func)
            return f"{callee}()" if callee else None
        if isinstance(node, ast.Await):
            return self._resolve(node.value)
        return None

    def object_key(self, node: ast.expr) -> str | None:
        """A project-wide name for the object ``node`` holds, the same from every file,
        or None when it has none (a parameter, a method's local, an expression).

        * a name bound at module level: ``module.name``, or, for an import or an alias of
          another module's object, that object's name;
        * a local of a module-level function ``f`` (at any depth of nesting): ``module.f()``,
          what calling ``f`` builds, as a caller elsewhere resolves ``f()``;
        * an attribute naming the project's own module-level object (``api.router``).
        """
        if isinstance(node, ast.Attribute):
            value = self.resolve(node)
            if value is None or value.endswith(")") or not self.is_own(value):
                return None
            return value
        if not isinstance(node, ast.Name):
            return None
        index = self._scope_of(node.id)
        if index is None:
            return None
        scope = self._scopes[index]
        value = scope.bindings[node.id]
        if value is not None and not value.endswith(")") and self.is_own(value):
            return value  # another module's object, under a name of this one
        if scope.kind == "function":
            params = scope.node.args if isinstance(scope.node, _ARGUMENT_TYPES) else None
            if params is not None and node.id in {
                arg.arg
                for arg in (
                    *params.posonlyargs,
                    *params.args,
                    *params.kwonlyargs,
                    params.vararg,
                    params.kwarg,
                )
                if arg is not None
            }:
                return None  # handed in by the caller: made elsewhere
        return self._binding_key(node.id, index)

    def binding_key(self, name: str) -> str | None:
        """What :meth:`object_key` will give for ``name`` once the assignment being
        visited here binds it (handlers see an assignment before its target is bound)."""
        return self._binding_key(name, len(self._scopes) - 1)

    def _binding_key(self, name: str, index: int) -> str | None:
        if index == 0:
            return self.qualify(name)
        if self._scopes[index].kind != "function":
            return None  # a class attribute
        function = self._scopes[1].node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None  # a local of a method or a lambda
        return f"{self.qualify(function.name)}()"

    def bind(self, name: str, value: str | None) -> None:
        self._scopes[-1].bindings[name] = value
        if self._resolved:
            self._resolved.clear()

    # --------------------------------------------------------------- context
    @property
    def in_async_body(self) -> bool:
        """True directly inside an ``async def`` body (not in a nested def or lambda)."""
        function = self.function
        return function is not None and function.is_async

    @property
    def class_name(self) -> str | None:
        return self._class_stack[-1] if self._class_stack else None

    def route_decorator(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Call | None:
        """The ``@app.get(...)``/``@router.post(...)`` decorator of an endpoint, if any."""
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in ROUTE_METHODS
                and self.is_app_or_router(decorator.func.value)
            ):
                return decorator
        return None

    def route_owner_class(self, callee: str | None, _depth: int = 0) -> RouteOwner | None:
        """``"app"`` when calling the class ``callee`` (a resolved name, as ``resolve``
        gives it) builds a FastAPI app, ``"router"`` when it builds an ``APIRouter``,
        else None. Every recogniser of apps and routers asks here.

        Besides FastAPI's own two classes, a project's own class counts when:

        * it is defined in another module and its last name is exactly ``FastAPI`` /
          ``APIRouter``. A project wrapping FastAPI's class (a subclass setting
          ``route_class``, a re-export) keeps the name so its endpoint modules read as
          FastAPI's, and endpoint modules only see the import: polar's
          ``polar.routing.APIRouter`` is not even a class statement (``APIRouter =
          get_api_router_class(APIRoute)``), so no index of bases would find it. Only
          the exact name counts: a project ``Router`` may be anything.
        * it is defined above, in this file, deriving from one of these (whatever its
          name: a class of this file called ``FastAPI`` deriving from nothing is not).

        * it is one of ``options.route_classes``: a subclass with another name defined
          in another module (``PrefectRouter``). Telling it from a look-alike needs the
          other module's class statement, so the scan walks every file first, then walks
          again, with those classes, the files importing one.
        """
        if callee is None or _depth > 8:
            return None
        callee = canonical(callee)
        known = ROUTE_OWNER_CLASSES.get(callee)
        if known is not None:
            return known
        if not self.is_own(callee):
            return None
        for info in self.classes:
            if info.qualname == callee:  # defined here: its bases say, not its name
                for base in info.bases:
                    found = self.route_owner_class(base, _depth + 1)
                    if found is not None:
                        return found
                return None
        name = callee.rpartition(".")[2]
        for qualname, owner in self._route_classes.get(name, ()):
            if same_qualname(qualname, callee):
                return owner
        return _OWN_OWNER_NAMES.get(name)

    def builds_route_owner(self, callee: str) -> bool:
        """Whether ``route_owner_class(callee)`` is not None, asked of most calls of a
        file: by the class's last name first (one of FastAPI's two, a class of this file,
        or a route class of the project), the full answer only for those."""
        name = canonical(callee).rpartition(".")[2]
        return (
            name in _OWN_OWNER_NAMES or self.may_name_route_class(name)
        ) and self.route_owner_class(callee) is not None

    def may_name_route_class(self, name: str) -> bool:
        """A cheap first test for the last name of a call's callee: one of the
        project's route classes (``WalkOptions.route_classes``) or a class defined above
        in this file, either of which ``route_owner_class`` may take for FastAPI's."""
        return name in self._route_classes or name in self._class_names

    def route_owner(self, node: ast.expr) -> RouteOwner | None:
        """What ``node`` holds when it is an instance made by calling an app or router
        class here (``app`` after ``app = FastAPI()``), else None."""
        value = self.resolve(node)
        if value is None or not value.endswith("()"):
            return None
        return self.route_owner_class(value[:-2])

    def is_app_or_router(self, node: ast.expr) -> bool:
        value = self.resolve(node)
        if value is not None and value.endswith("()") and self.route_owner_class(value[:-2]):
            return True
        # A router imported from another module of the project: trust its name.
        if isinstance(node, ast.Name):
            name = node.id.lower()
            if value is None or not value.endswith("()"):
                return name in ("app", "router", "api") or name.endswith("router")
        return False

    # ------------------------------------------------------------- reporting
    def span(self, node: ast.AST, end: ast.AST | None = None) -> Span:
        source = self.source
        # Rules report on located nodes (statements, expressions, arguments, ...), though
        # ast.AST itself declares no position.
        line: int = node.lineno  # type: ignore[attr-defined]  # located node
        column: int = node.col_offset  # type: ignore[attr-defined]  # located node
        last = end or node
        end_line = getattr(last, "end_lineno", None) or line
        end_col = getattr(last, "end_col_offset", None)
        if end_col is None:
            end_col = column
        return Span(
            line,
            source.char_column(line, column) + 1,
            end_line,
            source.char_column(end_line, end_col) + 1,
        )

    def report(
        self,
        node: ast.AST,
        message: str,
        *,
        fix: Fix | None = None,
        end: ast.AST | None = None,
        when: tuple[str, str] | None = None,
        severity: Severity | None = None,
    ) -> None:
        """``severity``, when given, replaces the rule's own for this one finding (a
        milder case of what the rule looks for); project configuration still wins."""
        rule = self._rule
        assert rule is not None, "report() is only valid while a rule is running"
        finding = Finding(
            rule=rule.id,
            severity=severity or rule.severity,
            path=self.path,
            span=self.span(node, end),
            message=message,
            fix=fix,
            family=rule.family,
            title=rule.title,
        )
        if when is not None:
            self.deferred.append(Deferred(when[0], when[1], finding))
        else:
            self.findings.append(finding)

    def add_fact(self, kind: str, value: object) -> None:
        """Note a fact about this file for project-level rules (``FileOutcome.facts``).

        ``value`` must be plain, picklable data (tuples, strings, numbers, frozen
        dataclasses, fixes): outcomes cross process boundaries and are cached. Several
        rules may collect the same fact; an equal value noted twice is kept once.
        """
        values = self.facts.setdefault(kind, [])
        try:
            seen = self._fact_sets.setdefault(kind, set())
            if value in seen:
                return
            seen.add(value)
        except TypeError:  # unhashable: compared with every value noted, as equals go
            if value in values:
                return
        values.append(value)

    # --------------------------------------------------------- building fixes
    def text(self, node: ast.AST) -> str:
        start, end = self.offsets(node)
        return self.source.text[start:end]

    def offsets(self, node: ast.AST) -> tuple[int, int]:
        source = self.source
        # A located node, as in ``span``: ast.AST itself declares no position.
        return (
            source.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]  # located node
            source.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]  # located
        )

    def replace(self, node: ast.AST, text: str) -> Edit:
        """Shorthand for :func:`fastaudit.engine.edit_builders.replace`."""
        return edit_builders.replace(self, node, text)

    def fix(self, description: str, *edits: Edit | None, safe: bool = True, note: str = "") -> Fix:
        return Fix(
            description=description,
            safety=Safety.SAFE if safe else Safety.UNSAFE,
            edits=tuple(sorted((e for e in edits if e is not None), key=lambda e: e.start)),
            note=note,
        )

    def module_values(self) -> Iterable[str | None]:
        """What each name bound at the module's top level holds (``engine.names``
        values), every binding of the file known before the walk starts."""
        return self._scopes[0].bindings.values()

    def imported_as(self, qualified: str) -> str | None:
        """The module-level local name already bound to ``qualified``, if any."""
        for name, value in self._scopes[0].bindings.items():
            if value == qualified:
                return name
        return None

    def ensure_import(self, module: str, name: str | None = None) -> tuple[str, Edit | None]:
        """Shorthand for :func:`fastaudit.engine.edit_builders.ensure_import`."""
        return edit_builders.ensure_import(self, module, name)

    # ----------------------------------------------------------- the walk
    def run(self, dispatch: Dispatch, rules: Sequence[RuleInfo]) -> None:
        """Visit every node once, calling the rule handlers registered for its type,
        then the ``finish`` of each of ``rules``.

        This loop is the hot path of the whole tool: locals instead of attribute
        look-ups, child fields precomputed per node type, and no visit at all of
        leaves that can hold nothing (``Load``, operators, constants).
        """
        leave_marker = _LEAVE
        enter_marker = _ENTER
        bind_marker = _BIND
        deferred_bind = _DEFERRED_BIND
        # (node, its parent node or one of the markers): nodes of every type, dispatched on
        # their exact type below, so Any rather than a union no handler could use.
        stack: list[tuple[Any, Any]] = [(self.tree, None)]
        pop = stack.pop
        push = stack.append
        extend = stack.extend
        get = dispatch.get
        tracked = _TRACKED
        scoped = _SCOPED
        child_fields = _CHILD_FIELDS
        ast_type = ast.AST
        nullable = _NULLABLE_LIST_FIELDS
        # Calls are dispatched through a ``CallDispatch`` when the rule set has one.
        call_type = ast.Call if isinstance(get(ast.Call), CallDispatch) else None
        done = FILE_DONE
        self._resolved = {}
        while stack:
            node, parent = pop()
            if parent is leave_marker:
                self._leave(node, dispatch)
                continue
            if parent is enter_marker:
                self._enter(node)
                continue
            if parent is bind_marker:
                self._track(node)
                continue
            kind = type(node)
            handlers = get(kind)
            if handlers is not None:
                self.parent = parent
                if kind is call_type:
                    handlers = handlers.handlers(node, self)
                for rule, handler in handlers:
                    self._rule = rule
                    if handler(rule, node, self) is done:
                        self._retire(dispatch, kind, rule, handler)
                self._rule = None
            if kind in tracked:
                if kind in deferred_bind and len(self._scopes) > 1:
                    # ``p = p.copy()``: the right-hand side sees the old binding, so
                    # bind once the statement's children have been walked.
                    push((node, bind_marker))
                else:
                    self._track(node)
            if kind in scoped:
                # Decorators, defaults, annotations and bases run in the outer scope;
                # only the body runs in the new one.
                push((node, leave_marker))
                body = node.body
                extend(
                    [(child, node) for child in reversed(body if type(body) is list else [body])]
                )
                push((node, enter_marker))
                extend([(child, node) for child in reversed(_outer_children(node))])
                continue
            fields = child_fields.get(kind)
            if fields is None:
                fields = _child_fields(kind, node)
            # Pushed last field first, last item first: popped in the fields' order.
            for name in fields:
                value = getattr(node, name, None)
                if value is None:
                    continue
                if type(value) is list:
                    if name in nullable:  # ``kw_defaults`` and ``Dict.keys`` hold None
                        extend([(item, node) for item in reversed(value) if item is not None])
                    else:
                        extend([(item, node) for item in reversed(value)])
                elif isinstance(value, ast_type):
                    push((value, node))
        self._resolved = None
        for rule in rules:
            self._rule = rule
            rule.finish(self)
        self._rule = None

    @staticmethod
    def _retire(dispatch: Dispatch, kind: type, rule: RuleInfo, handler: _Handler) -> None:
        """Stop calling ``handler`` of ``rule`` on ``kind`` nodes in this file (it
        answered ``FILE_DONE``). The list being walked is replaced, not changed: the
        loop calling the handlers of the current node goes on over the old one."""

        def others(entries: list[tuple[RuleInfo, _Handler]]) -> list[tuple[RuleInfo, _Handler]]:
            return [e for e in entries if e[0] is not rule or e[1] is not handler]

        current = dispatch[kind]
        if isinstance(current, CallDispatch):
            # Calls its filter matches still reach it: a hint, not a promise.
            current.always = others(current.always)
        else:
            dispatch[kind] = others(current)

    def _track(self, node: ast.AST) -> None:
        """Keep bindings current as statements are passed.

        ``node`` is exactly one of the ``_TRACKED`` types, none a subclass of another, so
        ``isinstance`` here picks the same branch as an exact type test would."""
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._record_import(node)
            if len(self._scopes) > 1:
                bind_import(self._scopes[-1], node, self.module, self.is_package)
                if self._resolved:
                    self._resolved.clear()
        elif isinstance(node, ast.Assign) and len(self._scopes) > 1:
            value = value_of(node.value, self.resolve)
            for target in node.targets:
                for name in assigned_names(target):
                    self.bind(name, value)
        elif isinstance(node, ast.AnnAssign) and len(self._scopes) > 1:
            target = node.target
            if isinstance(target, ast.Name):
                assigned = node.value
                self.bind(
                    target.id,
                    value_of(assigned, self.resolve)
                    if assigned is not None
                    else annotation_value(node.annotation, self.resolve),
                )
        elif isinstance(node, (ast.With, ast.AsyncWith)) and len(self._scopes) > 1:
            for item in node.items:
                if item.optional_vars is not None:
                    value = value_of(item.context_expr, self.resolve)
                    for name in assigned_names(item.optional_vars):
                        self.bind(name, value)
        elif isinstance(node, (ast.For, ast.AsyncFor)) and len(self._scopes) > 1:
            for name in assigned_names(node.target):
                self.bind(name, None)
        elif isinstance(node, _DEFINITION_TYPES) and len(self._scopes) > 1:
            self.bind(node.name, None)

    def _record_import(self, node: ast.Import | ast.ImportFrom) -> None:
        top = len(self._scopes) == 1
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.imports.append(
                    ImportRecord(
                        alias.name, (), node.lineno, node.col_offset + 1, False, False, top
                    )
                )
            return
        module = absolute_module(node.module, node.level, self.module, self.is_package)
        names = tuple(alias.name for alias in node.names)
        self.imports.append(
            ImportRecord(module, names, node.lineno, node.col_offset + 1, True, node.level > 0, top)
        )

    def _enter(self, node: _ScopeNode) -> None:
        if isinstance(node, ast.ClassDef):
            qualname = f"{self.module}.{node.name}" if self.module else node.name
            bases = [self.resolve(base) or "" for base in node.bases]
            if not self._class_stack:
                self.classes.append(ClassInfo(node.name, qualname, bases, node.lineno))
                self._class_names.add(node.name)
            self._class_stack.append(node.name)
            self._scopes.append(Scope("class", node, node.name))
            if self._resolved:
                self._resolved.clear()
            return
        scope = Scope("function", node, getattr(node, "name", "<lambda>"))
        args = node.args
        # Annotations are resolved in the enclosing scope, before the parameters exist.
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        for arg in (*params, args.vararg, args.kwarg):
            if arg is not None:
                scope.bindings[arg.arg] = annotation_value(arg.annotation, self.resolve)
        if isinstance(node, ast.Lambda):
            info = FunctionInfo(node, False, "<lambda>", class_name=self.class_name)
        else:
            is_async = isinstance(node, ast.AsyncFunctionDef)
            info = FunctionInfo(node, is_async, node.name, class_name=self.class_name)
            info.route = self.route_decorator(node)
            # ``self`` in a method is an instance of the class being defined.
            if self._class_stack and params and self._scopes[-1].kind == "class":
                owner = self._scopes[-1].name
                qualname = f"{self.module}.{owner}" if self.module else owner
                first = params[0].arg
                if not any(_decorator_name(d) == "staticmethod" for d in node.decorator_list):
                    is_cls = any(_decorator_name(d) == "classmethod" for d in node.decorator_list)
                    scope.bindings[first] = qualname if is_cls else f"{qualname}()"
        self._scopes.append(scope)
        self._functions.append(info)
        self.function = info
        if self._resolved:
            self._resolved.clear()

    def _leave(self, node: _ScopeNode, dispatch: Dispatch) -> None:
        handlers = dispatch.get(("leave", type(node)))
        if handlers is not None:
            for rule, handler in handlers:
                self._rule = rule
                handler(rule, node, self)
            self._rule = None
        self._scopes.pop()
        if self._resolved:
            self._resolved.clear()
        if isinstance(node, ast.ClassDef):
            self._class_stack.pop()
        else:
            functions = self._functions
            functions.pop()
            self.function = functions[-1] if functions else None


_ENTER = object()
_UNRESOLVED = object()  # what ``resolve``'s memo holds for a node not asked about yet
_LEAVE = object()
_BIND = object()
_DEFERRED_BIND = frozenset({ast.Assign, ast.AnnAssign})
# Fields that never hold a node worth visiting: expression contexts, operators, and
# lists of plain strings.
_SKIP_FIELDS = frozenset({"ctx", "op", "ops", "type_ignores", "kwd_attrs"})
# List fields whose items may be None: ``def f(*, a)`` and ``{**other}``.
_NULLABLE_LIST_FIELDS = frozenset({"kw_defaults", "keys"})
_LEAF_TYPES = (ast.Constant, ast.Global, ast.Nonlocal, ast.Pass, ast.Break, ast.Continue)
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = dict.fromkeys(_LEAF_TYPES, ())


def _child_fields(kind: type[ast.AST], node: ast.AST) -> tuple[str, ...]:
    """The fields of ``kind`` that can hold child nodes, last first, learnt from its
    first instance.

    A field holding a str or number in one instance holds one in every instance, so it
    is left out for good; a field that is None here may hold a node elsewhere, so it
    stays (and is checked per node).
    """
    fields = tuple(
        name
        for name in kind._fields
        if name not in _SKIP_FIELDS
        and not isinstance(getattr(node, name, None), (str, int, float, complex, bytes, bool))
    )
    # Last first: the walk pushes children onto its stack in this order.
    fields = fields[::-1]
    _CHILD_FIELDS[kind] = fields
    return fields


_TRACKED = frozenset(
    {
        ast.Import,
        ast.ImportFrom,
        ast.Assign,
        ast.AnnAssign,
        ast.With,
        ast.AsyncWith,
        ast.For,
        ast.AsyncFor,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
    }
)
_DEFINITION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ARGUMENT_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_SCOPED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
_ScopeNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef


def _outer_children(node: _ScopeNode) -> list[ast.AST]:
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    if isinstance(node, ast.Lambda):
        return [node.args]
    children: list[ast.AST] = [*node.decorator_list, node.args]
    if node.returns is not None:
        children.append(node.returns)
    return children


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""
