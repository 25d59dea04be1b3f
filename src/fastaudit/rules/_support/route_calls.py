"""Reading route decorators and their arguments: shared by the route, docs, async and test
rules."""

from __future__ import annotations

import ast
import re
from http import HTTPStatus
from typing import TYPE_CHECKING

from fastaudit.engine.names import parameter_defaults
from fastaudit.rules._support.project_walk import text_contains

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext

# What a parameter default or ``Annotated`` marker resolves to when it injects a dependency.
DEPENDS_MARKERS = frozenset(
    {"fastapi.Depends", "fastapi.Security", "fastapi.param_functions.Security"}
)


def may_name_markers(ctx: FileContext) -> bool:
    """Whether a call in this file may resolve to one of ``DEPENDS_MARKERS``: each ends
    in ``Depends`` or ``Security``, which the file must spell (importing it, aliased or
    not, or reading it off the module)."""
    return text_contains(ctx, "Depends", "Security")


# ``HTTPException`` as raised in a route: an error answer (DOC103), and a call that does
# no I/O (ASY106/ASY107).
HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
# What a ``BackgroundTasks`` parameter resolves to: its ``add_task(...)`` runs work after
# the response (DOC101, DOC102, RTE103).
BACKGROUND_TASKS = frozenset(
    {"fastapi.BackgroundTasks()", "starlette.background.BackgroundTasks()"}
)


def keyword_arg(call: ast.Call, name: str) -> ast.keyword | None:
    """The keyword argument ``name=`` of ``call``, if given."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword
    return None


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value of the keyword argument ``name=`` of ``call``, if given."""
    found = keyword_arg(call, name)
    return found.value if found is not None else None


def status_number(node: ast.expr | None) -> int | None:
    """200 for ``200``, ``"200"``, ``status.HTTP_200_OK`` and ``HTTPStatus.OK`` (the
    standard library's enum, ``http.HTTPStatus.OK`` too)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str) and node.value.isdigit():
            return int(node.value)
    if isinstance(node, ast.Attribute):
        match = re.match(r"HTTP_(\d{3})(?:_|$)", node.attr)
        if match:
            return int(match.group(1))
        base = node.value
        base_name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
        if base_name == "HTTPStatus" and node.attr in HTTPStatus.__members__:
            return int(HTTPStatus[node.attr])
    return None


def name_words(name: str) -> list[str]:
    """``createOrder`` / ``create_order`` -> ``["create", "order"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w.lower() for w in re.split(r"[_\W]+", spaced) if w]


def depends_provider(
    ctx: FileContext,
    function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
    name: str,
) -> str | None:
    """The qualified provider the parameter ``name`` of ``function`` is filled by, when
    it is written ``name=Depends(fn)`` or ``name: Annotated[..., Depends(fn)]``."""
    if isinstance(function, ast.Lambda):
        return None
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = parameter_defaults(args)
    arg = next((a for a in (*positional, *args.kwonlyargs) if a.arg == name), None)
    if arg is None:
        return None
    markers: list[ast.expr] = []
    if name in defaults:
        markers.append(defaults[name])
    annotation = arg.annotation
    if (
        isinstance(annotation, ast.Subscript)
        and ctx.resolve(annotation.value) == "typing.Annotated"
        and isinstance(annotation.slice, ast.Tuple)
    ):
        markers.extend(annotation.slice.elts[1:])
    for marker in markers:
        if (
            isinstance(marker, ast.Call)
            and ctx.resolve(marker.func) in DEPENDS_MARKERS
            and marker.args
            and isinstance(marker.args[0], (ast.Name, ast.Attribute))
        ):
            target = ctx.resolve(marker.args[0])
            if target is None and isinstance(marker.args[0], ast.Name):
                target = ctx.qualify(marker.args[0].id)
            return target
    return None


def route_path(route: ast.Call) -> ast.Constant | None:
    """The path string of a route decorator (``@router.get("/items/{id}")`` or
    ``path="/items/{id}"``), when written as a literal."""
    node = route.args[0] if route.args else getattr(keyword_arg(route, "path"), "value", None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    return None


def annotated_dependency_aliases(ctx: FileContext) -> dict[str, list[ast.Call]]:
    """The file's module-level ``Name = Annotated[T, ...]`` aliases (also spelled
    ``Name: TypeAlias = ...`` or ``type Name = ...``) -> the ``Depends(...)`` /
    ``Security(...)`` calls in their metadata (empty for ``Annotated[int, Query()]``)."""
    found: dict[str, list[ast.Call]] = {}
    if not text_contains(ctx, "Annotated"):
        return found  # only a name spelled so resolves to ``typing.Annotated``
    type_alias = getattr(ast, "TypeAlias", None)  # Python 3.12+
    for stmt in ctx.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            name, value = stmt.target.id, stmt.value
        elif type_alias is not None and isinstance(stmt, type_alias):
            name, value = stmt.name.id, stmt.value
        else:
            continue
        if isinstance(value, ast.Subscript) and ctx.resolve(value.value) == "typing.Annotated":
            inner = value.slice
            extras = inner.elts[1:] if isinstance(inner, ast.Tuple) else []
            found[name] = [
                e
                for e in extras
                if isinstance(e, ast.Call) and ctx.resolve(e.func) in DEPENDS_MARKERS
            ]
    return found


def route_methods(route: ast.Call) -> list[str]:
    func = route.func
    assert isinstance(func, ast.Attribute)  # a route decorator: ``owner.verb(...)``
    verb = func.attr
    if verb != "api_route":
        return [verb.upper()]
    methods = keyword_arg(route, "methods")
    if methods is not None and isinstance(methods.value, (ast.List, ast.Tuple, ast.Set)):
        return [
            e.value.upper()
            for e in methods.value.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return ["GET"]


def route_label(route: ast.Call, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    path_node = route.args[0] if route.args else getattr(keyword_arg(route, "path"), "value", None)
    if isinstance(path_node, ast.Constant) and isinstance(path_node.value, str):
        path = path_node.value or '""'
    else:
        path = "..."
    # ``api_route(methods=[method])`` with methods computed: named by its decorator.
    methods = "/".join(route_methods(route)) or "API_ROUTE"
    return f"`{methods} {path}` (`{node.name}`)"
