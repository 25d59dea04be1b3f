"""PIN107: Code imports a package the project does not declare."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from packaging.version import Version

from fastaudit.engine.project_view import ProjectView
from fastaudit.engine.serving import importers_by_path
from fastaudit.model import Finding, Severity
from fastaudit.project.deps import DependencySet, Matrix, Source
from fastaudit.project.deps.matrix import NAMESPACE_ROOTS
from fastaudit.project.deps.model import Where
from fastaudit.project.deps.requires import dependency_path, node
from fastaudit.project.deps.verdict import Status, judge
from fastaudit.rules._support.dep_imports import (
    GuardedImportFacts,
    ImportSite,
    backports,
    path_imports,
    third_party_imports,
    unguarded,
)
from fastaudit.rules._support.dep_scripts import (
    FRONT_MATTER_FACT,
    SCRIPT_FACT,
    front_matter_dependencies,
    script_dependencies,
    script_scopes,
)
from fastaudit.rules.pins._shared import (
    PYPROJECT,
    PinRule,
    declared_nodes,
    dependency_graph,
    normalized,
)

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext


_SETTINGS_PY = """
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = False
"""


class UndeclaredImport(GuardedImportFacts, PinRule):
    id = "PIN107"
    name = "undeclared-import"
    title = "Code imports a package the project does not declare"
    severity = Severity.WARNING
    peers = ("deptry DEP001",)
    rationale = """
    An import that works only because something else happened to install the package
    (a developer's virtualenv, a package since removed) breaks on a clean install, and
    its version is never checked. `pydantic_settings` is no longer part of Pydantic;
    `jwt` comes from PyJWT; `httpx` in tests must be in the test dependencies. Declare
    every distribution the code imports directly. A package that a declared one
    depends on (by the lock file, or the matrix for well-known packages) is reported
    at info severity: it installs today, but the project does not choose its version
    and loses it when that package drops it. Imports guarded by
    `try: ... except ImportError:` are treated as optional and not reported, as are
    the imports of an integration package whose `__init__.py` checks for its library
    first (`find_spec("slack_bolt")`, a version check naming the module), and so is
    the backport in its handler when every Python the project admits has the standard
    module it stands in for (`importlib_resources` from 3.9); a script's
    PEP 723 block (`# /// script`) declares what it and the modules beside it that it
    imports need, and an example's front matter (`# dependencies: [...]` in a leading
    `# ---` block) what it needs itself. Modules a function imports after putting a
    folder on `sys.path`, files in test-data folders Python cannot import
    (`tests/sample-projects/...`), and documentation examples (files under an
    `examples/` or `docs_src/` folder that no other project file imports: a reader runs
    them in an environment of their own) are not the project's dependencies.
    """
    dont = """
    # pyproject.toml declares fastapi only
    from pydantic_settings import BaseSettings
    """
    do = """
    # pyproject.toml declares "pydantic-settings>=2.4" too
    from pydantic_settings import BaseSettings
    """
    dont_files = {
        "pyproject.toml": PYPROJECT.replace('    "pydantic-settings>=2.4",\n', ""),
        "app/__init__.py": "",
        "app/config.py": _SETTINGS_PY,
    }
    do_files = {"pyproject.toml": PYPROJECT, "app/__init__.py": "", "app/config.py": _SETTINGS_PY}

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        names = script_dependencies(ctx.source.text)
        if names:
            ctx.add_fact(SCRIPT_FACT, names)
        own = front_matter_dependencies(ctx.source.text)
        if own:
            ctx.add_fact(FRONT_MATTER_FACT, own)

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        if not deps.declaring_files:
            return  # nothing is declared anywhere: there is nothing to compare against
        declared = _installed_names(deps, matrix)
        by_script = {
            path: _with_provides(names, matrix) for path, names in script_scopes(view).items()
        }
        for path, outcome in view.outcomes.items():
            for names in outcome.facts.get(FRONT_MATTER_FACT, ()):
                by_script.setdefault(path, set()).update(_with_provides(names, matrix))
        locked = {package.name for package in deps.locked}
        graph = dependency_graph(deps, matrix)
        # A dependency file speaks for the folder it is in and everything below; a file
        # outside all of them (a maintainer's script beside a generated app) belongs to
        # no declared project, and its imports are nobody's to declare.
        covering = {f.rpartition("/")[0] for f in deps.declaring_files}
        examples = _Examples(view)
        for dists, sites in third_party_imports(view, matrix).items():
            if any(_covered(d, declared) for d in dists):
                continue
            top = sites[0].module.split(".", 1)[0]
            if normalized(top) in declared and normalized(top) not in dists:
                continue  # a different distribution of that name: PIN108
            # Modules a function loads from a folder it put on ``sys.path`` itself, unless
            # a lock installs a distribution of that name.
            skipped = set() if dists[0] in locked else path_imports(view, sites)
            # A backport behind ``except ImportError`` of a standard-library import never
            # runs when every Python the project admits has the module.
            skipped |= {
                site
                for site, since in backports(view, sites).items()
                if _every_python_from(deps, Version(since))
            }
            sites = [
                s
                for s in unguarded(view, sites)
                if s not in skipped
                and not _named_after(s, declared, matrix, locked)
                and not _declared_in(by_script.get(s.path), s, dists, matrix, locked)
                and not _test_data(s.path)
                and not examples.standalone(s.path)
                and not _package_checks_for(view, s)
                and ("" in covering or any(s.path.startswith(c + "/") for c in covering))
            ]
            if not sites:
                continue
            first = sites[0]
            more = len({s.path for s in sites}) - 1
            also = f" (also imported in {more} other file{'s' if more > 1 else ''})" if more else ""
            slip = _stdlib_slip(first)
            if slip:
                also += slip
            where = Where(first.path, first.line, first.column)
            chain = _brought_by(deps, matrix, graph, first, dists, locked)
            if chain is None:
                minimum = matrix.minimums.get(dists[0])
                why = f", so its minimum {minimum.version} is never checked" if minimum else ""
                yield self.at(
                    view,
                    where,
                    f"`{first.module}` is imported but {' or '.join(dists)} is not declared in "
                    f"any dependency file{why}{also}",
                )
                continue
            # Installed, but only because a declared package depends on it: milder. Its
            # version is then whatever those packages allow (a wrapper such as sqlmodel
            # may hold it to a narrow range), so no claim about its minimum is made.
            name = chain[-1]
            parents = _direct_parents(deps, matrix, graph, first.path, name)
            brought = (
                ", ".join(parents[:-1]) + f" and {parents[-1]}"
                if len(parents) > 1
                else parents[0]
                if parents
                else f"{chain[0]}{_through(chain)}"
            )
            yield self.at(
                view,
                where,
                f"`{first.module}` is imported but {name} is not declared: it is installed "
                f"as a dependency of {brought}; declare it to choose its version "
                f"yourself{also}",
                severity=Severity.INFO,
            )


# Names everyone imports from the standard library, and where from: the same name taken
# from a third-party module (``from parse import Decimal``) is most likely a slip of an
# editor's auto-import.
_STDLIB_HOMES = {
    "Decimal": "decimal", "datetime": "datetime", "date": "datetime", "timedelta": "datetime",
    "timezone": "datetime", "Path": "pathlib", "Enum": "enum", "IntEnum": "enum",
    "dataclass": "dataclasses", "field": "dataclasses", "UUID": "uuid", "uuid4": "uuid",
    "defaultdict": "collections", "OrderedDict": "collections", "Counter": "collections",
    "deque": "collections", "Any": "typing", "Optional": "typing", "Union": "typing",
    "partial": "functools", "wraps": "functools", "lru_cache": "functools",
}  # fmt: skip


def _stdlib_slip(site: ImportSite) -> str:
    homes = [f"`{_STDLIB_HOMES[n]}.{n}`" for n in site.names if n in _STDLIB_HOMES]
    if not homes or len(homes) != len(site.names):
        return ""
    return f"; if {', '.join(homes)} of the standard library is meant, import it from there"


def _installed_names(deps: DependencySet, matrix: Matrix) -> set[str]:
    """Distributions the project declares (constraints install nothing), plus what
    declared packages bring along by the matrix's ``provides`` table."""
    names: set[str] = set()
    for declaration in deps.declarations:
        if declaration.source is Source.CONSTRAINTS or declaration.name == "python":
            continue
        names.add(declaration.name)
        names |= matrix.provides.get(declaration.name, frozenset())
        for extra in declaration.extras:
            names |= matrix.provides.get(f"{declaration.name}[{extra}]", frozenset())
            # What the lock says an extra adds: ``logfire[httpx]`` exists to install
            # opentelemetry-instrumentation-httpx, so asking for it declares that.
            names |= deps.requires.get(node(declaration.name, extra), set())
            if declaration.name in _STUBS_BY_EXTRA:
                # ``boto3-stubs[sqs]`` installs mypy-boto3-sqs (imported as mypy_boto3_sqs),
                # ``[essential]`` the stubs of the seven most used services, ``[full]``
                # every service's (noted as ``mypy-boto3-*``).
                bundle = _STUBS_BY_EXTRA[declaration.name]
                services = (
                    ("*",)
                    if normalized(extra) in ("full", "all")
                    else _ESSENTIAL_SERVICES
                    if normalized(extra) == "essential"
                    else (normalized(extra),)
                )
                names.update(f"{bundle}-{service}" for service in services)
    return names


