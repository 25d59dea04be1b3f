"""PEP 723 inline script metadata: a ``# /// script`` comment block declares what a
single-file script needs (``uv run --script``, ``pipx run``), outside any dependency
file.

Those declarations hold for the script itself and for what runs in its environment:
the modules beside it that it imports (its folder is first on ``sys.path``), followed
through their own imports. Modules it loads by file name at run time cannot be seen
and are not covered.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from typing import TYPE_CHECKING

from fastaudit.project.deps.requires import node

if TYPE_CHECKING:
    from fastaudit.engine.context import ImportRecord
    from fastaudit.engine.project_view import ProjectView

# Per PEP 723: a ``# /// TYPE`` line, comment lines only (``#`` alone or ``# text``), and
# a closing ``# ///`` line.
_BLOCK = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")
# Noted per file while it is walked: what its script block declares.
SCRIPT_FACT = "script-dependencies"
# Noted per file: what its front matter's ``dependencies`` list declares.
FRONT_MATTER_FACT = "front-matter-dependencies"
# A leading comment block fenced by ``# ---`` lines (the YAML front matter of an example
# a documentation site renders), with a ``# dependencies: [...]`` line in it.
_FRONT_MATTER = re.compile(r"\A# ---\n(?P<content>(?:#(?: .*)?\n)*?)# ---$", re.MULTILINE)
_DEPENDENCIES_LINE = re.compile(r"(?m)^# dependencies: (?P<value>\[.*\])[ \t]*$")


def script_dependencies(text: str) -> tuple[str, ...]:
    """What the file's ``script`` block declares: PEP 503 names, and ``name[extra]`` for
    each extra asked for; empty when there is no valid block. Two script blocks are an
    error under PEP 723, so neither is trusted."""
    if "# /// script" not in text:
        return ()
    blocks = [m for m in _BLOCK.finditer(text) if m.group("type") == "script"]
    if len(blocks) != 1:
        return ()
    content = "".join(
        line[2:] if line.startswith("# ") else line[1:]
        for line in blocks[0].group("content").splitlines(keepends=True)
    )
    try:
        data = tomllib.loads(content)
    except (tomllib.TOMLDecodeError, RecursionError, MemoryError):
        return ()
    dependencies = data.get("dependencies")
    if not isinstance(dependencies, list):
        return ()
    return _requirement_names(dependencies)


def front_matter_dependencies(text: str) -> tuple[str, ...]:
    """What a file's front matter declares it needs, as :func:`script_dependencies`
    answers: the example scripts of a documentation site open with a ``# ---`` fenced
    comment block whose ``# dependencies: ["pkg", "other[extra]"]`` line tells the reader
    what to install. Declares for that file alone; nothing unless every entry is a valid
    requirement."""
    if not text.startswith("# ---"):
        return ()
    block = _FRONT_MATTER.match(text)
    if block is None:
        return ()
    line = _DEPENDENCIES_LINE.search(block.group("content"))
    if line is None:
        return ()
    try:
        entries = tomllib.loads(f"dependencies = {line.group('value')}")["dependencies"]
    except (tomllib.TOMLDecodeError, RecursionError, MemoryError):
        return ()
    return _requirement_names(entries) if isinstance(entries, list) else ()


def _requirement_names(entries: list[object]) -> tuple[str, ...]:
    # Here, not at the top: rule modules load on every run, requirement parsing rarely.
    from packaging.requirements import InvalidRequirement, Requirement

    names: list[str] = []
    for entry in entries:
        try:
            requirement = Requirement(entry) if isinstance(entry, str) else None
        except InvalidRequirement:
            requirement = None
        if requirement is None:
            return ()  # not a valid list: declares nothing rather than part of it
        names.append(node(requirement.name))
        names.extend(node(requirement.name, extra) for extra in sorted(requirement.extras))
    return tuple(dict.fromkeys(names))


def script_scopes(view: ProjectView) -> dict[str, set[str]]:
    """Python file -> what the script blocks of the scripts it runs under declare: each
    script with a block, and the modules of its folder it imports, transitively."""
    files = set(view.python_files)
    scopes: dict[str, set[str]] = {}
    for script, outcome in view.outcomes.items():
        declared = {name for names in outcome.facts.get(SCRIPT_FACT, ()) for name in names}
        if not declared:
            continue
        folder = posixpath.dirname(script)
        pending, seen = [script], set()
        if folder:
            # A script in a folder of its own (a dev CLI) runs the modules in the folders
            # below it, often loaded by path at run time (``commands/*.py``): they are
            # under its block, up to any folder that is a project of its own. A file
            # beside it may be another script, so only what the script imports counts.
            projects = {
                posixpath.dirname(f)
                for f in view.other_files
                if posixpath.basename(f) == "pyproject.toml" and f.startswith(folder + "/")
            } - {folder}
            pending.extend(
                path
                for path in files
                if path.startswith(folder + "/")
                and "/" in path[len(folder) + 1 :]
                and not any(path.startswith(p + "/") for p in projects)
            )
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            scopes.setdefault(path, set()).update(declared)
            imported = view.outcomes.get(path)
            for record in imported.imports if imported is not None else ():
                pending.extend(p for p in _beside(record, folder) if p in files)
    return scopes


def _beside(record: ImportRecord, folder: str) -> list[str]:
    """The files of ``folder`` an import may load: the module, the packages above it
    (their ``__init__`` runs first) and, for ``from m import x``, a submodule ``x``."""
    if not record.module:
        return []
    prefix = f"{folder}/" if folder else ""
    parts = record.module.split(".")
    # A relative import's module is already absolute from the project's root; only
    # what lies in the folder counts either way.
    base = "" if record.relative else prefix
    candidates = [f"{base}{'/'.join(parts[:i])}/__init__.py" for i in range(1, len(parts) + 1)]
    candidates.append(f"{base}{'/'.join(parts)}.py")
    for name in record.names:
        candidates.append(f"{base}{'/'.join([*parts, name])}.py")
        candidates.append(f"{base}{'/'.join([*parts, name])}/__init__.py")
    return [c for c in candidates if c.startswith(prefix)]
