"""The package is built in layers that only import downward, and no import cycle.

Every module under ``src/fastaudit`` is parsed with ``ast`` (nothing is imported): every
import counts, at module level, under ``TYPE_CHECKING`` and inside functions, so a cycle
cannot hide behind a function-local import. A module may import from its own layer or a
lower one. The README's "Architecture" section describes the same layers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT_PACKAGE = "fastaudit"
# Sample projects shipped as data (``fastaudit demo``): audited, never imported.
NOT_CODE = frozenset({"demo_project"})

# Lowest first. An entry names a module or a package (and everything under it).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "model and config",
        ("fastaudit.model", "fastaudit.redirects", "fastaudit.config", "fastaudit.settings"),
    ),
    ("project", ("fastaudit.project",)),
    ("engine", ("fastaudit.engine",)),
    ("rules", ("fastaudit.rules",)),
    ("audit", ("fastaudit.audit",)),
    ("fixes, report, workflows", ("fastaudit.fixes", "fastaudit.report", "fastaudit.workflows")),
    ("tui and cli", ("fastaudit.tui", "fastaudit.cli", "fastaudit.entry", "fastaudit.__main__")),
)
# The root package holds only ``__version__``: anything may import it.
ROOT_LAYER = 0


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    path: str  # of the importing file, relative to ``src``
    line: int

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def find_modules(src: Path, package: str = ROOT_PACKAGE) -> dict[str, Path]:
    """Dotted name -> file, for every module of ``package`` under ``src``."""
    modules: dict[str, Path] = {}
    for path in sorted((src / package).rglob("*.py")):
        if NOT_CODE.intersection(path.relative_to(src).parts):
            continue
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    path: Path
    line: int
    module: str  # what `import X` / `from X import ...` names, relative imports resolved
    names: tuple[str, ...]  # after `from X import`: attributes or submodules of X


def imports_of(modules: dict[str, Path]) -> list[Import]:
    """Every import statement of ``modules``, wherever in the file it is."""
    found: list[Import] = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.extend(Import(name, path, node.lineno, a.name, ()) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                names = tuple(alias.name for alias in node.names)
                found.append(Import(name, path, node.lineno, base, names))
    return found


def import_edges(src: Path, modules: dict[str, Path]) -> list[Edge]:
    """Every import of one of ``modules`` by another, wherever in the file it is."""
    edges: list[Edge] = []
    for imp in imports_of(modules):
        # ``from pkg import name``: ``name`` may be a submodule of ``pkg``.
        wanted = [imp.module, *(f"{imp.module}.{name}" for name in imp.names)]
        targets = {_known(target, modules) for target in wanted}
        rel = imp.path.relative_to(src).as_posix()
        edges.extend(
            Edge(imp.source, target, rel, imp.line)
            for target in sorted(t for t in targets if t is not None and t != imp.source)
        )
    return edges


def _known(target: str, modules: dict[str, Path]) -> str | None:
    """The module ``target`` loads (the longest known prefix of it), or None."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def layer_of(module: str, layers=LAYERS) -> int | None:
    """Index of the layer holding ``module`` (its most specific entry), or None."""
    if module == ROOT_PACKAGE:
        return ROOT_LAYER
    best: tuple[int, int] | None = None
    for index, (_, entries) in enumerate(layers):
        for entry in entries:
            if (module == entry or module.startswith(entry + ".")) and (
                best is None or len(entry) > best[1]
            ):
                best = (index, len(entry))
    return best[0] if best is not None else None


def layer_problems(modules: list[str], edges: list[Edge], layers=LAYERS) -> list[str]:
    """A line per module with no layer and per import of a higher layer."""
    problems = [
        f"{module}: in no layer; add it to LAYERS in tests/test_layering.py"
        for module in modules
        if layer_of(module, layers) is None
    ]
    for edge in edges:
        low, high = layer_of(edge.source, layers), layer_of(edge.target, layers)
        if low is None or high is None or high <= low:
            continue
        problems.append(
            f"{edge.where()}: {edge.source} (layer {low + 1}, {layers[low][0]}) imports "
            f"{edge.target} (layer {high + 1}, {layers[high][0]}): import only from your "
            "own layer or below; move the code, or pass what it needs in from above"
        )
    return problems