def _every_python_from(deps: DependencySet, version: Version) -> bool:
    """The project declares its Python, and no declaration admits one older than
    ``version``."""
    pythons = [d for d in deps.declarations if d.name == "python"]
    return bool(pythons) and all(judge(d, version).status is Status.OK for d in pythons)


def _covered(name: str, declared: set[str]) -> bool:
    """``name`` is declared, or a stub bundle's ``[full]`` extra installs it."""
    if name in declared:
        return True
    bundle, _, _ = name.rpartition("-")
    while bundle:
        if f"{bundle}-*" in declared:
            return True
        bundle, _, _ = bundle.rpartition("-")
    return False


def _named_after(site: ImportSite, declared: set[str], matrix: Matrix, locked: set[str]) -> bool:
    """A declared distribution provides the import by one of the naming conventions:
    the namespace packages' (:func:`_namespace_declared`), or, for a module the matrix's
    ``imports`` table does not map, the dotted path with dashes (``azureml.core`` from
    azureml-core, ``ruamel.yaml`` from ruamel.yaml) or ``python-<name>`` (``gitlab`` from
    python-gitlab). Not when a lock installs a distribution named as the import's top
    level: then that one may well be what the code imports."""
    if _namespace_declared(site, declared):
        return True
    return bool(_conventional_names(site, matrix, locked) & declared)


