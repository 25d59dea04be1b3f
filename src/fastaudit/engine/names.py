"""Name resolution: what a name in a file refers to, without importing anything.

Bindings map a local name to a symbolic value:

* an import gives the qualified name it refers to: ``rq`` -> ``"requests"``,
  ``sleep`` -> ``"time.sleep"``, ``D`` -> ``"fastapi.Depends"``;
* a value produced by calling something gets ``"()"`` appended:
  ``SessionLocal = sessionmaker()`` -> ``"sqlalchemy.orm.sessionmaker()"``, and a
  parameter annotated ``db: Session`` -> ``"sqlalchemy.orm.Session()"``;
* a local definition the resolver knows nothing useful about is ``None``: it shadows
  any outer binding of the same name (a local ``async def sleep()`` is not ``time.sleep``).
"""

from __future__ import annotations

import ast
import builtins
import warnings
from collections.abc import Callable, Iterator

BUILTIN_NAMES = frozenset(dir(builtins))

# What an expression refers to, as a qualified name (``FileContext.resolve``), or None.
Resolve = Callable[[ast.AST | None], str | None]

# Several public paths lead to the same object; rules match on one spelling.
CANONICAL = {
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.scoping.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.engine.create.create_engine": "sqlalchemy.create_engine",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.param_functions.Depends": "fastapi.Depends",
    "starlette.background.BackgroundTasks": "fastapi.BackgroundTasks",
    "pydantic.main.BaseModel": "pydantic.BaseModel",
    "typing_extensions.Annotated": "typing.Annotated",
    "typing_extensions.Optional": "typing.Optional",
    "os.path.exists": "os.path.exists",
    "urllib.request.urlopen": "urllib.request.urlopen",
}


def canonical(name: str) -> str:
    return CANONICAL.get(name, name)


def same_qualname(a: str, b: str) -> bool:
    """``src.app.routes.router`` and ``app.routes.router`` name one object (src layout)."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


class Scope:
    """One Python scope: module, class, function or lambda."""

    __slots__ = ("bindings", "kind", "name", "node")

    def __init__(self, kind: str, node: ast.AST | None = None, name: str = "") -> None:
        self.kind = kind  # "module" | "class" | "function"
        self.node = node
        self.name = name
        self.bindings: dict[str, str | None] = {}


def absolute_module(module: str | None, level: int, current_module: str, is_package: bool) -> str:
    """Turn ``from ..x import y`` into an absolute dotted module, relative to the file."""
    if level == 0:
        return module or ""
    parts = current_module.split(".") if current_module else []
    if not is_package and parts:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if module:
        return f"{base}.{module}" if base else module
    return base


def bind_import(
    scope: Scope, node: ast.Import | ast.ImportFrom, current_module: str, is_package: bool
) -> None:
    bindings = scope.bindings
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bindings[alias.asname] = alias.name
            else:
                head = alias.name.partition(".")[0]
                bindings[head] = head
        return
    module = absolute_module(node.module, node.level, current_module, is_package)
    for alias in node.names:
        if alias.name == "*":
            continue
        target = f"{module}.{alias.name}" if module else alias.name
        bindings[alias.asname or alias.name] = canonical(target)


def parameter_defaults(args: ast.arguments) -> dict[str, ast.expr]:
    """Each parameter's default, by name (positional ones take the last defaults;
    keyword-only ones without a default are left out)."""
    positional = [*args.posonlyargs, *args.args]
    with_default = positional[len(positional) - len(args.defaults) :]
    defaults = {a.arg: d for a, d in zip(with_default, args.defaults, strict=True)}
    defaults.update(
        {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None}
    )
    return defaults


def assigned_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names: list[str] = []
        for element in target.elts:
            names.extend(assigned_names(element))
        return names
    if isinstance(target, ast.Starred):
        return assigned_names(target.value)
    return []


def collect_module_bindings(
    tree: ast.Module, scope: Scope, current_module: str, is_package: bool, resolve: Resolve
) -> None:
    """Bind names defined at module level, wherever they appear in the file.

    Function bodies run after the whole module has been executed, so a module-level
    import below a function still counts inside it. Only statements are visited here
    (not expressions), so this stays cheap.
    """
    bindings = scope.bindings
    for stmt in _module_statements(tree.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bind_import(scope, stmt, current_module, is_package)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bindings[stmt.name] = None
        elif isinstance(stmt, ast.ClassDef):
            bindings[stmt.name] = f"{current_module}.{stmt.name}" if current_module else stmt.name
        elif isinstance(stmt, ast.Assign):
            value = value_of(stmt.value, resolve)
            for target in stmt.targets:
                for name in assigned_names(target):
                    bindings[name] = value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            bindings[stmt.target.id] = (
                value_of(stmt.value, resolve)
                if stmt.value is not None
                else annotation_value(stmt.annotation, resolve)
            )


_BLOCKS = (ast.If, ast.Try, ast.TryStar, ast.With, ast.For, ast.While)


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements at module level, in order, including those inside blocks:
    conditional imports (``if TYPE_CHECKING:``, ``try: import ujson``) still bind."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, _BLOCKS):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_statements(getattr(stmt, field, None) or [])
            for handler in getattr(stmt, "handlers", None) or []:
                yield from _module_statements(handler.body)


def value_of(value: ast.expr | None, resolve: Resolve) -> str | None:
    """The symbolic value an assignment binds: calls of known things are tracked."""
    if value is None:
        return None
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call):
        callee = resolve(value.func)
        return f"{callee}()" if callee else None
    if isinstance(value, (ast.Name, ast.Attribute)):
        return resolve(value)
    return None


def annotation_value(annotation: ast.expr | None, resolve: Resolve) -> str | None:
    """The instance type an annotation promises: ``Session``, ``Annotated[Session, ...]``,
    ``Session | None`` and ``Optional[Session]`` all give ``"sqlalchemy.orm.Session()"``."""
    if annotation is None:
        return None  # most parameters: asked of each as its function is entered
    node = annotation
    for _ in range(4):  # unwrap a few layers of Annotated/Optional/union
        if isinstance(node, ast.Subscript):
            outer = resolve(node.value)
            if outer in ("typing.Annotated", "typing.Optional"):
                inner = node.slice
                node = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                continue
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            if isinstance(node.right, ast.Constant) and node.right.value is None:
                node = node.left
                continue
            if isinstance(node.left, ast.Constant) and node.left.value is None:
                node = node.right
                continue
            return None
        break
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            with warnings.catch_warnings():  # the audited code's warnings are not ours
                warnings.simplefilter("ignore")
                node = ast.parse(node.value, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            # MemoryError: how the parser reports a string like "----...1" nested too deep.
            return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        target = resolve(node)
        return f"{target}()" if target else None
    return None
