"""Which files run on the server's event loop, and which never do.

A blocking call matters on the loop that serves requests. A one-off script that
``asyncio.run``s its own loop, a test, an Alembic revision or a deploy helper beside the
app never runs there, so the serving rules (ASY*, DBS101, SET102, RTE101/102, and
SEC105: SQL built from strings is only an injection where requests reach it) are not
for them. The decision needs two pieces of evidence, never a folder name alone:

1. the file cannot be reached from any module that creates the FastAPI app, following
   the project's own imports; and
2. it says what it is: a test or migration file, a ``__main__`` guard, a top-level
   ``asyncio.run``, a command-line program (typer, click, asyncclick, cyclopts, fire),
   module-level pytest fixtures (test support in a package), a home such as
   ``scripts/`` or ``bin/``; or every project file importing it is one of
   those (a helper of the command-line program, imported by nothing else).

When no app is found, nothing is set aside but tests and migrations.

Inside a file that serves, an ``async def`` registered as a command of a command-line
framework (``@app.command`` on a ``cyclopts.App``/``typer.Typer``, ``@group.command`` on a
click group) runs on the command's own loop: findings inside it are set aside too (see
:data:`fastaudit.engine.layout.CLI_COMMAND_FACT`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable

from fastaudit.engine.layout import (
    APP_FACT,
    CLI_FRAMEWORKS,
    facts,
    is_migration,
    is_test_path,
)
from fastaudit.engine.project_view import ProjectView

SERVING_RULES = ("ASY", "DBS101", "SET102", "RTE101", "RTE102", "SEC105")
SCRIPT_FOLDERS = frozenset({"scripts", "script", "bin", "tools", "dev", "terraform", "deploy"})
# (a string the text must hold, the pattern, what it shows): the string is tested first,
# far cheaper than a multi-line pattern anchored at each line.
_SCRIPT_MARKERS = (
    (
        "__main__",
        re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']""", re.M),
        "has a `__main__` guard",
    ),
    (
        "asyncio.run(",
        re.compile(r"^asyncio\.run\(", re.M),
        "runs its own event loop (`asyncio.run`)",
    ),
    # Test support shipped in a package (``acme/testing/fixtures.py``): a pytest plugin
    # module, run by the test session.
    (
        ".fixture",
        re.compile(r"^@(?:pytest|pytest_asyncio)\.fixture\b", re.M),
        "defines pytest fixtures (test support)",
    ),
)
# A module-level import of a command-line framework marks a command-line program.
_CLI_IMPORT = re.compile(
    r"^(?:import|from)\s+(" + "|".join(CLI_FRAMEWORKS) + r")(?:\s|\.|,|$)", re.M
)


def serves(rule: str) -> bool:
    return rule.startswith(SERVING_RULES)


def _module_index(view: ProjectView) -> dict[str, list[tuple[str, str]]]:
    """Dotted name -> (import root, path) for every way a project file may be imported:
    the full path from the scan root and each tail below a folder that is not a package
    (``server/polar/auth/service.py`` is ``polar.auth.service`` with ``server/`` on the
    path). Built once per project pass (several rules ask)."""
    index: dict[str, list[tuple[str, str]]] | None = view.memo.get(_module_index)
    if index is None:
        index = view.memo[_module_index] = _index_modules(view.outcomes)
    return index