def _conventional_names(site: ImportSite, matrix: Matrix, locked: set[str]) -> set[str]:
    parts = site.module.split(".")
    top = normalized(parts[0])
    if parts[0] in NAMESPACE_ROOTS or top in locked or matrix.maps(site.module):
        return set()
    dashed = {normalized("-".join(parts[:end])) for end in range(2, len(parts) + 1)}
    return dashed | {f"python-{top}"}


# Folders of documentation examples: scripts a reader copies and runs in an environment
# of their own, set up as the example's text says.
_EXAMPLE_FOLDERS = frozenset({"examples", "example", "docs_src"})


class _Examples:
    """Which files are standalone documentation examples: under an ``examples/`` (or
    ``example/``, ``docs_src/``) folder, and imported by no project file outside such
    folders. An example the test suite imports (FastAPI's ``docs_src`` tutorials run by
    its tests) runs in the project's environment, and its imports are the project's."""

    def __init__(self, view: ProjectView) -> None:
        self.view = view
        self._importers: dict[str, set[str]] | None = None

    def standalone(self, path: str) -> bool:
        if not _in_examples(path):
            return False
        if self._importers is None:
            self._importers = importers_by_path(self.view)
        return all(_in_examples(importer) for importer in self._importers.get(path, ()))


def _package_checks_for(view: ProjectView, site: ImportSite) -> bool:
    """Whether a package holding the importing file checks in its ``__init__.py``, before
    anything of it loads, for the module (a version check naming ``"langchain_core"``)
    or for the libraries it integrates (``find_spec("slack_bolt")``, raising an install
    hint): an optional integration, as a ``try``/``except ImportError`` would make it."""
    top = site.module.split(".", 1)[0]
    marks = (f'"{top}"', f"'{top}'", "find_spec(")
    folder = site.path.rpartition("/")[0]
    while folder:
        init = f"{folder}/__init__.py"
        source = view.read_text(init) if init in view.outcomes else None
        if source is not None and any(mark in source.text for mark in marks):
            return True
        folder = folder.rpartition("/")[0]
    return False


def _in_examples(path: str) -> bool:
    return any(part in _EXAMPLE_FOLDERS for part in path.split("/")[:-1])


