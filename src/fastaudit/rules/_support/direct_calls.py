"""Project functions that are also called directly, not only injected by FastAPI.

A DEP101/DEP102 fix moves a marker default into `Annotated`, so the parameter loses its
default: a direct call that leaned on it would break. Each file notes the calls it makes
(`DIRECT_CALL`) and the functions a marker fix changes (`MARKER_FIX`); the audit joins
them across the project and turns such fixes unsafe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastaudit.engine.names import same_qualname

if TYPE_CHECKING:
    from fastaudit.engine.outcome import FileOutcome

# Fact names: (target, line) of a direct call; (line, qualname, is_method) of a marker fix.
DIRECT_CALL = "direct-call"
MARKER_FIX = "marker-fix"

CallIndex = dict[str, dict[str, tuple[str, int]]]


def direct_calls(outcomes: Iterable[FileOutcome]) -> CallIndex:
    """Every direct call of a project function: last name -> {target: first call site}."""
    calls: CallIndex = {}
    for outcome in outcomes:
        for target, line in outcome.facts.get(DIRECT_CALL, ()):
            by_target = calls.setdefault(target.rsplit(".", 1)[-1], {})
            by_target.setdefault(target, (outcome.path, line))
    return calls


def direct_call_vetoes(
    outcomes: Iterable[FileOutcome], calls: CallIndex
) -> dict[tuple[str, int], str]:
    """(path, line) of a DEP fix -> why it is unsafe: the function it changes is called
    directly somewhere in the project, and the moved markers leave parameters without
    the defaults such a call may lean on."""
    vetoes: dict[tuple[str, int], str] = {}
    for outcome in outcomes:
        for line, qualname, method in outcome.facts.get(MARKER_FIX, ()):
            name = qualname.rsplit(".", 1)[-1]
            # A class dependency's ``__init__`` is called as the class: ``Pager(page=2)``.
            called = qualname.rsplit(".", 1)[0] if name == "__init__" else qualname
            candidates = calls.get(called.rsplit(".", 1)[-1], {})
            where = next(
                (
                    site
                    for target, site in candidates.items()
                    # ``src.app.routes.f`` and ``app.routes.f`` name one function in a
                    # src layout; ``.f`` is a method call on an object we cannot type,
                    # so any method of that name may be the one called.
                    if same_qualname(target, called) or (method and target == "." + name)
                ),
                None,
            )
            if where is not None:
                name = called.rsplit(".", 1)[-1]
                vetoes[(outcome.path, line)] = (
                    f"`{name}` is also called directly ({where[0]}:{where[1]}): the "
                    "parameter loses its default, so such a call must now pass it"
                )
    return vetoes
