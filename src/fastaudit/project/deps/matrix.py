"""The compatibility matrix: shipped in ``fastaudit/data/matrix.toml``, extended or
overridden by the audited project's ``[tool.fastaudit.matrix]`` (same tables)::

    [tool.fastaudit.matrix.minimums]
    fastapi = "0.116"                                 # a version, or
    celery = { version = "5.4", reason = "..." }      # with the reason shown
    alembic = false                                   # stop checking it

    [tool.fastaudit.matrix.replaced]
    requests = { successor = "httpx", reason = "..." }   # or: requests = "httpx"
    pylint = { successor = "ruff", tool = true }         # run, never imported
    black = false

    [tool.fastaudit.matrix.imports]
    acme_sdk = "acme-python-sdk"                      # or a list of distributions

    [tool.fastaudit.matrix.provides]
    "acme[all]" = ["acme-extras"]

    [tool.fastaudit.matrix.requires]
    acme = ["acme-core"]                              # acme depends on acme-core
"""

from __future__ import annotations

import pkgutil
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from packaging.version import Version

from fastaudit.project.deps.model import normalize
from fastaudit.project.deps.specs import parse_version

TABLES = ("minimums", "replaced", "imports", "provides", "requires")


@dataclass(frozen=True, slots=True)
class Minimum:
    name: str
    version: Version
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Replacement:
    name: str
    successor: str  # as written, may carry extras: "sqlalchemy[asyncio]"
    reason: str = ""
    # A tool that is run (black, isort), not a library that is imported: that no file
    # imports it says nothing about whether the project uses it.
    tool: bool = False

    @property
    def successor_name(self) -> str:
        return normalize(self.successor.split("[", 1)[0])


@dataclass(slots=True)
class Matrix:
    minimums: dict[str, Minimum] = field(default_factory=dict)
    replaced: dict[str, Replacement] = field(default_factory=dict)
    # import name (possibly dotted) -> acceptable distributions
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "name" or "name[extra]" -> distributions it brings along
    provides: dict[str, frozenset[str]] = field(default_factory=dict)
    # "name" or "name[extra]" -> what it depends on, for projects without a lock that
    # says so: importing those works, but the project does not choose their version.
    requires: dict[str, frozenset[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def python(self) -> Minimum:
        return self.minimums.get("python") or Minimum("python", Version("3.11"))

    def distributions_for(self, module: str) -> tuple[str, ...]:
        """Distributions that provide ``module`` (the longest matching dotted prefix in
        ``[imports]``, else the top-level name normalised)."""
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            found = self.imports.get(".".join(parts[:end]))
            if found:
                return found
        return (normalize(parts[0]),)

    def maps(self, module: str) -> bool:
        """Whether the ``[imports]`` table names the distributions of ``module``."""
        parts = module.split(".")
        return any(".".join(parts[:end]) in self.imports for end in range(len(parts), 0, -1))


# Top-level packages many distributions share (PEP 420 namespace packages).
NAMESPACE_ROOTS = frozenset({"google", "opentelemetry", "azure", "zope", "backports", "jaraco"})


@cache
def shipped() -> dict[str, Any]:
    # pkgutil, not importlib.resources: the same loader, without ~3 ms of imports per start.
    data = pkgutil.get_data("fastaudit", "data/matrix.toml")
    if data is None:  # a loader that cannot read package data
        raise FileNotFoundError("fastaudit/data/matrix.toml")
    return tomllib.loads(data.decode("utf-8"))


def load_matrix(overrides: dict[str, Any] | None = None) -> Matrix:
    matrix = Matrix()
    _apply(matrix, shipped(), "matrix.toml")
    if overrides:
        _apply(matrix, overrides, "[tool.fastaudit.matrix]")
    return matrix


def _apply(matrix: Matrix, data: dict[str, Any], where: str) -> None:
    for key in data:
        if key not in TABLES:
            matrix.warnings.append(f"{where}: unknown table `{key}` (expected {', '.join(TABLES)})")
    for name, value in _table(matrix, data, "minimums", where).items():
        key = normalize(name) if name != "python" else "python"
        if value is False:
            matrix.minimums.pop(key, None)
            continue
        version, reason = _pair(value, "version")
        parsed = parse_version(version) if version else None
        if parsed is None:
            matrix.warnings.append(f"{where}: minimums.{name} must be a version, not {value!r}")
            continue
        matrix.minimums[key] = Minimum(key, parsed, reason)
    for name, value in _table(matrix, data, "replaced", where).items():
        key = normalize(name)
        if value is False:
            matrix.replaced.pop(key, None)
            continue
        successor, reason = _pair(value, "successor")
        if not successor:
            matrix.warnings.append(f"{where}: replaced.{name} needs a successor")
            continue
        tool = isinstance(value, dict) and value.get("tool") is True
        matrix.replaced[key] = Replacement(key, successor, reason, tool)
    for module, value in _table(matrix, data, "imports", where).items():
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            matrix.warnings.append(f"{where}: imports.{module} must be a name or a list of names")
            continue
        matrix.imports[module] = tuple(normalize(n) for n in names)
    for table in ("provides", "requires"):
        target = matrix.provides if table == "provides" else matrix.requires
        for name, value in _table(matrix, data, table, where).items():
            if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
                matrix.warnings.append(f"{where}: {table}.{name} must be a list of names")
                continue
            target[_requirement_key(name)] = frozenset(normalize(n) for n in value)


def _table(matrix: Matrix, data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        matrix.warnings.append(f"{where}: `{key}` must be a table")
        return {}
    return value


def _pair(value: object, main: str) -> tuple[str, str]:
    if isinstance(value, str):
        return value, ""
    if isinstance(value, dict) and isinstance(value.get(main), str):
        reason = value.get("reason")
        return value[main], reason if isinstance(reason, str) else ""
    return "", ""


def _requirement_key(text: str) -> str:
    """``FastAPI[Standard]`` -> ``fastapi[standard]``."""
    name, _, extras = text.partition("[")
    if not extras:
        return normalize(name)
    return f"{normalize(name)}[{normalize(extras.rstrip(']'))}]"