def _test_data(path: str) -> bool:
    """A file under a tests folder inside a folder Python cannot import as a package
    (``tests/test-projects/app/flows.py``): test data, loaded by path or run as a project
    by the tests, whose imports are the data's (a flow importing a module that does not
    exist, to test the error), not the test suite's."""
    parts = path.split("/")[:-1]
    if "tests" not in parts and "test" not in parts:
        return False
    start = parts.index("tests") if "tests" in parts else parts.index("test")
    return any(not part.isidentifier() for part in parts[start + 1 :])


def _namespace_declared(site: ImportSite, declared: set[str]) -> bool:
    """``opentelemetry.instrumentation.fastapi`` from opentelemetry-instrumentation-
    fastapi, ``from google.cloud import storage`` from google-cloud-storage,
    ``azure.identity.aio`` from azure-identity: in a namespace package, a declared
    distribution named after the import's path, a part of it, or a longer path below
    it provides it."""
    names = _namespace_names(site)
    if not names:
        return False
    dashed = normalized(site.module.replace(".", "-"))
    return any(name in names or name.startswith(dashed + "-") for name in declared)


def _namespace_names(site: ImportSite) -> set[str]:
    """The distributions a namespace import may come from, by the dashed-name
    convention: ``google-cloud`` and ``google-cloud-storage`` for
    ``google.cloud.storage``; none outside namespace packages."""
    parts = site.module.split(".")
    if parts[0] not in NAMESPACE_ROOTS:
        return set()
    return {normalized("-".join(parts[:end])) for end in range(2, len(parts) + 1)}


def _with_provides(names: Iterable[str], matrix: Matrix) -> set[str]:
    """Declared names (``name`` or ``name[extra]``) and what they bring along."""
    found: set[str] = set()
    for name in names:
        found.add(name.split("[", 1)[0])
        found |= matrix.provides.get(name, frozenset())
    return found


def _declared_in(
    names: set[str] | None,
    site: ImportSite,
    dists: tuple[str, ...],
    matrix: Matrix,
    locked: set[str],
) -> bool:
    if not names:
        return False
    return any(_covered(d, names) for d in dists) or _named_after(site, names, matrix, locked)


def _direct_parents(
    deps: DependencySet, matrix: Matrix, graph: dict[str, set[str]], near: str, name: str
) -> list[str]:
    """The declared packages that depend on ``name`` themselves (alembic and sqlmodel on
    sqlalchemy), at most three, nearest declarations first."""
    found: list[str] = []
    for start in declared_nodes(deps, near, matrix):
        if name in graph.get(start, ()) and start.split("[", 1)[0] not in found:
            found.append(start.split("[", 1)[0])
    return found[:3]


def _brought_by(
    deps: DependencySet,
    matrix: Matrix,
    graph: dict[str, set[str]],
    site: ImportSite,
    dists: tuple[str, ...],
    locked: set[str],
) -> list[str] | None:
    """The chain from a declared package to the distribution ``site`` imports, when one
    brings it along. Distributions are tried most specific first, so that
    ``opentelemetry.instrumentation.httpx`` is found as opentelemetry-instrumentation-
    httpx rather than as the opentelemetry-instrumentation it depends on."""
    starts = declared_nodes(deps, site.path, matrix)
    named = _namespace_names(site) | _conventional_names(site, matrix, locked)
    for candidate in [*dists, *sorted(named, key=len, reverse=True)]:
        chain = dependency_path(starts, graph, {candidate})
        if chain is not None:
            return chain
    return None


def _through(chain: list[str]) -> str:
    """`` (through starlette)`` for the packages between the declared one and the
    import's; ``sqlalchemy[asyncio]`` stands for the ``sqlalchemy`` after it."""
    middle: list[str] = []
    for name in chain[1:-1]:
        if middle and middle[-1].split("[", 1)[0] == name:
            continue
        middle.append(name)
    return f" (through {', '.join(middle)})" if middle else ""


# What ``[essential]`` of a stub bundle installs.
_ESSENTIAL_SERVICES = ("cloudformation", "dynamodb", "ec2", "lambda", "rds", "s3", "sqs")

# Stub bundles whose extras each install a package named after the extra.
_STUBS_BY_EXTRA = {
    "boto3-stubs": "mypy-boto3",
    "types-boto3": "types-boto3",
    "types-aiobotocore": "types-aiobotocore",
    "aiobotocore-stubs": "types-aiobotocore",
}
