"""Shared by the ASY rules: the blocking-call detector of ASY101-105 and ASY109, and the
walk state of ASY106/ASY107 (which sync functions make no call that could block, and
which names ``Depends(...)`` refers to)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import ClassVar

from fastaudit.engine.context import FileContext, shared_visitor
from fastaudit.engine.walk import walk
from fastaudit.model import Fix, Span
from fastaudit.rules._support.route_calls import (
    DEPENDS_MARKERS,
    HTTP_EXCEPTIONS,
    keyword_arg,
    may_name_markers,
)
from fastaudit.rules._support.threadpool_wrap import threadpool_fix
from fastaudit.rules.base import Rule


class BlockingCallRule(Rule):
    """Shared detector: a call whose callee resolves to one of ``blocking``."""

    # Exact qualified callees that block.
    blocking: ClassVar[frozenset[str]] = frozenset()
    # Callees that block when the part before the last dot starts with one of these
    # values (``"sqlalchemy.orm.Session()"``), and the method is in ``methods``.
    receivers: ClassVar[tuple[str, ...]] = ()
    methods: ClassVar[frozenset[str]] = frozenset()
    what: ClassVar[str] = "blocks the event loop"
    # What the blocked loop waits on, as ASY108 names it in a chain ("a sync HTTP call").
    kind: ClassVar[str] = ""
    # Whether an async alternative exists (an async client, AsyncSession); CPU-bound work
    # such as password hashing can only be moved to a thread.
    has_async_form: ClassVar[bool] = True
    # The native async form the fix's description points to ("" when there is none).
    async_alternative: ClassVar[str] = ""
    fix_safety = (
        "Unsafe: the fix wraps the call in `await run_in_threadpool(...)`, which moves it "
        "to a worker thread. Whatever the call touches (a sync Session, a connection, a "
        "client) must be safe to use from another thread, and other requests run while it "
        "waits (state shared with them may change in between); its result, exceptions "
        "and order stay the same. No fix is offered where `await` is not allowed or would "
        "change the meaning (a generator expression, a class body, an f-string, a `with` "
        "item, a call already awaited or handed to a thread), nor where the call returns "
        "a handle whose later use would still block, or a lazy iterator (`Path.rglob`, "
        "`os.walk`, `os.scandir`) that would still read the folder on the loop as it is "
        "iterated."
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not ctx.in_async_body:
            return
        callee = ctx.resolve(node.func)
        if callee is None or not self.matches(callee, node):
            return
        written = ctx.text(node.func)
        shown = f"`{written}`" if written == callee else f"`{written}` (`{callee}`)"
        function = ctx.function
        assert function is not None
        ctx.report(
            node,
            f"{shown} {self.what} inside `{function.kind} {function.name}`",
            fix=self.make_fix(node, ctx),
        )

    def matches(self, callee: str, node: ast.Call) -> bool:
        if callee in self.blocking:
            return True
        if self.receivers:
            receiver, _, method = callee.rpartition(".")
            return method in self.methods and receiver.startswith(self.receivers)
        return False

    def make_fix(self, node: ast.Call, ctx: FileContext) -> Fix | None:
        callee = ctx.resolve(node.func)
        if callee is None or not self.wrappable(callee, node):
            return None
        return threadpool_fix(ctx, node, self.async_alternative)

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        """Whether running this call in a thread takes the blocking work off the loop:
        not when it returns a handle (an open file, a child process) whose later use
        blocks unseen, or an object bound to the thread that made it."""
        return True


def def_header(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
    """A stand-in node to report at, spanning the ``def name`` header, which no
    single node of the tree covers (only its position is ever read)."""
    keyword = "async def " if isinstance(node, ast.AsyncFunctionDef) else "def "
    width = len((keyword + node.name).encode("utf-8"))
    return ast.Pass(
        lineno=node.lineno,
        col_offset=node.col_offset,
        end_lineno=node.lineno,
        end_col_offset=node.col_offset + width,
    )


_PURE_BUILTINS = frozenset(
    f"builtins.{name}"
    for name in (
        "len", "int", "str", "float", "bool", "dict", "list", "set", "tuple", "frozenset",
        "bytes", "isinstance", "issubclass", "min", "max", "sum", "sorted", "reversed", "any",
        "all", "range", "enumerate", "zip", "abs", "round", "getattr", "hasattr", "repr", "map",
        "filter", "divmod", "hash", "iter", "next", "format", "type", "callable", "chr", "ord",
    )
)  # fmt: skip
_PURE_CALLEES = _PURE_BUILTINS | HTTP_EXCEPTIONS
# The key derivation functions of ``hashlib``: slow on purpose (ASY109), so not the
# cheap work a route could do on the loop, though the rest of the module is.
HASHLIB_KDFS = frozenset({"hashlib.pbkdf2_hmac", "hashlib.scrypt"})
_PURE_MODULES = (
    "math.", "re.", "json.", "uuid.", "hmac.", "secrets.", "hashlib.", "base64.", "string.",
    "itertools.", "functools.", "operator.", "datetime.", "decimal.", "enum.", "typing.",
    "collections.", "dataclasses.", "textwrap.", "fractions.", "zoneinfo.", "ipaddress.",
    "urllib.parse.", "fastapi.status.", "starlette.status.",
)  # fmt: skip
_PURE_RECEIVERS = (
    *(f"builtins.{t}()." for t in ("str", "dict", "list", "set", "tuple", "int", "float")),
    "fastapi.Request().headers.", "fastapi.Request().query_params.",
    "fastapi.Request().cookies.", "fastapi.Request().path_params.", "fastapi.Request().url.",
)  # fmt: skip
# Methods that are string manipulation whatever the receiver (never I/O).
_STRING_METHODS = frozenset(
    {
        "split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title",
        "capitalize", "startswith", "endswith", "replace", "removeprefix", "removesuffix",
        "partition", "rpartition", "isdigit", "isalnum", "isalpha", "splitlines", "zfill",
    }
)  # fmt: skip


def _pure_call(node: ast.Call, ctx: FileContext) -> bool:
    """True for calls that certainly do no I/O: builtins, pure stdlib modules, the
    file's own classes, methods of plain values, ``HTTPException``."""
    callee = ctx.resolve(node.func)
    if callee is None:
        func = node.func
        return isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS
    if callee in HASHLIB_KDFS:
        return False
    if callee in _PURE_CALLEES or callee.startswith(_PURE_MODULES + _PURE_RECEIVERS):
        return True
    if callee.startswith("builtins.") and callee.endswith(("Error", "Exception", "Warning")):
        return True
    func = node.func
    # A class defined in this module: building an object does no I/O.
    return isinstance(func, ast.Name) and callee == (ctx.qualify(func.id))


