"""ASY108's project pass: the call graph of the project's sync functions, joined from the
facts each file's walk noted, and the values callees are called on.

A callee is noted as the walk resolved it, with ``()`` marking a value a call made:
``app.db.SessionLocal().query`` (``SessionLocal`` imported from ``app.db``),
``app.svc.Service().repo.save`` (an attribute of a ``self``), ``app.deps.get_repo().get``
(a parameter filled by ``Depends(get_repo)``). Only the project pass knows what those
values are, from other files' facts: what a module-level name holds
(``sessionmaker()``), what a class's attribute holds (set in ``__init__`` or annotated
on the class), what a function returns or yields (its annotation, or the one value its
``return``/``yield`` statements give), and which classes a class inherits from.
:meth:`Graph.value` rewrites the callee with them, left to right, until it names a
library call (``sqlalchemy.orm.sessionmaker()().query``: blocking) or a project function
(``app.repo.Repo.save``).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from collections import deque
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from fastaudit.engine.names import same_qualname
from fastaudit.rules import all_rules
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules.async_code._shared import BlockingCallRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

_T = TypeVar("_T")

# How many sync project functions a chain may pass through: the async function's callee
# is the first. Deeper chains are rarer and harder to read in a message.
MAX_DEPTH = 4
# How many rewrites one callee may take (each replaces one value): bounds a cycle of
# attributes or return values (``A().b`` holds ``B()``, ``B().a`` holds ``A()``).
_MAX_REWRITES = 8

# Facts noted per file (plain tuples: they are pickled and cached with the outcome).
# A module- or class-level sync def: (qualname, shown name, line, blocking calls as
# (rule id, written callee, line), other calls as (callee, line, written callee)).
SYNC_FUNCTION_FACT = "reach-sync-function"
# An ``async def``: (qualname, "" when nested in a function; shown name; calls in its
# body that no per-file rule reported, as (callee, line, column, end line, end column,
# written callee, how it is reached: "" or the ``Depends`` parameter it goes through)).
ASYNC_FUNCTION_FACT = "reach-async-function"
# The callee of a coroutine handed to a task (``asyncio.create_task(poll())``,
# ``task_group.start_soon``...): it runs on after its caller returns.
SPAWNED_FACT = "reach-spawned"
SPAWNERS = frozenset(
    {"create_task", "ensure_future", "start_soon", "run_coroutine_threadsafe", "spawn"}
)
# (qualname, value) of a module- or class-level def: the value its return annotation
# promises (``sqlalchemy.orm.Session()``; for a generator, the value it yields), or else
# the one value every ``return``/``yield`` in it gives.
RETURNS_FACT = "reach-returns"
# (class qualname, attribute, value): ``self.repo = repo`` in a method (``repo: Repo``),
# ``repo: Repo`` or ``repo = Repo()`` in the class body.
ATTRIBUTE_FACT = "reach-attribute"
# (qualname, value) of a module-level name bound to a value a call made:
# ``SessionLocal = sessionmaker()``, ``pwd_context = CryptContext(...)``.
MODULE_VALUE_FACT = "reach-module-value"
# (class qualname, base qualnames) of a module-level class with bases.
BASES_FACT = "reach-bases"
# Qualname of a module- or class-level sync def that asks which loop (or task) is
# running: in a worker thread there is none, so the function would do something else
# there, and the chain through it is not handed to a thread.
ASKS_LOOP_FACT = "reach-asks-loop"
# Qualname of a sync project function that is a generator function (``yield`` in its own
# body): a thread wrap of its call would move only the making of the generator.
GENERATOR_FACT = "reach-generator"
LOOP_CALLS = frozenset(
    {
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.current_task",
        "asyncio.all_tasks",
        "asyncio.events.get_running_loop",
        "asyncio.events.get_event_loop",
        "sniffio.current_async_library",
        "anyio.get_current_task",
    }
)

# Callees that are never the project's own: the standard library and the libraries a
# FastAPI app calls most (keeps the facts small; a miss only costs fact space).
NOT_PROJECT = frozenset(sys.stdlib_module_names) | {
    "builtins",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic_settings",
    "sqlalchemy",
    "sqlmodel",
    "httpx",
    "requests",
    "anyio",
    "typing_extensions",
}


@cache
def matchers() -> dict[str, BlockingCallRule]:
    """Every blocking-call rule (ASY101-105, ASY109, and any added later) by id, in id
    order: the first that matches a call names its kind."""
    return {
        rule_id: rule()
        for rule_id, rule in all_rules().items()
        if issubclass(rule, BlockingCallRule)
    }


# ``matches`` of the blocking-call detectors takes the call node; none reads it.
_NO_NODE = ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=[])
# ``blocking_kind``'s answers by callee; emptied when it grows past ``_KEPT_KINDS``.
_KINDS: dict[str, str | None] = {}
_KEPT_KINDS = 100_000


def blocking_kind(callee: str, node: ast.Call = _NO_NODE) -> str | None:
    """The id of the first blocking-call rule matching a call of ``callee``, else None.
    The detectors decide by the callee alone (none reads the node), so the answer is
    kept per callee: the walk asks for most calls of every file."""
    kinds = _KINDS
    if callee in kinds:
        return kinds[callee]
    kind = next(
        (rule_id for rule_id, matcher in matchers().items() if matcher.matches(callee, node)),
        None,
    )
    if len(kinds) >= _KEPT_KINDS:
        kinds.clear()
    kinds[callee] = kind
    return kind


# The kind a call listed in ``[tool.fastaudit] blocking-calls`` gets, before its pattern.
CONFIGURED = "blocking-calls:"


def configured_matcher(patterns: dict[str, str]) -> re.Pattern[str] | None:
    """One regex for every ``blocking-calls`` pattern (fnmatch syntax over the qualified
    name, a method written ``Class.method``), each in its own named group."""
    if not patterns:
        return None
    groups = [f"(?P<p{i}>{fnmatch.translate(p)})" for i, p in enumerate(patterns)]
    return re.compile("|".join(groups))


def written_name(value: str) -> str:
    """``acme.Client().send`` as a user writes it: ``acme.Client.send``."""
    return value.replace("()", "")


def might_be_project(callee: str) -> bool:
    return callee.split(".", 1)[0] not in NOT_PROJECT


def project_target(callee: str) -> str | None:
    """The qualified name of the project function ``callee`` would call once its values
    are rewritten: ``app.repo.Repo().save`` (a method on an instance, ``self.save``
    included) is ``app.repo.Repo.save``; None when a value in it is still unknown."""
    receiver, dot, method = callee.rpartition(".")
    if dot and receiver.endswith("()") and "()" not in receiver[:-2]:
        callee = f"{receiver[:-2]}.{method}"
    if "()" in callee or "." not in callee:
        return None
    return callee


def tail(qualname: str) -> str:
    """The last two dotted parts: a src layout (``src.app.x.f``) keeps them."""
    last = qualname.rfind(".")
    return qualname[qualname.rfind(".", 0, last) + 1 :] if last > 0 else qualname


def best_matches(by_tail: dict[str, list[tuple[str, _T]]], qualname: str) -> list[tuple[str, _T]]:
    """The entries naming ``qualname`` (a src layout's ``src.app.x.f`` names
    ``app.x.f``); only the exact ones when there are any."""
    candidates = [
        item for item in by_tail.get(tail(qualname), ()) if same_qualname(item[0], qualname)
    ]
    exact = [item for item in candidates if item[0] == qualname]
    return exact or candidates


class Function(NamedTuple):
    """A sync project function in the call graph."""

    path: str
    qualname: str
    shown: str
    line: int
    blocking: tuple[tuple[str, str, int], ...]
    calls: tuple[tuple[str, int, str], ...]


class Step(NamedTuple):
    """The shortest way from a function to a blocking call: ``depth`` functions long,
    through ``via`` (None: the function itself makes the call) called at ``line``."""

    depth: int
    via: int | None
    line: int


# (callee, line, column, end line, end column, written callee, Depends parameter or "")
AsyncCall = tuple[str, int, int, int, int, str, str]
# (qualname, shown name, calls): an ``ASYNC_FUNCTION_FACT``.
AsyncFact = tuple[str, str, tuple[AsyncCall, ...]]


class _Names(NamedTuple):
    """The last dotted part of everything that holds a value: a callee part not among
    them cannot be rewritten."""

    module_values: set[str]
    returns: set[str]
    attributes: set[str]
    # The last part of every def the facts know (functions and methods).
    functions: set[str]


def _unique(entries: list[tuple[str, str]]) -> str | None:
    values = {value for _, value in entries}
    return values.pop() if len(values) == 1 else None


class Graph:
    """The sync project functions and who calls whom, from the facts of every file."""

    _shortest: dict[int, Step] | None

    @classmethod
    def of(cls, view: ProjectView) -> Graph:
        """The project's graph, built once per project pass (ASY108 and ASY114 both read
        it)."""
        graph = view.memo.get(cls)
        if not isinstance(graph, Graph):
            graph = view.memo[cls] = cls(view)
        return graph

    def shortest(self) -> dict[int, Step]:
        """For each function that reaches a blocking call through at most ``MAX_DEPTH``
        sync functions, its first step on the shortest way there (computed once)."""
        if self._shortest is None:
            self._shortest = self._find_shortest()
        return self._shortest

    def __init__(self, view: ProjectView) -> None:
        self.functions: list[Function] = []
        self._shortest: dict[int, Step] | None = None
        self._callers: dict[int, list[tuple[int, int]]] | None = None
        self._loop_bound: set[int] | None = None
        asks_loop: set[str] = set()
        generators: set[str] = set()
        # ``[tool.fastaudit] blocking-calls``: pattern -> the async alternative.
        self.configured = dict(view.config.blocking_calls)
        self._configured = configured_matcher(self.configured)
        self._patterns = list(self.configured)
        # Every module- or class-level def by its last two dotted parts: (qualname,
        # index into ``functions`` or None for an ``async def``).
        self._by_tail: dict[str, list[tuple[str, int | None]]] = {}
        # (path, the ``ASYNC_FUNCTION_FACT``) of each ``async def`` making project calls.
        self.async_defs: list[tuple[str, AsyncFact]] = []
        # The values of the facts above, by the last two dotted parts of what holds them.
        self._returns: dict[str, list[tuple[str, str]]] = {}
        self._module_values: dict[str, list[tuple[str, str]]] = {}
        self._attributes: dict[str, list[tuple[str, str]]] = {}
        self._bases: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        # Answers by callee (see ``targets``).
        self._values: dict[str, str] = {}
        self._targets: dict[str, list[int]] = {}
        self._async_targets: dict[str, list[str]] = {}
        self._kinds: dict[str, str | None] = {}
        for path in view.python_files:
            for qualname, value in file_facts(view, path, RETURNS_FACT):
                self._returns.setdefault(tail(qualname), []).append((qualname, value))
            for qualname, value in file_facts(view, path, MODULE_VALUE_FACT):
                self._module_values.setdefault(tail(qualname), []).append((qualname, value))
            for owner, attribute, value in file_facts(view, path, ATTRIBUTE_FACT):
                qualname = f"{owner}.{attribute}"
                self._attributes.setdefault(tail(qualname), []).append((qualname, value))
            for qualname, bases in file_facts(view, path, BASES_FACT):
                self._bases.setdefault(tail(qualname), []).append((qualname, bases))
            for qualname, shown, line, blocking, calls in file_facts(
                view, path, SYNC_FUNCTION_FACT
            ):
                index = len(self.functions)
                self.functions.append(Function(path, qualname, shown, line, blocking, calls))
                self._by_tail.setdefault(tail(qualname), []).append((qualname, index))
            asks_loop.update(file_facts(view, path, ASKS_LOOP_FACT))
            generators.update(file_facts(view, path, GENERATOR_FACT))
            for fact in file_facts(view, path, ASYNC_FUNCTION_FACT):
                qualname = fact[0]
                if qualname:
                    self._by_tail.setdefault(tail(qualname), []).append((qualname, None))
                if fact[2]:
                    self.async_defs.append((path, fact))
        self._asks_loop = asks_loop
        self._generators = generators
        self._names = _Names(
            {q.rpartition(".")[2] for entries in self._module_values.values() for q, _ in entries},
            {q.rpartition(".")[2] for entries in self._returns.values() for q, _ in entries},
            {q.rpartition(".")[2] for entries in self._attributes.values() for q, _ in entries},
            {q.rpartition(".")[2] for entries in self._by_tail.values() for q, _ in entries},
        )

    # ------------------------------------------------------------------ values
    def value(self, callee: str) -> str:
        """``callee`` with every value in it the facts know rewritten, left to right:
        ``app.db.SessionLocal().query`` -> ``sqlalchemy.orm.sessionmaker()().query``."""
        known = self._values.get(callee)
        if known is not None:
            return known
        value = callee
        for _ in range(_MAX_REWRITES):
            rewritten = self._rewrite(value)
            if rewritten is None:
                break
            value = rewritten
        self._values[callee] = value
        return value

    def _rewrite(self, callee: str) -> str | None:
        """One rewrite of the leftmost value the facts know; None when there is none."""
        parts = callee.split(".")
        # The last part is what is called: never a value.
        for end in range(1, len(parts)):
            name = parts[end - 1]
            rest = parts[end:]
            # Most prefixes are packages and modules: a set test on the last name rules
            # them out before any qualified lookup.
            if not name.endswith("()"):
                if name not in self._names.module_values:
                    continue
                prefix = ".".join(parts[:end])
                if "()" in prefix:
                    continue
                held = _unique(best_matches(self._module_values, prefix))
                if held is not None:
                    return ".".join([held, *rest])
                continue
            name = name[:-2]
            if (
                name not in self._names.returns
                and name not in self._names.module_values
                and rest[0] not in self._names.attributes
            ):
                continue
            made_by = ".".join(parts[:end])[:-2]
            # ``Repo().build()``: what the method ``Repo.build`` returns.
            function = project_target(made_by) if "()" in made_by else made_by
            if function is None:
                continue  # a value of a value nothing could rewrite
            returned = self._returned_by(function)
            if returned is not None:
                return ".".join([returned, *rest])
            if "()" not in made_by:
                # ``SessionLocal()`` with ``SessionLocal = sessionmaker()`` elsewhere.
                held = _unique(best_matches(self._module_values, made_by))
                if held is not None:
                    return ".".join([f"{held}()", *rest])
            if len(rest) >= 2 and "()" not in made_by:
                # ``Service().repo.save``: what the class's ``repo`` holds.
                held = self._attribute(made_by, rest[0])
                if held is not None:
                    return ".".join([held, *rest[1:]])
        return None

    def _returned_by(self, function: str) -> str | None:
        returned = _unique(best_matches(self._returns, function))
        if returned is None and "." in function:
            # A method a project base class defines.
            owner, _, method = function.rpartition(".")
            for cls in self._lineage(owner):
                returned = _unique(best_matches(self._returns, f"{cls}.{method}"))
                if returned is not None:
                    break
        return returned

    def _attribute(self, owner: str, attribute: str) -> str | None:
        for cls in self._lineage(owner):
            held = _unique(best_matches(self._attributes, f"{cls}.{attribute}"))
            if held is not None:
                return held
        return None

    def _lineage(self, owner: str) -> Iterator[str]:
        """``owner`` and the project classes it inherits from, nearest first."""
        seen = {owner}
        queue = deque([owner])
        while queue:
            cls = queue.popleft()
            yield cls
            for _, bases in best_matches(self._bases, cls):
                for base in bases:
                    if base not in seen and len(seen) < 16:
                        seen.add(base)
                        queue.append(base)

    # ------------------------------------------------------------------- calls
    def async_targets(self, callee: str) -> list[str]:
        """The qualnames of the project's ``async def``s ``callee`` may name (asked once
        per distinct callee, as ``targets``; callers only read the list)."""
        known = self._async_targets.get(callee)
        if known is None:
            target = project_target(self.value(callee))
            known = self._async_targets[callee] = (
                []
                if target is None
                else [
                    qualname
                    for qualname, index in best_matches(self._by_tail, target)
                    if index is None
                ]
            )
        return known

    def targets(self, callee: str) -> list[int]:
        """The sync functions ``callee`` may call once its values are rewritten; none
        when it names an ``async def`` (awaited: another matter) or nothing of the
        project's. ``Repo(...)`` runs ``Repo.__init__``; a method not defined on the
        class may be inherited from a project base class."""
        # Asked once per distinct callee: a large app calls the same few thousand
        # functions from tens of thousands of places.
        known = self._targets.get(callee)
        if known is None:
            known = self._targets[callee] = self._find_targets(callee)
        return known

    def _find_targets(self, callee: str) -> list[int]:
        target = project_target(self.value(callee))
        if target is None:
            return []
        owner, _, method = target.rpartition(".")
        if method not in self._names.functions and not (
            method[:1].isupper() and "__init__" in self._names.functions
        ):
            return []  # no project def has that name, nor could it be a class's
        found = self._matches(target) or self._matches(target + ".__init__")
        if not found:
            for cls in self._lineage(owner):
                found = self._matches(f"{cls}.{method}")
                if found:
                    break
        if any(index is None for _, index in found):
            return []
        return [index for _, index in found if index is not None]

    def _matches(self, callee: str) -> list[tuple[str, int | None]]:
        return best_matches(self._by_tail, callee)

    def blocking(self, callee: str) -> str | None:
        """The kind of blocking call ``callee`` makes once its values are rewritten: a
        blocking-call rule's id, or ``CONFIGURED`` + the ``blocking-calls`` pattern it
        matches; None when it does not block."""
        if callee in self._kinds:
            return self._kinds[callee]
        kind = self._kinds[callee] = self._find_kind(callee)
        return kind

    def _find_kind(self, callee: str) -> str | None:
        value = self.value(callee)
        # The walk notes a call only when no blocking-call rule matches it as written:
        # only a rewritten value can match one now.
        kind = blocking_kind(value) if value != callee else None
        if kind is None and self._configured is not None:
            match = self._configured.fullmatch(written_name(value))
            if match is None and value != callee:
                match = self._configured.fullmatch(written_name(callee))
            if match is not None and match.lastgroup is not None:
                kind = CONFIGURED + self._patterns[int(match.lastgroup[1:])]
        return kind

    def blocking_of(self, index: int) -> list[tuple[str, str, int]]:
        """The blocking calls ``functions[index]`` makes itself: those the walk saw, and
        calls whose values the facts settle (``SessionLocal().query`` with
        ``SessionLocal`` imported)."""
        function = self.functions[index]
        found = list(function.blocking)
        for callee, line, written in function.calls:
            kind = self.blocking(callee)
            if kind is not None:
                found.append((kind, written, line))
        return found

    def callers(self) -> dict[int, list[tuple[int, int]]]:
        """For each function, the functions calling it, with the line (computed once)."""
        if self._callers is None:
            callers: dict[int, list[tuple[int, int]]] = {}
            for index, function in enumerate(self.functions):
                for callee, line, _ in function.calls:
                    for target in self.targets(callee):
                        if target != index:
                            callers.setdefault(target, []).append((index, line))
            self._callers = callers
        return self._callers

    def is_generator(self, index: int) -> bool:
        """Whether ``functions[index]`` is a generator function."""
        return self.functions[index].qualname in self._generators

    def asks_loop(self, index: int) -> bool:
        """Whether ``functions[index]``, or a sync project function it calls at any
        depth, asks for the running loop or task (``asyncio.get_running_loop``): moved
        to a worker thread, it would find none and behave differently."""
        if self._loop_bound is None:
            callers = self.callers()
            found = {i for i, f in enumerate(self.functions) if f.qualname in self._asks_loop}
            queue = deque(found)
            while queue:
                for caller, _ in callers.get(queue.popleft(), ()):
                    if caller not in found:
                        found.add(caller)
                        queue.append(caller)
            self._loop_bound = found
        return index in self._loop_bound

    def _find_shortest(self) -> dict[int, Step]:
        """One breadth-first search backwards from every function that blocks itself:
        linear in the calls, and cycles end it like any visited function."""
        callers = self.callers()
        best: dict[int, Step] = {}
        queue: deque[int] = deque()
        for index in range(len(self.functions)):
            blocking = self.blocking_of(index)
            if blocking:
                best[index] = Step(1, None, min(b[2] for b in blocking))
                queue.append(index)
        while queue:
            index = queue.popleft()
            step = best[index]
            if step.depth >= MAX_DEPTH:
                continue
            for caller, line in callers.get(index, ()):
                if caller not in best:
                    best[caller] = Step(step.depth + 1, index, line)
                    queue.append(caller)
        return best

    def chain(self, start: int, best: dict[int, Step]) -> Iterator[tuple[int, Step]]:
        index: int | None = start
        while index is not None:
            step = best[index]
            yield index, step
            index = step.via
