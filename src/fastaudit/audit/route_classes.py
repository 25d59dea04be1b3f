"""The project's own FastAPI and APIRouter subclasses under other names, and the files that
import them.

A file's walk knows FastAPI's classes, a project class named exactly ``FastAPI`` or
``APIRouter``, and a subclass defined in the same file. ``router = PrefectRouter()`` with
``PrefectRouter`` defined in another module is unknown to it: whether that name is a router
is the other module's class statement to say. After every file has been walked once, the
classes are all known (``FileOutcome.classes``); the files importing one of these
subclasses are walked again with them (``WalkOptions.route_classes``), so every rule sees
their routes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from fastaudit.engine.context import ROUTE_OWNER_CLASSES, RouteOwner
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.names import canonical, same_qualname
from fastaudit.engine.outcome import FileOutcome

# Names every file's walk already takes for FastAPI's (``FileContext.route_owner_class``).
_KNOWN_NAMES = frozenset({"FastAPI", "APIRouter"})
_MAX_DEPTH = 8


def project_route_classes(outcomes: Iterable[FileOutcome]) -> tuple[tuple[str, RouteOwner], ...]:
    """(qualname, "app" | "router") of each module-level class of the project (tests
    aside) deriving from FastAPI's app or router class, directly or through other
    project classes, and named otherwise than ``FastAPI``/``APIRouter``; sorted."""
    bases: dict[str, list[str]] = {}
    for outcome in outcomes:
        if is_test_path(outcome.path):
            continue
        for info in outcome.classes:
            bases[info.qualname] = info.bases
    by_name: dict[str, list[str]] = {}
    for qualname in bases:
        by_name.setdefault(qualname.rpartition(".")[2], []).append(qualname)
    found: dict[str, RouteOwner | None] = {}

    def owner_of(qualname: str, depth: int) -> RouteOwner | None:
        if qualname in found:
            return found[qualname]
        found[qualname] = None  # a cycle of bases counts as nothing
        result: RouteOwner | None = None
        for base in bases[qualname]:
            base = canonical(base)
            result = ROUTE_OWNER_CLASSES.get(base)
            if result is None and depth < _MAX_DEPTH:
                for other in by_name.get(base.rpartition(".")[2], ()):
                    if other != qualname and same_qualname(other, base):
                        result = owner_of(other, depth + 1)
                        if result is not None:
                            break
            if result is not None:
                break
        found[qualname] = result
        return result

    classes = []
    for qualname in bases:
        owner = owner_of(qualname, 0)
        if owner is not None and qualname.rpartition(".")[2] not in _KNOWN_NAMES:
            classes.append((qualname, owner))
    return tuple(sorted(classes))


def importers(
    outcomes: Iterable[FileOutcome], classes: tuple[tuple[str, RouteOwner], ...]
) -> list[str]:
    """The files importing one of ``classes`` (``from m import PrefectRouter``) or the
    module defining one (``from prefect.server.utilities import server``)."""
    names = {qualname.rpartition(".")[2] for qualname, _ in classes}
    modules = {qualname.rpartition(".")[0] for qualname, _ in classes}

    # Last names of the defining modules: most imports are ruled out by a set look-up.
    tails = {module.rpartition(".")[2] for module in modules}

    def imports_one(module: str, imported: tuple[str, ...]) -> bool:
        if not imported or "*" in imported:  # ``import m`` / ``from m import *``
            return module.rpartition(".")[2] in tails and any(
                same_qualname(module, defining) for defining in modules
            )
        for name in imported:
            full = f"{module}.{name}"
            if name in names and any(same_qualname(full, qualname) for qualname, _ in classes):
                return True
            if name in tails and any(same_qualname(full, defining) for defining in modules):
                return True  # ``from prefect.server.utilities import server``
        return False

    return [
        outcome.path
        for outcome in outcomes
        if any(imports_one(record.module, record.names) for record in outcome.imports)
    ]


def fingerprint(classes: tuple[tuple[str, RouteOwner], ...]) -> str:
    """A short key for a set of route classes (the result cache keeps the files walked
    with them under it)."""
    return hashlib.sha256(repr(classes).encode()).hexdigest()[:16]
