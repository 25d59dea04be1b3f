"""How routers are made, included and given routes: facts RTE105 and RTE108 share.

:class:`RouterFacts` notes, during the one walk of each file, every module-level
``X = APIRouter(...)`` / ``X = FastAPI(...)``, every ``into.include_router(router, ...)``
and every module-level route function with its owner; the project pass reads them
back with :func:`router_graph`. The facts are plain tuples (they are cached with the
file's outcome); two rules noting the same fact keep it once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fastaudit.engine.context import FILE_DONE, CallFilter, FileContext, Visited, shared_visitor
from fastaudit.engine.layout import is_migration_file, is_test_path
from fastaudit.engine.names import same_qualname
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.route_calls import keyword_arg, route_methods, route_path

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# (qualname, is an app, prefix, line, opaque) of a module-level ``X = APIRouter(...)``
# or ``X = FastAPI(...)``; a prefix that is not a literal is kept as its source text,
# "" when none is given. Opaque: the call has ``**kwargs`` (its prefix is unknown).
MADE_FACT = "router-made"
# (into, router, prefix, into is an app, line, column, end_line, end_column, literal,
# in a test) of ``into.include_router(router, ...)``; the position is the ``prefix=``
# keyword's, else the call's; literal: the prefix is a plain string (or absent).
INCLUDE_FACT = "router-include"
# (owner, methods, path, line, column, end_line, end_column, endpoint) of a route.
ROUTE_FACT = "router-route"


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, slots=True)
class Made:
    path: str
    qualname: str
    is_app: bool
    prefix: str
    line: int
    opaque: bool


@dataclass(frozen=True, slots=True)
class Include:
    path: str
    into: str
    router: str
    prefix: str
    into_is_app: bool
    line: int
    column: int
    end_line: int
    end_column: int
    literal: bool
    in_test: bool


@dataclass(frozen=True, slots=True)
class Route:
    file: str
    owner: str
    methods: tuple[str, ...]
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    endpoint: str


@dataclass(slots=True)
class RouterGraph:
    made: list[Made]
    includes: list[Include]  # in test files too: see ``Include.in_test``
    routes: list[Route]

    def definition(self, name: str) -> Made | None:
        return next((m for m in self.made if same_qualname(m.qualname, name)), None)


def router_graph(project: ProjectView) -> RouterGraph:
    graph = RouterGraph([], [], [])
    for path in project.python_files:
        graph.made.extend(Made(path, *fact) for fact in file_facts(project, path, MADE_FACT))
        graph.includes.extend(
            Include(path, *fact) for fact in file_facts(project, path, INCLUDE_FACT)
        )
        graph.routes.extend(Route(path, *fact) for fact in file_facts(project, path, ROUTE_FACT))
    return graph


class RouterFacts:
    """Mixin for project rules reading :func:`router_graph`. Rules overriding these
    visitors must call ``super()``."""

    calls: ClassVar[CallFilter | None] = CallFilter.of(attrs=["include_router"])

    @shared_visitor
    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> Visited | None:
        if is_test_path(ctx.path):
            return FILE_DONE  # a test's own app or router: not the app's graph
        value = node.value
        if (
            not isinstance(value, ast.Call)
            or len(node.targets) != 1
            or not isinstance(node.targets[0], ast.Name)
            or not isinstance(ctx.parent, ast.Module)
        ):
            return None
        made = ctx.route_owner_class(ctx.resolve(value.func))
        if made is not None:
            opaque = bool(value.args) or any(k.arg is None for k in value.keywords)
            ctx.add_fact(
                MADE_FACT,
                (
                    ctx.qualify(node.targets[0].id),
                    made == "app",
                    prefix_text(value, ctx),
                    node.lineno,
                    opaque,
                ),
            )
        return None

    @shared_visitor
    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "include_router" or not node.args:
            return
        into, router = qualified(func.value, ctx), qualified(node.args[0], ctx)
        if not into or not router:
            return
        keyword = keyword_arg(node, "prefix")
        literal = keyword is None or (
            isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
        )
        span = ctx.span(keyword if keyword is not None else node)
        ctx.add_fact(
            INCLUDE_FACT,
            (
                into,
                router,
                prefix_text(node, ctx),
                ctx.route_owner(func.value) == "app",
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                literal and not any(k.arg is None for k in node.keywords),
                is_test_path(ctx.path),
            ),
        )

    @shared_visitor
    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> Visited | None:
        if is_test_path(ctx.path) or is_migration_file(ctx):
            return FILE_DONE  # routes of a test's own app, or none
        if not node.decorator_list or not isinstance(ctx.parent, ast.Module):
            return None
        route = ctx.route_decorator(node)
        if route is None or any(k.arg is None for k in route.keywords):
            return None
        path = route_path(route)
        owner = route.func.value if isinstance(route.func, ast.Attribute) else None
        owner_name = qualified(owner, ctx) if owner is not None else None
        methods = route_methods(route)
        if path is None or owner_name is None or not methods:
            return None
        written = keyword_arg(route, "methods")
        if written is not None and not isinstance(written.value, (ast.List, ast.Tuple, ast.Set)):
            return None  # ``api_route(methods=VERBS)``: not known here
        span = ctx.span(path)
        ctx.add_fact(
            ROUTE_FACT,
            (
                owner_name,
                tuple(methods),
                str(path.value),
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                node.name,
            ),
        )
        return None

    @shared_visitor
    def visit_AsyncFunctionDef(
        self, node: ast.AsyncFunctionDef, ctx: FileContext
    ) -> Visited | None:
        return self.visit_FunctionDef(node, ctx)


def prefix_text(call: ast.Call, ctx: FileContext) -> str:
    """The ``prefix=`` of a call: the string when a literal, else its source text
    between ⟨ ⟩; "" when not given."""
    keyword = keyword_arg(call, "prefix")
    if keyword is None:
        return ""
    value = keyword.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return "⟨" + " ".join(ctx.text(value).split()) + "⟩"


def qualified(node: ast.expr, ctx: FileContext) -> str | None:
    """The project-wide name of an app or router: ``pkg.admin.router`` for a name
    imported from there, ``<this module>.router`` for one assigned here."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        resolved = ctx.resolve(node)  # ``users.router`` after ``from app import users``
        return resolved if resolved and not resolved.endswith(")") else None
    if not isinstance(node, ast.Name):
        return None
    resolved = ctx.resolve(node)
    if resolved is None or resolved.endswith(")"):
        return ctx.qualify(node.id)  # bound in this module (to a call's result)
    return resolved
