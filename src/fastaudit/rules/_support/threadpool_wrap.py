"""The fix shared by the blocking-call rules (ASY101-105, ASY109) and ASY108: hand a sync
call to a worker thread, ``requests.get(url, timeout=3)`` ->
``await run_in_threadpool(requests.get, url, timeout=3)``.

The call keeps its arguments, written as they were (only the text before the callee and
the opening parenthesis change), so comments and layout inside stay. It is refused
where ``await`` is not allowed or would change what the code means (see
:func:`wrap_refusal`). The fix is always unsafe: the call then runs on another thread,
and whatever it touches must allow that.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Set
from typing import TYPE_CHECKING

from fastaudit.engine import edit_builders
from fastaudit.engine.context import FileContext, module_name
from fastaudit.engine.walk import child_nodes
from fastaudit.model import Edit, Fix, Severity, Span

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView
    from fastaudit.project.source import SourceText

# Where ``run_in_threadpool`` may already be imported from; the first is what a fix adds.
_THREADPOOL = ("fastapi.concurrency", "starlette.concurrency")
# Calls whose arguments are meant to run in a thread: a call written in their arguments
# (``asyncio.to_thread(time.sleep(1))``) is a slip for passing the function itself.
_THREAD_HANDOFFS = frozenset(
    {
        *(f"{module}.run_in_threadpool" for module in _THREADPOOL),
        "asyncio.to_thread",
        "anyio.to_thread.run_sync",
    }
)

THREAD_NOTE = (
    "moves the call to a worker thread: whatever it touches (a sync Session, a "
    "connection, a client) must be safe to use from another thread, and other requests "
    "now run while it waits, so state it shares with them (module globals) may change "
    "in between; its result, exceptions and order stay the same"
)


def threadpool_fix(ctx: FileContext, call: ast.Call, alternative: str = "") -> Fix | None:
    """The unsafe fix running ``call`` through ``await run_in_threadpool(...)``, or None
    where that is refused (:func:`wrap_refusal`). ``alternative`` names the native async
    form the description points to (``httpx.AsyncClient``), "" when there is none."""
    if wrap_refusal(ctx, call) is not None:
        return None
    opening = _opening_parenthesis(ctx, call)
    if opening is None:
        return None
    name, import_edit = _threadpool_name(ctx)
    start, end = ctx.offsets(call)
    _, func_end = ctx.offsets(call.func)
    text = ctx.source.text
    after = text[opening + 1 : end]
    # ``f( x)`` keeps no blank before the first argument; ``f(  # why\n x)`` keeps its
    # comment and line break after the new comma.
    blanks = len(after) - len(after.lstrip(" \t"))
    rest = after[blanks:]
    if rest.startswith(")"):
        separator = ""
    elif rest.startswith(("#", "\n", "\r", "\\")):
        separator, blanks = ",", 0
    else:
        separator = ", "
    parenthesised = _needs_parentheses(ctx, call)
    head = f"{'(' if parenthesised else ''}await {name}("
    edits = [
        Edit(start, start, head),
        Edit(func_end, opening + 1 + blanks, separator),
        Edit(end, end, ")") if parenthesised else None,
        import_edit,
    ]
    callee = ctx.text(call.func)
    if alternative:
        where = f"; the async alternative is {alternative}"
    else:
        where = "; there is no async form, a thread is the way off the loop"
    return ctx.fix(
        f"Run `{callee}` in a worker thread with `await {name}(...)`{where}",
        *edits,
        safe=False,
        note=THREAD_NOTE,
    )


def wrap_refusal(ctx: FileContext, call: ast.Call) -> str | None:
    """Why ``call`` (in the ``async def`` being walked) cannot be awaited where it is,
    or None when it can. ``await`` is refused in a generator expression (it would become
    an async generator), a class body, a lambda or nested ``def`` (not a coroutine), an
    f-string (left to a person), on a call already awaited, on a call whose result is
    handed to a thread (``to_thread(f(x))`` meant ``to_thread(f, x)``), on a ``with``
    item (entering and leaving would stay on the loop), and when the call passes a
    ``func=`` keyword (``run_in_threadpool``'s own parameter)."""
    function = ctx.function
    if function is None or not function.is_async:
        return "not directly in an `async def`"
    path = _path_to(function.node, call)
    if path is None:
        return "the call could not be located in its function"
    for outer in path[1:-1]:
        if isinstance(outer, ast.GeneratorExp):
            return "inside a generator expression, `await` would make it an async generator"
        if isinstance(outer, (ast.ClassDef, ast.Lambda, ast.FunctionDef)):
            return "inside a class body, lambda or nested `def`, where `await` is not allowed"
        if isinstance(outer, ast.JoinedStr):
            return "inside an f-string"
    parent = path[-2] if len(path) > 1 else None
    if isinstance(parent, ast.Await):
        return "the call is already awaited"
    if isinstance(parent, ast.withitem) and parent.context_expr is call:
        return "a `with` item: entering and leaving it would still run on the event loop"
    if isinstance(parent, ast.Call) and call is not parent.func and _hands_to_thread(ctx, parent):
        return "its result is handed to a thread: pass the function and its arguments instead"
    if any(keyword.arg == "func" for keyword in call.keywords):
        return "a `func=` argument would clash with `run_in_threadpool`'s own"
    return None


# ---------------------------------------------------------------------- ASY108's facts
def wrap_fixes(view: ProjectView, wanted: dict[str, set[Span]]) -> dict[str, dict[Span, Fix]]:
    """ASY108's wraps of the calls at the spans ``wanted`` in each file. The project
    pass has no syntax tree, and noting a wrap for every call of every ``async def``
    while walking cost a tenth of the walk for the few that are reported: each file
    with a finding is parsed again and walked for just those calls, once, on the
    scan's workers when they are still running (``ProjectView.map_files``)."""
    found: dict[str, dict[Span, Fix]] = {}
    work: list[tuple[SourceText, str, frozenset[Span]]] = []
    keys: dict[str, tuple[str, str]] = {}
    for path, spans in wanted.items():
        if not spans:
            found[path] = {}
            continue
        # A wrap depends on the file's bytes and the spans alone: kept by content
        # between runs, so an edit elsewhere does not parse and walk every file with a
        # finding again. The wraps' edits are offsets into this text: a pass kept for
        # later runs must be run again when it changes, read now or found by digest.
        view.uses(path)
        outcome = view.outcomes.get(path)
        digest = outcome.digest if outcome is not None else ""
        variant = "ASY108-wraps " + repr(
            sorted((s.line, s.column, s.end_line, s.end_column) for s in spans)
        )
        if view.derived is not None and digest:
            kept = view.derived.get(path, variant, digest)
            if isinstance(kept, dict):
                found[path] = kept
                continue
        source = view.read_text(path)
        if source is None:
            found[path] = {}
            continue
        work.append((source, path, frozenset(spans)))
        if view.derived is not None and digest and source.digest == digest:
            keys[path] = (variant, digest)
    for (_, path, _), wraps in zip(work, view.map_files(_wraps_of, work), strict=True):
        found[path] = wraps
        if path in keys and view.derived is not None:
            view.derived.put(path, *keys[path], wraps)
    return found


def _wraps_of(item: tuple[SourceText, str, frozenset[Span]]) -> dict[Span, Fix]:
    """``_wraps_in`` of one file's work (a worker's unit: one picklable argument)."""
    return _wraps_in(*item)


def _wraps_in(source: SourceText, path: str, spans: Set[Span]) -> dict[Span, Fix]:
    try:
        with warnings.catch_warnings():  # the audited code's warnings are not ours
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}  # newer syntax, lowered for the walk: no fix is offered on it
    module, is_package = module_name(path)
    ctx = FileContext(path, source, tree, module, is_package)
    collector = _WrapsAt(spans)
    ctx.run({ast.Call: [(collector, _WrapsAt.visit_Call)]}, [collector])
    return collector.found