def cycles(edges: list[Edge]) -> list[list[Edge]]:
    """One cycle (as its edges, in order) per strongly connected group of modules."""
    graph: dict[str, dict[str, Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, {}).setdefault(edge.target, edge)
    found: list[list[Edge]] = []
    for group in _strongly_connected(graph):
        if len(group) > 1:
            found.append(_cycle_through(min(group), group, graph))
    return found


def _strongly_connected(graph: dict[str, dict[str, Edge]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (no recursion limit to think about)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph.get(successor, {})))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
    return groups


def _cycle_through(start: str, group: set[str], graph: dict[str, dict[str, Edge]]) -> list[Edge]:
    """A shortest path from ``start`` back to itself inside ``group`` (breadth first)."""
    came_from: dict[str, Edge] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target, edge in sorted(graph.get(node, {}).items()):
                if target not in group or target in came_from:
                    continue
                came_from[target] = edge
                if target == start:
                    path = [edge]
                    while path[0].source != start:
                        path.insert(0, came_from[path[0].source])
                    return path
                following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a group of 2+ always has one


def describe(cycle: list[Edge]) -> str:
    steps = " -> ".join(f"{e.source} ({e.where()})" for e in cycle)
    return f"import cycle: {steps} -> {cycle[0].source}"


# ----------------------------------------------------------------------------- the package
@pytest.fixture(scope="module")
def package() -> tuple[dict[str, Path], list[Edge]]:
    modules = find_modules(SRC)
    return modules, import_edges(SRC, modules)


def test_every_module_imports_only_from_its_layer_or_below(package) -> None:
    modules, edges = package
    problems = layer_problems(list(modules), edges)
    assert not problems, "\n".join(problems)


def test_there_is_no_import_cycle(package) -> None:
    _, edges = package
    found = cycles(edges)
    assert not found, "\n".join(describe(c) for c in found)


def missing_modules(src: Path, modules: dict[str, Path]) -> list[str]:
    """``file:line module`` for each import naming a module of the package that does not
    exist (``from fastaudit.engine.gone import X``): under ``TYPE_CHECKING`` or inside a
    function such an import fails late or never, so a move can leave it behind. (The
    names after ``from X import`` may be attributes, so only ``X`` must be a module.)"""
    return [
        f"{imp.path.relative_to(src).as_posix()}:{imp.line} {imp.module}"
        for imp in imports_of(modules)
        if imp.module.split(".")[0] == ROOT_PACKAGE and imp.module not in modules
    ]


def test_every_import_of_the_package_names_a_module_that_exists(package) -> None:
    modules, _ = package
    assert missing_modules(SRC, modules) == []


def test_an_import_of_a_moved_module_is_named(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        {
            "fastaudit/__init__.py": "",
            "fastaudit/low.py": (
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                "    from fastaudit.gone import X\n"
            ),
        },
    )
    assert missing_modules(src, find_modules(src)) == ["fastaudit/low.py:4 fastaudit.gone"]


def test_the_walk_sees_the_whole_package(package) -> None:
    """A guard on the guard: the checker found the modules and the imports it should."""
    modules, edges = package
    assert {"fastaudit.config", "fastaudit.audit.scan", "fastaudit.rules"} <= set(modules)
    assert not any("demo_project" in m for m in modules)
    assert "fastaudit.rules" in {e.target for e in edges if e.source == "fastaudit.audit.scan"}


# ----------------------------------------------------------------------------- the checker
def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


TINY_LAYERS = (("low", ("fastaudit.low",)), ("high", ("fastaudit.high",)))


def test_an_upward_import_inside_a_function_is_named(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        {
            "fastaudit/__init__.py": "",
            "fastaudit/low.py": "def f():\n    from fastaudit.high import g\n    return g\n",
            "fastaudit/high.py": "from fastaudit import low\n",
        },
    )
    modules = find_modules(src)
    edges = import_edges(src, modules)
    [problem] = layer_problems(list(modules), edges, TINY_LAYERS)
    assert problem.startswith("fastaudit/low.py:2: fastaudit.low (layer 1, low) imports")
    assert "fastaudit.high (layer 2, high)" in problem
    [cycle] = cycles(edges)
    assert describe(cycle) == (
        "import cycle: fastaudit.high (fastaudit/high.py:1) -> "
        "fastaudit.low (fastaudit/low.py:2) -> fastaudit.high"
    )


def test_relative_and_type_checking_imports_count(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        {
            "fastaudit/__init__.py": "",
            "fastaudit/low/__init__.py": "from . import a\n",
            "fastaudit/low/a.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..high.b import B\n"
            ),
            "fastaudit/high/__init__.py": "",
            "fastaudit/high/b.py": "from fastaudit.low.a import TYPE_CHECKING\nB = 1\n",
        },
    )
    modules = find_modules(src)
    edges = import_edges(src, modules)
    assert {(e.source, e.target, e.line) for e in edges} == {
        ("fastaudit.low", "fastaudit.low.a", 1),
        ("fastaudit.low.a", "fastaudit.high.b", 3),
        ("fastaudit.high.b", "fastaudit.low.a", 1),
    }
    assert [e.where() for e in edges if e.source == "fastaudit.low.a"] == ["fastaudit/low/a.py:3"]
    assert len(layer_problems(list(modules), edges, TINY_LAYERS)) == 1
    assert len(cycles(edges)) == 1


def test_a_module_in_no_layer_is_named(tmp_path: Path) -> None:
    src = _write(tmp_path, {"fastaudit/__init__.py": "", "fastaudit/stray.py": ""})
    modules = find_modules(src)
    assert layer_problems(list(modules), [], TINY_LAYERS) == [
        "fastaudit.stray: in no layer; add it to LAYERS in tests/test_layering.py"
    ]


def test_downward_imports_and_the_root_package_are_fine(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        {
            "fastaudit/__init__.py": "__version__ = '0'\n",
            "fastaudit/low.py": "from fastaudit import __version__\n",
            "fastaudit/high.py": "import fastaudit.low\n",
        },
    )
    modules = find_modules(src)
    edges = import_edges(src, modules)
    assert layer_problems(list(modules), edges, TINY_LAYERS) == []
    assert cycles(edges) == []