def _index_modules(paths: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
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
    index = _module_index(view)
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


def importers_by_path(view: ProjectView) -> dict[str, set[str]]:
    """Project file -> the project files importing it (the file itself left out). Worked
    out once per project pass: callers read it, never change it."""
    found: dict[str, set[str]] | None = view.memo.get(importers_by_path)
    if found is not None:
        return found
    index = _module_index(view)
    found = view.memo[importers_by_path] = {}
    for importer, outcome in view.outcomes.items():
        for record in outcome.imports:
            candidates = [record.module, *(f"{record.module}.{n}" for n in record.names)]
            for module in candidates:
                target = _resolve(index, module, importer)
                if target is not None and target != importer:
                    found.setdefault(target, set()).add(importer)
    return found


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
    helpers: _ScriptHelpers | None = None
    for path in wanted:
        if is_test_path(path):
            found[path] = "a test file"
            continue
        if is_migration(view, path):
            found[path] = "an Alembic migration"
            continue
        if served is None or path in served:
            continue
        reason = _script_evidence(view, path)
        if not reason:
            if helpers is None:
                helpers = _ScriptHelpers(view, served)
            importers = helpers.script_importers(path)
            if importers:
                shown = ", ".join(f"`{p}`" for p in importers[:3])
                more = f" and {len(importers) - 3} more" if len(importers) > 3 else ""
                reason = f"only scripts, tests and command-line programs import it ({shown}{more})"
        if reason:
            found[path] = f"not imported by the app, and {reason}"
    return found


class _ScriptHelpers:
    """Files the app never reaches that only scripts, command-line programs and tests
    import: a command's helpers (``cli/_prompts.py``), which run where the command runs.
    At least one importer must be a script or a command (a module only tests import may
    be a library's public API), and each must say what it is, or be such a helper
    itself. The file must be the project's own: private (``_sdk/``, ``_prompts.py``) or
    in the folder of a command importing it; a library's public module serves its
    users' code too."""

    _MAX_DEPTH = 16

    def __init__(self, view: ProjectView, served: dict[str, str | None]) -> None:
        self.view = view
        self.served = served
        self._importers: dict[str, set[str]] | None = None
        # path -> True (a test), False (not set aside) or a list of its script importers.
        self._known: dict[str, bool | list[str]] = {}
        self._open: set[str] = set()

    def importers(self, path: str) -> set[str]:
        if self._importers is None:
            self._importers = importers_by_path(self.view)
        return self._importers.get(path, set())

    def script_importers(self, path: str) -> list[str]:
        """The scripts and commands importing ``path`` when every importer is one (or a
        test); empty otherwise."""
        known = self._status(path, 0)
        return known if isinstance(known, list) else []

    def _status(self, path: str, depth: int) -> bool | list[str]:
        known = self._known.get(path)
        if known is not None:
            return known
        if is_test_path(path) or is_migration(self.view, path):
            return True
        if path in self.served or path in self._open or depth > self._MAX_DEPTH:
            return False  # a cycle or a long chain: not settled, so it serves
        if _script_evidence(self.view, path):
            status: bool | list[str] = [path]
        else:
            self._open.add(path)
            status = self._through_importers(path, depth)
            self._open.discard(path)
        self._known[path] = status
        return status

    def _through_importers(self, path: str, depth: int) -> bool | list[str]:
        scripts: list[str] = []
        for importer in sorted(self.importers(path)):
            status = self._status(importer, depth + 1)
            if status is False:
                return False
            if status is not True:
                scripts.append(importer)
        if not scripts or not (_private(path) or any(_beside(path, s) for s in scripts)):
            # A public module of a library the command happens to use (``acme.deploy``):
            # the library's users call it from their own code, on their own loop.
            return False
        return scripts


def _private(path: str) -> bool:
    """A module or package named ``_x``: the project's own internals."""
    return any(
        part.startswith("_") and not part.startswith("__")
        for part in path.removesuffix(".py").split("/")
    )


def _beside(path: str, script: str) -> bool:
    """``path`` is in the folder of ``script``, or below it (``cli/helpers.py`` beside
    ``cli/main.py``)."""
    folder = script.rpartition("/")[0]
    parent = path.rpartition("/")[0]
    return parent == folder or (bool(folder) and parent.startswith(folder + "/"))


def _script_evidence(view: ProjectView, path: str) -> str:
    folders = path.split("/")[:-1]
    home = next((f for f in folders if f in SCRIPT_FOLDERS), None)
    if home is not None:
        return f"lives under `{home}/`"
    text = view.read_text(path)
    if text is None:
        return ""
    for needle, pattern, reason in _SCRIPT_MARKERS:
        if needle in text.text and pattern.search(text.text):
            return reason
    if not any(name in text.text for name in CLI_FRAMEWORKS):
        return ""
    cli = _CLI_IMPORT.search(text.text)
    if cli is not None:
        return f"is a command-line program (`{cli.group(1)}`)"
    return ""
