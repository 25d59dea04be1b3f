"""RTE104 (path-parameter-not-in-signature): a ``{name}`` of the route's path that no
parameter of the endpoint, nor of its dependencies, receives."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastaudit.engine.context import ROUTE_METHODS, FileContext
from fastaudit.engine.edit_builders import insert_after, insert_before
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.names import parameter_defaults, same_qualname
from fastaudit.model import Edit, Finding, Fix, Severity
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules._support.route_calls import (
    DEPENDS_MARKERS,
    annotated_dependency_aliases,
    keyword_arg,
    route_path,
)
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

# Starlette's path parameters, ``{name}`` or ``{name:converter}``; spaces inside the
# braces are tolerated here (FastAPI reads ``{ name }`` as a parameter named " name ").
_PARAM = re.compile(r"\{\s*([^\W\d]\w*)\s*(?::\s*\w+\s*)?\}")
# A route whose whole path is one ``path`` parameter: a catch-all answering every URL
# alike (a single-page app's ``index.html``), which need not read what it caught.
_CATCH_ALL = re.compile(r"/?\{\s*\w+\s*:\s*path\s*\}")
# Parameter markers whose ``alias=`` names what the request calls the value.
_ALIASED = frozenset(
    f"fastapi.{name}" for name in ("Path", "Query", "Header", "Cookie", "Body", "Form", "File")
)
# Packages whose callables and base classes take no path parameters of the app's.
_LIBRARIES = frozenset(
    {"fastapi", "starlette", "fastapi_users", "pydantic", "typing", "builtins", "dataclasses"}
)
# How deep ``Depends`` chains are followed before giving up (silence).
_MAX_DEPTH = 6


# (qualname, the names its dependencies take; None: not known) of a module-level
# ``X = Annotated[T, ...]``: a route typed with ``X`` in another file gets those.
ALIAS_FACT = "rte104-annotated-alias"
# (line, column, end_line, end_column, endpoint, missing names, imported annotation
# qualnames, fix) of a route whose path names parameters no one takes in its file.
ROUTE_FACT = "rte104-route"


class _Unknown(Exception):
    """A dependency whose parameters cannot be read from this file."""


@dataclass(slots=True)
class _Seen:
    names: set[str] = field(default_factory=set)
    # Imported project names used as annotations: dependency aliases, perhaps.
    imported: set[str] = field(default_factory=set)


class PathParameterNotInSignature(ProjectRule):
    id = "RTE104"
    name = "path-parameter-not-in-signature"
    title = "Path parameter missing from the endpoint's signature"
    severity = Severity.WARNING
    peers = ("ruff FAST003",)
    fix_safety = (
        "Unsafe: the parameter is added as `name: str`, and the right type (an `int` id, "
        "a `UUID`) is the author's to choose; FastAPI converts and validates by it."
    )
    rationale = """
    Starlette matches `/items/{item_id}` whatever the signature says, but FastAPI hands
    the value only to a parameter (of the endpoint or of one of its dependencies) with
    that name, or with `Path(alias="item_id")`. When none takes it, the route answers
    every `/items/...` URL the same way, usually because a parameter was renamed on one
    side only. Like ruff's FAST003 it follows `alias=`, `Depends` on functions, classes
    and callable instances, and `Annotated` aliases; it also reads the dependencies of
    the decorator's and the router's `dependencies=[...]`, accepts `{ name }` and
    non-ASCII names, and keeps quiet when a dependency is defined in another file (a
    parameter typed with an imported `Annotated` alias that carries a `Depends` counts as
    such) or when the endpoint reads `request.path_params` itself. A catch-all route
    (`/{full_path:path}`, a single-page app's fallback) need not read what it caught.
    """
    dont = """
    from fastapi import APIRouter

    from app.orders.service import load_order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def read_order(id: int) -> dict:
        return await load_order(id)
    """
    dont_fixed = """
    from fastapi import APIRouter

    from app.orders.service import load_order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def read_order(id: int, order_id: str) -> dict:
        return await load_order(id)
    """
    do = """
    from fastapi import APIRouter

    from app.orders.service import load_order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def read_order(order_id: int) -> dict:
        return await load_order(order_id)
    """
    dont_files = {"app/orders/router.py": dont}
    dont_fixed_files = {"app/orders/router.py": dont_fixed}
    do_files = {"app/orders/router.py": do}

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        # What this file's ``Annotated`` aliases hand a route typed with them elsewhere.
        aliases = annotated_dependency_aliases(ctx)
        if not aliases:
            return
        reader = _Reader(ctx, aliases)
        module = f"{ctx.module}." if ctx.module else ""
        for name, depends in aliases.items():
            seen = _Seen()
            names: tuple[str, ...] | None
            try:
                for marker in depends:
                    reader.marker(marker, None, seen, 0)
                names = tuple(sorted(seen.names))
            except _Unknown:
                names = None
            ctx.add_fact(ALIAS_FACT, (module + name, names))

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        if not node.decorator_list or ctx.class_name or is_test_path(ctx.path):
            return  # a class-based view's attributes may take the parameters
        routes = [
            d
            for d in node.decorator_list
            if isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in ROUTE_METHODS
            and ctx.is_app_or_router(d.func.value)
        ]
        for route in routes:
            self._check(node, route, ctx)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _check(self, node: FunctionNode, route: ast.Call, ctx: FileContext) -> None:
        path = route_path(route)
        if path is None:
            return
        text = str(path.value)
        if _CATCH_ALL.fullmatch(text.rstrip("/")):
            return  # ``/{full_path:path}``: a fallback (a single-page app) answering any URL
        wanted = list(dict.fromkeys(_PARAM.findall(text)))
        if not wanted:
            return
        reader = _Reader(ctx, annotated_dependency_aliases(ctx))
        seen = _Seen()
        try:
            reader.signature(node, seen, 0)
            reader.dependency_list(keyword_arg(route, "dependencies"), seen)
            assert isinstance(route.func, ast.Attribute)  # a route decorator
            reader.owner(route.func.value, seen)
        except _Unknown:
            return
        missing = tuple(name for name in wanted if name not in seen.names)
        if missing:
            span = ctx.span(path)
            ctx.add_fact(
                ROUTE_FACT,
                (
                    span.line,
                    span.column,
                    span.end_line,
                    span.end_column,
                    node.name,
                    missing,
                    tuple(sorted(seen.imported)),
                    _fix(node, list(missing), ctx),
                ),
            )

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        aliases: dict[str, list[tuple[str, tuple[str, ...] | None]]] = {}
        for path in project.python_files:
            for qualname, names in file_facts(project, path, ALIAS_FACT):
                aliases.setdefault(qualname.rpartition(".")[2], []).append((qualname, names))
        findings = []
        for path in project.python_files:
            for fact in file_facts(project, path, ROUTE_FACT):
                line, column, end_line, end_column, endpoint, missing, imported, fix = fact
                taken: set[str] = set()
                known = True
                for qualname in imported:
                    for alias, names in aliases.get(qualname.rpartition(".")[2], ()):
                        if same_qualname(alias, qualname):
                            if names is None:
                                known = False
                            else:
                                taken.update(names)
                left = [name for name in missing if name not in taken]
                if not known or not left:
                    continue
                findings.append(
                    project.finding(
                        self,
                        path,
                        line,
                        _message(endpoint, left),
                        column=column,
                        end_line=end_line,
                        end_column=end_column,
                        fix=fix if len(left) == len(missing) else None,
                    )
                )
        return findings


def _message(endpoint: str, missing: list[str]) -> str:
    shown = ", ".join(f"`{{{name}}}`" for name in missing)
    one = len(missing) == 1
    return (
        f"{shown} in the path of `{endpoint}` {'is' if one else 'are'} taken by no "
        f"parameter of the endpoint or of its dependencies: FastAPI never passes "
        f"{'it' if one else 'them'}; add `{missing[0]}` to the signature (or rename the "
        "parameter that was meant)"
    )


class _Reader:
    """Reads the parameter names a signature (and what it depends on) receives."""

    def __init__(self, ctx: FileContext, aliases: dict[str, list[ast.Call]]) -> None:
        self.ctx = ctx
        self.aliases = aliases
        self.defined: dict[str, ast.stmt] = {
            stmt.name: stmt
            for stmt in ctx.tree.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        # Module-level ``name = Something(...)``: an instance (its ``__call__``) or a
        # router (its ``dependencies=``).
        self.made: dict[str, ast.Call] = {}
        for stmt in ctx.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call)
            ):
                self.made[stmt.targets[0].id] = stmt.value

    def signature(self, function: FunctionNode, seen: _Seen, depth: int, skip: int = 0) -> None:
        if depth > _MAX_DEPTH or "path_params" in self.ctx.text(function):
            raise _Unknown  # too deep, or it reads ``request.path_params`` itself
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        defaults = parameter_defaults(args)
        for arg in [*positional[skip:], *args.kwonlyargs]:
            seen.names.add(arg.arg)
            markers: list[ast.expr] = []
            if arg.arg in defaults:
                markers.append(defaults[arg.arg])
            markers.extend(self._annotation_markers(arg.annotation, seen))
            for marker in markers:
                self.marker(marker, arg.annotation, seen, depth)

    def _annotation_markers(self, annotation: ast.expr | None, seen: _Seen) -> list[ast.expr]:
        ctx = self.ctx
        if annotation is None:
            return []
        if isinstance(annotation, ast.Subscript) and ctx.resolve(annotation.value) == (
            "typing.Annotated"
        ):
            inner = annotation.slice
            return list(inner.elts[1:]) if isinstance(inner, ast.Tuple) else []
        if isinstance(annotation, ast.Name) and annotation.id in self.aliases:
            found, _ = ctx.lookup(annotation.id)
            if found:
                return list(self.aliases[annotation.id])
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            resolved = ctx.resolve(annotation)
            local = isinstance(annotation, ast.Name) and annotation.id in self.defined
            if resolved and not resolved.endswith(")") and not _library(resolved) and not local:
                seen.imported.add(resolved)
        return []

    def marker(
        self, marker: ast.expr, annotation: ast.expr | None, seen: _Seen, depth: int
    ) -> None:
        ctx = self.ctx
        if not isinstance(marker, ast.Call):
            return
        called = ctx.resolve(marker.func)
        if called in _ALIASED:
            alias = keyword_arg(marker, "alias")
            if alias is not None:
                if isinstance(alias.value, ast.Constant) and isinstance(alias.value.value, str):
                    seen.names.add(alias.value.value)
                else:
                    raise _Unknown
            return
        if called not in DEPENDS_MARKERS:
            return
        target = marker.args[0] if marker.args else None
        if target is None:
            dependency = keyword_arg(marker, "dependency")
            target = dependency.value if dependency is not None else None
        if target is None:  # ``x: Pager = Depends()``: the annotation is called
            if isinstance(annotation, ast.Subscript):
                inner = annotation.slice
                target = inner.elts[0] if isinstance(inner, ast.Tuple) else None
            else:
                target = annotation
        if target is None:
            raise _Unknown
        self.callable(target, seen, depth + 1)

    def callable(self, target: ast.expr, seen: _Seen, depth: int) -> None:
        """The parameters FastAPI reads from calling ``target``."""
        ctx = self.ctx
        if isinstance(target, ast.Name):
            found, _ = ctx.lookup(target.id)
            local = (
                self.defined.get(target.id) if found and ctx.is_module_binding(target.id) else None
            )
            if isinstance(local, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.signature(local, seen, depth)
                return
            if isinstance(local, ast.ClassDef):
                self._class(local, "__init__", seen, depth)
                return
            made = self.made.get(target.id) if found else None
            if made is not None and isinstance(made.func, ast.Name):
                cls = self.defined.get(made.func.id)
                if isinstance(cls, ast.ClassDef):
                    self._class(cls, "__call__", seen, depth)
                    return
        if isinstance(target, ast.Call) and isinstance(target.func, ast.Name):
            found, _ = ctx.lookup(target.func.id)
            cls = self.defined.get(target.func.id) if found else None
            if isinstance(cls, ast.ClassDef):
                self._class(cls, "__call__", seen, depth)
                return
        resolved = ctx.resolve(target)
        if resolved is None or not _library(resolved):
            raise _Unknown  # defined in another file, or not a name
        # A library's callable (``OAuth2PasswordBearer(...)``): no path parameters.

    def _class(self, cls: ast.ClassDef, method: str, seen: _Seen, depth: int) -> None:
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == method:
                self.signature(stmt, seen, depth, skip=1)
                return
        if method == "__call__" or cls.bases:
            # No ``__call__`` (not a dependency FastAPI can call), or fields and an
            # ``__init__`` inherited from elsewhere (a Pydantic model, a dataclass...).
            fields = [
                s.target.id
                for s in cls.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
            if not fields:
                raise _Unknown
            for base in cls.bases:
                resolved = self.ctx.resolve(base)
                if resolved is None or not _library(resolved):
                    raise _Unknown  # inherited fields unknown
            seen.names.update(fields)
            return
        fields = [
            s.target.id
            for s in cls.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]
        seen.names.update(fields)  # a plain dataclass

    def dependency_list(self, keyword: ast.keyword | None, seen: _Seen) -> None:
        if keyword is None:
            return
        if not isinstance(keyword.value, (ast.List, ast.Tuple)):
            raise _Unknown
        for item in keyword.value.elts:
            if isinstance(item, ast.Call) and self.ctx.resolve(item.func) in DEPENDS_MARKERS:
                self.marker(item, None, seen, 0)
            else:
                raise _Unknown

    def owner(self, owner: ast.expr, seen: _Seen) -> None:
        """The router's (or app's) own ``dependencies=``; a router made in another file
        may have some: then nothing is known."""
        if not isinstance(owner, ast.Name):
            raise _Unknown
        made = self.made.get(owner.id)
        if made is None or not self.ctx.is_module_binding(owner.id):
            raise _Unknown
        self.dependency_list(keyword_arg(made, "dependencies"), seen)


def _library(qualname: str) -> bool:
    return qualname.split(".", 1)[0] in _LIBRARIES


def _fix(node: FunctionNode, missing: list[str], ctx: FileContext) -> Fix | None:
    """Add ``name: str`` where a parameter without a default may go."""
    added = ", ".join(f"{name}: str" for name in missing)
    args = node.args
    edit: Edit | None = None
    if args.posonlyargs:
        return None
    if args.kwonlyargs:
        edit = insert_before(ctx, args.kwonlyargs[0], f"{added}, ")
    elif args.args:
        first_default = len(args.args) - len(args.defaults)
        if first_default < len(args.args):
            edit = insert_before(ctx, args.args[first_default], f"{added}, ")
        else:
            edit = insert_after(ctx, args.args[-1], f", {added}")
    elif args.vararg is None and args.kwarg is None:
        start, _ = ctx.offsets(node)
        header = ctx.source.text[start:]
        match = re.match(r"(?:async\s+)?def\s+\w+\s*(?:\[[^\]]*\])?\s*\(\s*\)", header)
        if match is None:
            return None
        at = start + match.end() - 1
        edit = Edit(at, at, added)
    if edit is None:
        return None
    return ctx.fix(
        f"Add `{added}` to the signature",
        edit,
        safe=False,
        note="the parameter's type is a guess (`str`): FastAPI converts and validates "
        "the value by it, so choose the right one",
    )
