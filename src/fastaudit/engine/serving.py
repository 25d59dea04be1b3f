"""Which files run on the server's event loop, and which never do.

A blocking call matters on the loop that serves requests. A one-off script that
``asyncio.run``s its own loop, a test, an Alembic revision or a deploy helper beside the
app never runs there, so the serving rules (ASY*, DBS101, SET102, RTE101/102, and
SEC105: SQL built from strings is only an injection where requests reach it) are not
for them. The decision needs two pieces of evidence, never a folder name alone:

1. the file cannot be reached from any module that creates the FastAPI app, following
   the project's own imports; and
2. it says what it is: a test or migration file, a ``__main__`` guard, a top-level
   ``asyncio.run``, a typer/click/cyclopts command, or a home such as ``scripts/`` or
   ``bin/``.

When no app is found, nothing is set aside but tests and migrations.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable

from fastaudit.engine.layout import APP_FACT, facts, is_migration_path, is_test_path
from fastaudit.engine.project_view import ProjectView

SERVING_RULES = ("ASY", "DBS101", "SET102", "RTE101", "RTE102", "SEC105")
SCRIPT_FOLDERS = frozenset({"scripts", "script", "bin", "tools", "dev", "terraform", "deploy"})
_SCRIPT_MARKERS = (
    (re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']""", re.M), "has a `__main__` guard"),
    (re.compile(r"^asyncio\.run\(", re.M), "runs its own event loop (`asyncio.run`)"),
    (
        re.compile(r"^(?:import|from) (typer|click|cyclopts)\b", re.M),
        "is a typer/click/cyclopts command",
    ),
)


def serves(rule: str) -> bool:
    return rule.startswith(SERVING_RULES)


def _module_index(paths: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Dotted name -> (import root, path) for every way a file may be imported: the full
    path from the scan root and each tail below a folder that is not a package
    (``server/polar/auth/service.py`` is ``polar.auth.service`` with ``server/`` on the
    path)."""
    paths = list(paths)
    packages = {path.rsplit("/", 1)[0] for path in paths if path.endswith("/__init__.py")}
    index: dict[str, list[tuple[str, str]]] = {}
    for path in paths:
        stem = path.removesuffix(".py").removesuffix("/__init__")
        parts = stem.split("/")
        for start in range(len(parts)):
            root = "/".join(parts[:start])
            if start and root in packages:
                continue  # inside a package: only importable through it
            index.setdefault(".".join(parts[start:]), []).append((root, path))
    return index


def _resolve(index: dict[str, list[tuple[str, str]]], module: str, importer: str) -> str | None:
    """The file ``module`` names when ``importer`` imports it: Python looks on the path,
    which for the importer's own code is one of its ancestor folders. A module of the
    same name elsewhere (``dev/cli/commands/stripe.py`` for the ``stripe`` library
    imported by ``server/polar/...``) is not it."""
    for root, path in index.get(module, ()):
        if not root or importer.startswith(root + "/"):
            return path
    return None


def reachable(view: ProjectView) -> dict[str, str | None] | None:
    """Files the app modules import, directly or through others, each with the file
    that first imports it (None for an app module); None without an app."""
    starts = sorted({path for path, _ in facts(view, APP_FACT)})
    if not starts:
        return None
    index = _module_index(view.outcomes)
    seen: dict[str, str | None] = dict.fromkeys(starts)
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        outcome = view.outcomes.get(current)
        if outcome is None:
            continue
        for record in outcome.imports:
            candidates = [record.module, *(f"{record.module}.{n}" for n in record.names)]
            for module in candidates:
                found = _resolve(index, module, current)
                if found is not None and found not in seen:
                    seen[found] = current
                    queue.append(found)
    return seen


def import_chain(served: dict[str, str | None], path: str) -> list[str]:
    """The app module first, then each file importing the next, down to ``path``."""
    chain = [path]
    while (parent := served.get(chain[-1])) is not None and len(chain) < 50:
        chain.append(parent)
    return chain[::-1]


def on_loop(
    paths: Iterable[str], off: dict[str, str], served: dict[str, str | None] | None
) -> dict[str, str]:
    """Of ``paths``, the files kept for the serving rules, each with why: the chain of
    imports from the app, or that no app import reaches it but nothing says it runs
    elsewhere either. ``served`` is what :func:`reachable` found."""
    found: dict[str, str] = {}
    for path in sorted(set(paths) - set(off)):
        if served is None:
            found[path] = "no FastAPI app was found, so every module counts as served"
        elif path in served:
            chain = import_chain(served, path)
            if len(chain) == 1:
                found[path] = "it creates the FastAPI app"
            else:
                found[path] = "the app imports it: " + " → ".join(chain)
        else:
            found[path] = (
                "no import from the app reaches it (a dynamic import or a plugin, maybe), "
                "and nothing marks it as a script, test or migration"
            )
    return found


def off_loop(
    view: ProjectView, paths: Iterable[str], served: dict[str, str | None] | None
) -> dict[str, str]:
    """Of ``paths`` (files with serving findings), those that never run on the server's
    loop, each with the evidence. ``served`` is what :func:`reachable` found."""
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for path in wanted:
        if is_test_path(path):
            found[path] = "a test file"
            continue
        if is_migration_path(path):
            found[path] = "an Alembic migration"
            continue
        if served is None or path in served:
            continue
        reason = _script_evidence(view, path)
        if reason:
            found[path] = f"not imported by the app, and {reason}"
    return found


def _script_evidence(view: ProjectView, path: str) -> str:
    folders = path.split("/")[:-1]
    home = next((f for f in folders if f in SCRIPT_FOLDERS), None)
    if home is not None:
        return f"lives under `{home}/`"
    text = view.read_text(path)
    if text is None:
        return ""
    for pattern, reason in _SCRIPT_MARKERS:
        if pattern.search(text.text):
            return reason
    return ""