@dataclass(slots=True)
class _SyncFunction:
    node: ast.FunctionDef
    route: ast.Call | None
    module_level: bool
    pure: bool = True


def _reads_self(node: ast.FunctionDef) -> bool:
    """Whether a method reads an attribute of its first parameter (``self.user``): in a
    class-based view that is a dependency the class declares, or a property whose body
    (a query, say) the route's own body does not show."""
    params = [*node.args.posonlyargs, *node.args.args]
    if not params:
        return False
    first = params[0].arg
    return any(
        isinstance(inner, ast.Attribute)
        and isinstance(inner.value, ast.Name)
        and inner.value.id == first
        for statement in node.body
        for inner in walk(statement)
    )


@dataclass(slots=True)
class SyncFacts:
    """What ``SyncFunctionFacts`` notes in one file."""

    # id() of each sync function being walked -> what is known of it so far.
    frames: dict[int, _SyncFunction] = field(default_factory=dict)
    pure_functions: dict[str, tuple[Span, _SyncFunction]] = field(default_factory=dict)
    pure_routes: list[tuple[Span, _SyncFunction]] = field(default_factory=list)
    local_refs: set[str] = field(default_factory=set)
    imported_refs: set[str] = field(default_factory=set)
    # Whether a call here may be ``Depends(...)`` at all (``may_name_markers``).
    names_markers: bool = True


_SYNC_FACTS = ("sync-function-facts",)


class SyncFunctionFacts:
    """Walk state shared by ASY106/ASY107 and their project pass: which sync functions
    make no call that could block, and which names ``Depends(...)`` refers to. The two
    rules note the same: their handlers are shared (called once a node, whichever of
    them runs) and note into one record of the file, ``sync_facts``."""

    @staticmethod
    def sync_facts(ctx: FileContext) -> SyncFacts:
        found: SyncFacts | None = ctx.memo.get(_SYNC_FACTS)
        if found is None:
            found = ctx.memo[_SYNC_FACTS] = SyncFacts(names_markers=may_name_markers(ctx))
        return found

    @staticmethod
    def _frame(facts: SyncFacts, ctx: FileContext) -> _SyncFunction | None:
        function = ctx.function
        return facts.frames.get(id(function.node)) if function is not None else None

    @shared_visitor
    def _taint(self, node: ast.AST, ctx: FileContext) -> None:
        """A nested def, class or lambda: too clever to judge, the outer stays as is."""
        frame = self._frame(self.sync_facts(ctx), ctx)
        if frame is not None:
            frame.pure = False

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _taint

    @shared_visitor
    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        facts = self.sync_facts(ctx)
        if id(node) in facts.frames:
            return  # noted already: a rule overriding this handler calls it too
        frame = self._frame(facts, ctx)
        if frame is not None:
            frame.pure = False
        module_level = ctx.function is None and ctx.class_name is None
        facts.frames[id(node)] = _SyncFunction(node, ctx.route_decorator(node), module_level)

    @shared_visitor
    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        facts = self.sync_facts(ctx)
        if facts.names_markers and ctx.resolve(node.func) in DEPENDS_MARKERS:
            target = (
                node.args[0]
                if node.args
                else getattr(keyword_arg(node, "dependency"), "value", None)
            )
            if isinstance(target, ast.Name):
                found, value = ctx.lookup(target.id)
                if found and value is None:
                    facts.local_refs.add(target.id)
                elif value is not None and not value.endswith("()"):
                    facts.imported_refs.add(value)
        frame = self._frame(facts, ctx)
        if frame is not None and frame.pure and not _pure_call(node, ctx):
            frame.pure = False

    @shared_visitor
    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        facts = self.sync_facts(ctx)
        frame = facts.frames.pop(id(node), None)
        if frame is None or not frame.pure:
            return
        span = ctx.span(def_header(node))
        if frame.route is not None and ctx.class_name is not None and _reads_self(node):
            return  # a class-based view: ``self.group`` may be a property that queries
        if frame.route is not None:
            facts.pure_routes.append((span, frame))
        elif frame.module_level:
            facts.pure_functions[node.name] = (span, frame)
