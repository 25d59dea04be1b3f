"""Functions the app runs only at start-up or shutdown, never while serving.

Uvicorn runs the lifespan's start-up (and ``on_startup`` handlers) before it accepts a
connection, and its shutdown after the last one: a blocking call there delays the start
or the stop, and stalls no request. The blocking rules (``blocking_rules``) say nothing
inside such a function. Which functions those are:

* the handlers the app names (``STARTUP_HANDLER_FACT``: ``lifespan=``, ``on_startup``,
  ``@app.on_event("startup")``);
* and every ``async def`` whose callers, all of them, are such functions (the lifespan
  awaiting ``init_extensions()``) or never run on the server's loop either (a command of
  a command-line program, a function of a script), following ASY108's call graph.

An ``async def`` with a caller the graph does not know, or none at all (a route, a task
scheduled by reference), or handed to a task (``asyncio.create_task(poll())`` in the
lifespan: it runs on while serving), is not one of them.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import TYPE_CHECKING

from fastaudit.engine.layout import (
    ASYNC_DEF_SPAN_FACT,
    CLI_COMMAND_FACT,
    STARTUP_HANDLER_FACT,
    is_test_path,
)
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules.async_code._reach import SPAWNED_FACT, Graph, best_matches, matchers, tail

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

Spans = dict[str, list[tuple[int, int]]]


@cache
def blocking_rules() -> frozenset[str]:
    """The rules about a blocking call on the event loop, written or reached."""
    return frozenset(matchers()) | {"ASY108"}


def startup_spans(view: ProjectView, off_loop: Collection[str] = ()) -> Spans:
    """Path -> (first line, last line) of each module-level ``async def`` that only the
    app's start-up or shutdown runs. ``off_loop``: the files that never run on the
    server's loop, whose functions may be the other callers."""
    handlers: set[str] = set()
    defs: dict[str, list[tuple[str, tuple[str, int, int]]]] = {}
    elsewhere: set[str] = set()  # defs of command-line commands and of off-loop files
    for path in view.python_files:
        if is_test_path(path):
            continue
        handlers.update(file_facts(view, path, STARTUP_HANDLER_FACT))
        commands = {tuple(span) for span in file_facts(view, path, CLI_COMMAND_FACT)}
        for qualname, first, last in file_facts(view, path, ASYNC_DEF_SPAN_FACT):
            defs.setdefault(tail(qualname), []).append((qualname, (path, first, last)))
            if path in off_loop or (first, last) in commands:
                elsewhere.add(qualname)
    if not handlers:
        return {}
    startup = {qualname for handler in handlers for qualname, _ in best_matches(defs, handler)}
    if startup:
        graph = Graph.of(view)
        elsewhere |= {
            function.qualname for function in graph.functions if function.path in off_loop
        }
        spawned = {
            callee for path in view.python_files for callee in file_facts(view, path, SPAWNED_FACT)
        }
        startup |= _only_called_from(startup, elsewhere, spawned, graph)
    spans: Spans = {}
    for entries in defs.values():
        for qualname, (path, first, last) in entries:
            if qualname in startup:
                spans.setdefault(path, []).append((first, last))
    return spans


def _only_called_from(
    start: set[str], elsewhere: set[str], spawned: set[str], graph: Graph
) -> set[str]:
    """The ``async def``s with a caller in ``start`` (or found so) and every other in
    ``start``, in ``elsewhere`` (never on the server's loop) or found so, to a fixed
    point. A command's own helper, with no start-up caller, is not start-up's; nor is a
    coroutine handed to a task (``spawned``: a listener the lifespan starts runs on
    while serving)."""
    callers: dict[str, set[str]] = {}
    for callee in spawned:
        for target in graph.async_targets(callee):
            callers.setdefault(target, set()).add("<task>")
    for _, (qualname, _, calls) in graph.async_defs:
        for call in calls:
            for target in graph.async_targets(call[0]):
                callers.setdefault(target, set()).add(qualname or "<nested>")
    for function in graph.functions:
        for callee, _, _ in function.calls:
            for target in graph.async_targets(callee):
                callers.setdefault(target, set()).add(function.qualname)
    found = set(start)
    changed = True
    while changed:
        changed = False
        for target, by in callers.items():
            if target not in found and by & found and by <= found | elsewhere:
                found.add(target)
                changed = True
    return found - start
