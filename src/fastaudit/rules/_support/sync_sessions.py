"""Synchronous database sessions and the dependencies that hand them out.

ASY104 (a sync session used in async code) and DBS101 (a sync engine in an async app)
both need to know which values are sync database handles and which project functions
provide a sync session to `Depends(...)`.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator

from fastaudit.engine.context import FileContext
from fastaudit.engine.names import CANONICAL, annotation_value
from fastaudit.engine.walk import child_nodes, own_statements

# Values (see engine.names) that are synchronous database handles.
SYNC_DB_HANDLES = (
    "sqlalchemy.orm.Session()",
    "sqlalchemy.orm.sessionmaker()()",
    "sqlalchemy.orm.scoped_session()",
    "sqlalchemy.create_engine()",
    "sqlmodel.Session()",
    "sqlmodel.create_engine()",
    "psycopg2.connect()",
    "psycopg.connect()",
    "psycopg.Connection.connect()",
    "sqlite3.connect()",
    "pymysql.connect()",
    "mysql.connector.connect()",
    "pymongo.MongoClient()",
)


# Fact: the qualified name of a module-level function that provides a sync session.
SYNC_SESSION_PROVIDER = "sync-session-provider"
# What a provider's return annotation names when it hands out a sync session.
_SYNC_SESSIONS = SYNC_DB_HANDLES[:3]
# Calls that make a sync session: ``Session(engine)``, ``SessionLocal()`` where
# ``SessionLocal = sessionmaker(...)``.
_SESSION_FACTORIES = frozenset(
    {"sqlalchemy.orm.Session", "sqlalchemy.orm.sessionmaker()", "sqlmodel.Session"}
)


def note_sync_session_provider(
    node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> None:
    """A module-level function that returns or yields a sync session (by its return
    annotation, or by what it yields) is a provider other files may depend on: noted
    as a ``SYNC_SESSION_PROVIDER`` fact (ASY104 and DBS101 read it)."""
    if ctx.function is not None or ctx.class_name is not None:
        return
    if not _mentions_an_orm(ctx.source.text):
        return  # no session factory or type can be named here: skip the body's walk
    key = (SYNC_SESSION_PROVIDER, id(node))
    if key in ctx.memo:
        return  # ASY104 and DBS101 both ask; the first noted the answer
    ctx.memo[key] = node
    qualname = ctx.qualify(node.name)
    returns = annotation_value(generator_item(node.returns, ctx), ctx.resolve)
    if returns is not None and returns.startswith(_SYNC_SESSIONS):
        ctx.add_fact(SYNC_SESSION_PROVIDER, qualname)
        return
    if not _may_make_sessions(ctx):
        return  # no call in it can resolve to a session factory: skip the body's walk
    for value in _handed_out(node, ctx):
        if isinstance(value, ast.Call) and ctx.resolve(value.func) in _SESSION_FACTORIES:
            ctx.add_fact(SYNC_SESSION_PROVIDER, qualname)
            return
        if isinstance(value, ast.Name) and _bound_to_session(node, value.id, ctx):
            ctx.add_fact(SYNC_SESSION_PROVIDER, qualname)
            return


_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _handed_out(
    function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> Iterator[ast.expr]:
    """What ``function``'s own body returns or yields. Every node is looked at only when
    its text says ``yield`` (an expression, found anywhere); otherwise the statements
    are enough, as ``return`` is one, and the expressions between them are skipped."""
    start, end = ctx.offsets(function)
    if ctx.source.text.find("yield", start, end) != -1:
        for inner in _own_nodes(function):
            if isinstance(inner, (ast.Yield, ast.Return)) and inner.value is not None:
                yield inner.value
        return
    for node in own_statements(function.body):
        if isinstance(node, ast.Return) and node.value is not None:
            yield node.value


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of ``function``'s own body: a nested def's ``return`` is not its own."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _NESTED_SCOPES):
            stack.extend(child_nodes(node))


def _may_make_sessions(ctx: FileContext) -> bool:
    """Whether a call a module-level function returns may resolve to one of
    ``_SESSION_FACTORIES``. The provider is read where the def stands, so its names
    resolve from the module's bindings: one of them must lead to a factory (an import of
    it or of its module, ``SessionLocal = sessionmaker()``). A module importing its
    session factory from the project's own module (``from app.db import SessionLocal``)
    makes none here. Kept per file."""
    key = ("binds-session-factories",)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = any(
            value is not None
            and any(root.startswith(value) or value.startswith(root) for root in _FACTORY_ROOTS)
            for value in ctx.module_values()
        )
    return bool(found)


# The session factories as a module-level value may lead to them (calls dropped: a
# ``sessionmaker()`` instance is reached from ``sqlalchemy.orm.sessionmaker``), under
# the names they are also imported by (``sqlalchemy.orm.session.Session``).
_FACTORY_CLASSES = ("sqlalchemy.orm.Session", "sqlalchemy.orm.sessionmaker", "sqlmodel.Session")
_FACTORY_ROOTS = _FACTORY_CLASSES + tuple(
    sorted(alias for alias, name in CANONICAL.items() if name in _FACTORY_CLASSES)
)


@functools.lru_cache(maxsize=8)
def _mentions_an_orm(text: str) -> bool:
    """Whether a file could name a sync session at all. Asked for every module-level
    function of every file; cached per text (its hash is computed once per string)."""
    return "sqlalchemy" in text or "sqlmodel" in text


def generator_item(annotation: ast.expr | None, ctx: FileContext) -> ast.expr | None:
    """``Generator[Session, None, None]`` / ``Iterator[Session]`` -> ``Session``."""
    if isinstance(annotation, ast.Subscript):
        outer = ctx.resolve(annotation.value) or ""
        if outer.rsplit(".", 1)[-1] in ("Generator", "Iterator", "Iterable"):
            inner = annotation.slice
            return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    return annotation


def _bound_to_session(
    function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, ctx: FileContext
) -> bool:
    """``db = SessionLocal()`` or ``with Session(engine) as db`` inside ``function``
    (statements only: both are, or belong to, one)."""
    for node in own_statements(function.body, nested=True):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                value = node.value
                if isinstance(value, ast.Call) and ctx.resolve(value.func) in _SESSION_FACTORIES:
                    return True
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                value = item.context_expr
                if (
                    isinstance(item.optional_vars, ast.Name)
                    and item.optional_vars.id == name
                    and isinstance(value, ast.Call)
                    and ctx.resolve(value.func) in _SESSION_FACTORIES
                ):
                    return True
    return False
