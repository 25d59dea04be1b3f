"""What installs what: the dependency edges lock files record, and the path by which a
declared package brings another along.

An import of a package the project does not declare but that a declared package
depends on works today; the project just does not choose its version, and it goes
away when that package drops it. Telling the two apart needs the edges: uv.lock,
poetry.lock and pdm.lock list each locked package's dependencies, and the matrix's
``requires`` table holds the long-standing ones of popular packages for projects
without a lock.

Nodes are PEP 503 names; ``name[extra]`` stands for what an extra adds, and reaching
it means the package itself is installed too.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from fastaudit.project.deps.model import normalize

Edges = dict[str, set[str]]

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?")


def node(name: str, extra: str = "") -> str:
    return f"{normalize(name)}[{normalize(extra)}]" if extra else normalize(name)


def requirement_nodes(text: str) -> list[str]:
    """``"uvicorn[standard] (>=0.12)"`` -> ``["uvicorn", "uvicorn[standard]"]``; a
    requirement string as locks write them (PEP 508, or Poetry's parenthesised form)."""
    match = _NAME.match(text)
    if match is None:
        return []
    name, extras = match.group(1), match.group(2) or ""
    return [node(name)] + [node(name, e.strip()) for e in extras.split(",") if e.strip()]


def lock_requires(data: dict[str, Any], lock_name: str) -> Edges:
    """The dependency edges of a TOML lock (uv.lock, poetry.lock, pdm.lock). Optional
    dependencies count only under the extra that asks for them."""
    edges: Edges = {}
    packages = data.get("package")
    if not isinstance(packages, list):
        return edges
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        name = node(package["name"])
        if lock_name == "uv.lock":
            _uv(edges, name, package)
        elif lock_name == "poetry.lock":
            _poetry(edges, name, package)
        else:
            _pdm(edges, name, package)
    return edges


def _add(edges: Edges, source: str, targets: Iterable[str]) -> None:
    found = [t for t in targets if t and t != source]
    if found:
        edges.setdefault(source, set()).update(found)


def _uv_targets(entries: object) -> list[str]:
    """``[{ name = "sqlalchemy", extra = ["asyncio"] }, ...]``."""
    targets: list[str] = []
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        targets.append(node(entry["name"]))
        extras = entry.get("extra")
        for extra in extras if isinstance(extras, list) else ():
            if isinstance(extra, str):
                targets.append(node(entry["name"], extra))
    return targets


def _uv(edges: Edges, name: str, package: dict[str, Any]) -> None:
    _add(edges, name, _uv_targets(package.get("dependencies")))
    optional = package.get("optional-dependencies")
    if isinstance(optional, dict):
        for extra, entries in optional.items():
            _add(edges, node(name, extra), _uv_targets(entries))


def _poetry(edges: Edges, name: str, package: dict[str, Any]) -> None:
    dependencies = package.get("dependencies")
    if isinstance(dependencies, dict):
        targets = []
        for dependency, spec in dependencies.items():
            # ``optional = true`` ones are installed only through an extra, below.
            if isinstance(spec, dict) and spec.get("optional") is True:
                continue
            targets.append(node(dependency))
            extras = spec.get("extras") if isinstance(spec, dict) else None
            for extra in extras if isinstance(extras, list) else ():
                if isinstance(extra, str):
                    targets.append(node(dependency, extra))
        _add(edges, name, targets)
    extras = package.get("extras")
    if isinstance(extras, dict):
        for extra, requirements in extras.items():
            if isinstance(requirements, list):
                targets = [
                    n for r in requirements if isinstance(r, str) for n in requirement_nodes(r)
                ]
                _add(edges, node(name, extra), targets)


def _pdm(edges: Edges, name: str, package: dict[str, Any]) -> None:
    """pdm.lock lists a package once per set of extras (``extras = ["asyncio"]``), its
    dependencies as requirement strings."""
    requirements = package.get("dependencies")
    if not isinstance(requirements, list):
        return
    targets = [n for r in requirements if isinstance(r, str) for n in requirement_nodes(r)]
    extras = package.get("extras")
    sources = [node(name, e) for e in extras if isinstance(e, str)] if extras else [name]
    for source in sources:
        _add(edges, source, targets)


def merge(into: Edges, edges: Mapping[str, Iterable[str]]) -> None:
    for source, targets in edges.items():
        into.setdefault(source, set()).update(targets)


def dependency_path(
    starts: Iterable[str], edges: Mapping[str, Iterable[str]], targets: set[str]
) -> list[str] | None:
    """The shortest chain from one of ``starts`` to one of ``targets`` (both ends
    included), or None. ``name[extra]`` also leads to ``name``."""
    queue: deque[str] = deque()
    came_from: dict[str, str | None] = {}
    for start in starts:
        if start not in came_from:
            came_from[start] = None
            queue.append(start)
    while queue:
        current = queue.popleft()
        if current in targets and came_from[current] is not None:
            chain = [current]
            while (previous := came_from[chain[-1]]) is not None:
                chain.append(previous)
            return chain[::-1]
        following = set(edges.get(current, ()))
        if "[" in current:
            following.add(current.split("[", 1)[0])
        for target in sorted(following):
            if target not in came_from:
                came_from[target] = current
                queue.append(target)
    return None


def reachable(starts: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node ``starts`` lead to, themselves included (extras lead to their
    package), as plain names: what installing them installs."""
    seen: set[str] = set()
    pending = list(starts)
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        pending.extend(edges.get(current, ()))
        if "[" in current:
            pending.append(current.split("[", 1)[0])
    return {name for name in seen if "[" not in name}