class _WrapsAt:
    """Walks a file for the wraps of the calls at given spans (a rule-shaped visitor the
    engine can run; it reports nothing)."""

    id = title = family = ""
    severity = Severity.INFO

    def __init__(self, spans: Set[Span]) -> None:
        self.spans = spans
        self.found: dict[Span, Fix] = {}

    def visit_Call(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        span = ctx.span(node)
        if span in self.spans:
            fix = threadpool_fix(ctx, node)
            if fix is not None:
                self.found[span] = fix

    def finish(self, ctx: FileContext) -> None:
        """Nothing to settle once the file is walked."""


# ----------------------------------------------------------------------------- helpers
def _threadpool_name(ctx: FileContext) -> tuple[str, Edit | None]:
    """The expression naming ``run_in_threadpool`` at the call, and the import to add
    (None when fastapi's or starlette's is already in reach)."""
    found, value = ctx.lookup("run_in_threadpool")
    if found and value in _THREAD_HANDOFFS:
        return "run_in_threadpool", None
    for module in _THREADPOOL[1:]:
        existing = ctx.imported_as(f"{module}.run_in_threadpool")
        if existing is not None:
            return existing, None
    return edit_builders.ensure_import(
        ctx, _THREADPOOL[0], "run_in_threadpool", beside=_THREADPOOL[0].split(".")[0]
    )


def _hands_to_thread(ctx: FileContext, call: ast.Call) -> bool:
    return hands_to_thread(ctx.resolve(call.func), call)


def hands_to_thread(callee: str | None, call: ast.Call) -> bool:
    """Whether ``call`` (to ``callee``, as resolved) runs what it is given in a worker
    thread: ``run_in_threadpool``, ``asyncio.to_thread``, ``anyio.to_thread.run_sync``,
    or ``loop.run_in_executor`` whatever ``loop`` resolves to."""
    if callee in _THREAD_HANDOFFS:
        return True
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "run_in_executor"


def _needs_parentheses(ctx: FileContext, call: ast.Call) -> bool:
    """``await`` binds looser than attribute access, subscription and calls:
    ``requests.get(u).json()`` becomes ``(await run_in_threadpool(...)).json()``."""
    parent = ctx.parent
    if isinstance(parent, (ast.Attribute, ast.Subscript)):
        return parent.value is call
    return isinstance(parent, ast.Call) and parent.func is call


def _opening_parenthesis(ctx: FileContext, call: ast.Call) -> int | None:
    """Offset of the call's ``(``; None when anything but blanks stands between the
    callee and it, or before the callee (a parenthesised callee: left alone)."""
    start, end = ctx.offsets(call)
    func_start, func_end = ctx.offsets(call.func)
    if func_start != start:
        return None
    text = ctx.source.text
    position = func_end
    while position < end and text[position] in " \t":
        position += 1
    return position if position < end and text[position] == "(" else None


def _path_to(root: ast.AST, target: ast.AST) -> list[ast.AST] | None:
    """The nodes from ``root`` down to ``target``, both included, descending only into
    children whose position holds ``target`` (nodes without a position are searched)."""
    path = [root]
    node = root
    while node is not target:
        for child in child_nodes(node):
            if _holds(child, target):
                path.append(child)
                node = child
                break
        else:
            return None
    return path


def _holds(node: ast.AST, target: ast.AST) -> bool:
    if node is target:
        return True
    line = getattr(node, "lineno", None)
    if line is None:  # ``arguments``, ``comprehension``, ``withitem``: search inside
        return any(_holds(child, target) for child in child_nodes(node))
    first = (line, node.col_offset)  # type: ignore[attr-defined]  # located: has lineno
    last = (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]  # located
    wanted = (target.lineno, target.col_offset)  # type: ignore[attr-defined]  # a call
    wanted_end = (target.end_lineno, target.end_col_offset)  # type: ignore[attr-defined]  # a call
    return bool(first <= wanted and wanted_end <= last)
