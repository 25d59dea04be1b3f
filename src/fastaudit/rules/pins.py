"""PIN: dependency declarations and locks against the compatibility matrix.

Every format a Python project uses is read (see :mod:`fastaudit.project.deps`); each
finding points at the exact file and line of the declaration, lock entry or import it is
about. Fixes raise a lower bound in place, keeping everything else as written; lock files
are never edited, the fix note names the command that refreshes them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from packaging.version import Version

from fastaudit.engine.project import ProjectView
from fastaudit.model import Finding, Fix, Safety, Severity
from fastaudit.project.deps import (
    Declaration,
    DependencySet,
    Locked,
    Matrix,
    Source,
    collect,
    normalize,
)
from fastaudit.project.deps.edits import (
    HASH_NOTE,
    add_fix,
    hash_pinned,
    pins_exactly,
    raise_fix,
    refresh_note,
    remove_fix,
    swap_fix,
)
from fastaudit.project.deps.matrix import NAMESPACE_ROOTS
from fastaudit.project.deps.model import Syntax, Where
from fastaudit.project.deps.python_mentions import python_mentions
from fastaudit.project.deps.requires import dependency_path, merge, node, reachable
from fastaudit.project.deps.specs import show
from fastaudit.project.deps.verdict import Status, judge
from fastaudit.rules._support.dep_imports import (
    GuardedImportFacts,
    ImportSite,
    third_party_imports,
    unguarded,
)
from fastaudit.rules._support.dep_scripts import SCRIPT_FACT, script_dependencies, script_scopes
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext

_PYPROJECT = """
[project]
name = "shop"
version = "1.0.0"
requires-python = ">=3.11"
dependencies = [
    "fastapi[standard]>=0.100,<1.0",
    "pydantic-settings>=2.4",
]
"""

_SETTINGS_PY = """
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = False
"""
_AUTH_PY = """
import jwt


def read(token: str, key: str) -> dict:
    return jwt.decode(token, key, algorithms=["HS256"])
"""


# Replaced distribution -> the rule whose code fix moves its imports to the successor.
_CODE_FIXES = {"python-jose": "LIB101", "async-asgi-testclient": "LIB102", "databases": "LIB103"}


class PinRule(ProjectRule):
    """Shared helpers; not a rule itself (no id)."""

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        deps, matrix = collect(project)
        return list(self.check(project, deps, matrix))

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        raise NotImplementedError

    def at(
        self,
        view: ProjectView,
        where: Where,
        message: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        view.read_text(where.file)  # loads the text, so a missing end column can be computed
        known_end = where.end_line > 0 and where.end_column > 0
        return view.finding(
            self,
            where.file,
            where.line,
            message,
            column=where.column,
            end_line=where.end_line if known_end else where.line,
            end_column=where.end_column if known_end else None,
            fix=fix,
            severity=severity,
        )


def library_folders(deps: DependencySet) -> set[str]:
    """Folders of packages in the repository that are not a web app: a ``pyproject.toml``
    below the root that declares no FastAPI or Starlette (a generated client SDK, a
    shared library). The matrix's minimums are for the app; a library keeps low floors
    on purpose, so its declarations and lock are not held to them."""
    web: dict[str, bool] = {}
    for declaration in deps.declarations:
        file = declaration.where.file
        if not file.endswith("/pyproject.toml") or declaration.name == "python":
            continue
        serves_web = declaration.name in ("fastapi", "starlette") or declaration.name.startswith(
            "fastapi-"
        )
        web[file] = web.get(file, False) or serves_web
    return {file.rpartition("/")[0] for file, is_web in web.items() if not is_web}


def _in_library(file: str, libraries: set[str]) -> bool:
    return any(file.startswith(folder + "/") for folder in libraries)


def _packages(deps: DependencySet, matrix: Matrix) -> Iterator[tuple[Declaration, object]]:
    """Declarations of packages with a minimum (not the interpreter, not build tools,
    not a library's of the repository)."""
    libraries = library_folders(deps)
    for declaration in deps.declarations:
        if declaration.name == "python" or declaration.source is Source.BUILD:
            continue
        if libraries and _in_library(declaration.where.file, libraries):
            continue
        minimum = matrix.minimums.get(declaration.name)
        if minimum is not None:
            yield declaration, minimum


class _StatusRule(PinRule):
    status: ClassVar[Status]

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        for declaration, minimum in _packages(deps, matrix):
            verdict = judge(declaration, minimum.version)  # type: ignore[attr-defined]
            if verdict.status is self.status:
                commands = deps.lock_commands.get(declaration.where.file, [])
                fix = raise_fix(view, declaration, minimum.version, commands)  # type: ignore[attr-defined]
                message = self.message(declaration, verdict, minimum)
                if hash_pinned(view, declaration):
                    message += f"; {HASH_NOTE}"
                yield self.at(view, declaration.where, message, fix)

    def message(self, declaration: Declaration, verdict, minimum) -> str:
        raise NotImplementedError


class LowerBoundBelowMinimum(_StatusRule):
    id = "PIN101"
    name = "lower-bound-below-minimum"
    title = "Declared version range admits releases below the minimum"
    severity = Severity.WARNING
    status = Status.BELOW
    fix_safety = "safe when only the lower bound moves; unsafe when an upper bound moves too"
    rationale = """
    A range such as `fastapi>=0.100` lets a fresh install, a CI cache or a teammate's
    resolver pick a release older than the one the code is written for, and the failure
    shows up as an obscure error far from the cause. State the real minimum so the
    installer refuses what cannot work. The fix raises the lower bound only; upper
    bounds, extras, markers, quoting and comments stay as written.
    """
    dont = '[project]\ndependencies = ["fastapi[standard]>=0.100,<1.0"]\n'
    do = '[project]\ndependencies = ["fastapi[standard]>=0.115,<1.0"]\n'
    dont_files = {"pyproject.toml": _PYPROJECT}
    do_files = {"pyproject.toml": _PYPROJECT.replace(">=0.100", ">=0.115")}
    dont_fixed_files = {"pyproject.toml": _PYPROJECT.replace(">=0.100", ">=0.115")}

    def message(self, declaration: Declaration, verdict, minimum) -> str:
        lowest = verdict.lowest_text()
        if lowest == "no lower bound":
            return (
                f"`{declaration.display}` has no lower bound: it admits {declaration.name} "
                f"releases below the minimum {minimum.version}"
            )
        return f"`{declaration.display}` admits {lowest}, below the minimum {minimum.version}"


class ExactPinBelowMinimum(_StatusRule):
    id = "PIN102"
    name = "exact-pin-below-minimum"
    title = "Exact pin below the minimum"
    severity = Severity.WARNING
    status = Status.PINNED
    fix_safety = "unsafe: the pin moves to the minimum release, which you should test"
    rationale = """
    An exact pin (`fastapi==0.100.0`) below the minimum installs a release the
    project's code and its other dependencies are not meant for. Move the pin to a
    release at or above the minimum that you have tested; the fix proposes the
    minimum itself.
    """
    dont = "fastapi==0.100.0\n"
    do = "fastapi==0.115.0\n"
    dont_files = {"requirements.txt": "fastapi==0.100.0  # web framework\nhttpx>=0.27\n"}
    do_files = {"requirements.txt": "fastapi==0.115.0  # web framework\nhttpx>=0.27\n"}
    dont_fixed_files = {"requirements.txt": "fastapi==0.115.0  # web framework\nhttpx>=0.27\n"}

    def message(self, declaration: Declaration, verdict, minimum) -> str:
        pinned = verdict.bounds.exact if verdict.bounds else None
        shown = show(pinned) if pinned is not None else declaration.spec_text
        return (
            f"`{declaration.display}` pins {declaration.name} {shown}, below the minimum "
            f"{minimum.version}"
        )


class UpperBoundExcludesMinimum(_StatusRule):
    id = "PIN104"
    name = "upper-bound-excludes-minimum"
    title = "Version range shuts out the minimum altogether"
    severity = Severity.ERROR
    status = Status.EXCLUDED
    fix_safety = "unsafe: the upper bound has to move or go, which can need code changes"
    rationale = """
    An upper bound below the minimum (`pydantic<2`, Poetry's `^0.100` which means
    `<0.101`) makes every supported release uninstallable: the project is stuck on
    versions the rest of the stack no longer supports. Lifting it is a real upgrade
    (Pydantic 1 to 2 changes APIs), so the fix is offered as unsafe, with what it moves.
    """
    dont = '[project]\ndependencies = ["pydantic>=1.10,<2"]\n'
    do = '[project]\ndependencies = ["pydantic>=2.7"]\n'
    dont_files = {
        "pyproject.toml": _PYPROJECT.replace(">=0.100,<1.0", ">=0.115").replace(
            '"pydantic-settings>=2.4",', '"pydantic>=1.10,<2",'
        )
    }
    do_files = {
        "pyproject.toml": _PYPROJECT.replace(">=0.100,<1.0", ">=0.115").replace(
            '"pydantic-settings>=2.4",', '"pydantic>=2.7",'
        )
    }
    dont_fixed_files = do_files

    def message(self, declaration: Declaration, verdict, minimum) -> str:
        bounds = verdict.bounds
        limit = f" (upper bound {bounds.upper_text()})" if bounds and bounds.upper else ""
        return (
            f"`{declaration.display}` shuts out {declaration.name} {minimum.version}, the "
            f"minimum, and every later release{limit}"
        )


class LockBelowMinimum(PinRule):
    id = "PIN103"
    name = "lock-below-minimum"
    title = "Lock file resolves a package below the minimum"
    severity = Severity.WARNING
    rationale = """
    A declared range can be right while the lock still installs an old release: locks
    only move when they are regenerated. What runs in CI and production is what the
    lock says. Lock files are never edited by hand or by fastaudit; the message names
    the command that moves the package.
    """
    dont = '# uv.lock\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n'
    do = '# uv.lock\n[[package]]\nname = "fastapi"\nversion = "0.115.6"\n'
    dont_files = {
        "pyproject.toml": _PYPROJECT.replace(">=0.100,<1.0", ">=0.115"),
        "uv.lock": 'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n',
    }
    do_files = {
        "pyproject.toml": _PYPROJECT.replace(">=0.100,<1.0", ">=0.115"),
        "uv.lock": 'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.115.6"\n',
    }

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        libraries = library_folders(deps)
        for locked in deps.locked:
            minimum = matrix.minimums.get(locked.name)
            if minimum is None or locked.name == "python" or locked.version is None:
                continue
            if libraries and _in_library(locked.where.file, libraries):
                continue
            if _capped_or_undeclared(deps, locked, minimum.version):
                continue
            if locked.version < minimum.version:
                yield self.at(
                    view,
                    locked.where,
                    f"{locked.where.file} resolves {locked.name} to {locked.version_text}, "
                    f"below the minimum {minimum.version}: raise the declared bound if it "
                    f"allows that, then run `{locked.command}`",
                )


def _capped_or_undeclared(deps: DependencySet, locked: Locked, minimum: Version) -> bool:
    """A lock that is old because the file it is made from shuts the minimum out says
    nothing PIN104 does not already say there; and a package nobody declares is held
    back by a parent's cap (PIN106 names the parent), with no bound of ours to raise."""
    declared = [d for d in deps.declarations if d.name == locked.name and d.applies]
    if not declared:
        # Only when something is declared: a lock read alone is all there is to go by.
        return any(d.name != "python" for d in deps.declarations)
    sources = _lock_sources(locked.where.file)
    return any(
        d.where.file in sources and judge(d, minimum).status in (Status.PINNED, Status.EXCLUDED)
        for d in declared
    )


def _lock_sources(lock: str) -> set[str]:
    """The files a lock is made from: its folder's pyproject (uv, poetry, pdm), Pipfile,
    or the ``.in`` beside a compiled requirements file."""
    folder, _, name = lock.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name.endswith(".txt"):
        return {lock.removesuffix(".txt") + ".in"}
    if name == "Pipfile.lock":
        return {f"{prefix}Pipfile"}
    return {f"{prefix}pyproject.toml"}


class PythonBelowMinimum(PinRule):
    id = "PIN105"
    name = "python-below-minimum"
    title = "Supported Python range reaches below the minimum"
    severity = Severity.WARNING
    fix_safety = (
        "safe for requires-python style ranges; unsafe for .python-version / Pipfile, and "
        "while a Dockerfile, CI matrix, tox env or other declaration names an older Python"
    )
    rationale = """
    `requires-python` (or Poetry's `python = ...`, `python_requires`, `.python-version`,
    Pipfile's `python_version`) decides which interpreters installers accept and which
    language features the code may use. Admitting Pythons older than the minimum keeps
    the project from using what current FastAPI, Pydantic and asyncio rely on, and lets
    an old interpreter install it and fail at runtime.
    """
    dont = '[project]\nrequires-python = ">=3.9"\n'
    do = '[project]\nrequires-python = ">=3.11"\n'
    dont_files = {"pyproject.toml": _PYPROJECT.replace('">=3.11"', '">=3.9"')}
    do_files = {"pyproject.toml": _PYPROJECT}
    dont_fixed_files = {"pyproject.toml": _PYPROJECT}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        minimum = matrix.python.version
        for declaration in deps.declarations:
            if declaration.name != "python":
                continue
            verdict = judge(declaration, minimum)
            if verdict.status not in (Status.BELOW, Status.PINNED, Status.EXCLUDED):
                continue
            if declaration.syntax is Syntax.VERSION:
                message = (
                    f"`{declaration.display}` selects Python {declaration.text}, below the "
                    f"minimum {minimum}"
                )
            elif verdict.status is Status.BELOW:
                lower = verdict.bounds.lower if verdict.bounds else None
                message = (
                    f"`{declaration.display}` admits Python {lower}, below the minimum {minimum}"
                    if lower is not None
                    else f"`{declaration.display}` has no lower bound, below the minimum {minimum}"
                )
            else:
                message = f"`{declaration.display}` shuts out Python {minimum} and later"
            commands = deps.lock_commands.get(declaration.where.file, [])
            fix = raise_fix(view, declaration, minimum, commands)
            elsewhere = _older_pythons_elsewhere(view, deps, declaration, minimum)
            if elsewhere:
                places = ", ".join(elsewhere[:3]) + (
                    f" and {len(elsewhere) - 3} more" if len(elsewhere) > 3 else ""
                )
                message += f"; also named in {places}"
                if fix is not None:
                    fix = replace(
                        fix,
                        safety=Safety.UNSAFE,
                        note=f"{places} still name an older Python: raise them together",
                    )
            finding = self.at(view, declaration.where, message, fix)
            if len(elsewhere) > 3:
                finding = replace(finding, detail="\n".join(elsewhere))
            yield finding


def _older_pythons_elsewhere(
    view: ProjectView, deps: DependencySet, declaration: Declaration, minimum: Version
) -> list[str]:
    """Other places naming a Python below ``minimum``: a Dockerfile's base image, a CI
    matrix, tox envs, and the project's other Python declarations (``.python-version``)."""
    places = [mention.label for mention in python_mentions(view) if mention.version < minimum]
    for other in deps.declarations:
        if other.name != "python" or other.where.file == declaration.where.file:
            continue
        if judge(other, minimum).status in (Status.BELOW, Status.PINNED, Status.EXCLUDED):
            places.append(f"{other.where.label} (`{other.display}`)")
    return places


class ReplacedPackage(PinRule):
    id = "PIN106"
    name = "replaced-package-declared"
    title = "Declared package has a maintained successor"
    severity = Severity.WARNING
    fix_safety = (
        "unsafe: a package is removed or a different one gets installed; while the code "
        "imports the old one it stays declared and the successor is added next to it"
    )
    rationale = """
    Some packages common in older FastAPI tutorials are unmaintained or superseded
    (python-jose, encode/databases, async-asgi-testclient) or folded into one faster
    tool (black, isort and autoflake into ruff). Declaring them keeps known bugs and
    CVEs installed. A library no Python file imports is unused: the fix removes it
    rather than install its successor, which would be one more unused library. A tool
    is run, not imported, so its declaration is swapped for the successor at its
    minimum (or removed when the successor is already declared). While the code still
    imports the old package, the fix only adds the successor: the old declaration goes
    once the code has moved, which the finding points to.
    """
    dont = '[project]\ndependencies = ["python-jose[cryptography]>=3.3"]  # code: import jwt\n'
    do = '[project]\ndependencies = ["pyjwt>=2.9"]  # code: import jwt\n'
    dont_files = {
        "pyproject.toml": _PYPROJECT.replace(
            '"pydantic-settings>=2.4",', '"python-jose[cryptography]>=3.3",'
        ).replace(">=0.100,<1.0", ">=0.115")
    }
    do_files = {
        "pyproject.toml": _PYPROJECT.replace('"pydantic-settings>=2.4",', '"pyjwt>=2.9",').replace(
            ">=0.100,<1.0", ">=0.115"
        )
    }
    # Nothing imports python-jose, so it goes (the code's own JWT library is PIN107's).
    dont_fixed_files = {
        "pyproject.toml": _PYPROJECT.replace('    "pydantic-settings>=2.4",\n', "").replace(
            ">=0.100,<1.0", ">=0.115"
        )
    }

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        imports = third_party_imports(view, matrix)
        swapped: set[tuple[str, str]] = set()  # (file, successor): one swap per file
        declared = deps.declared_names()
        for declaration in deps.declarations:
            replacement = matrix.replaced.get(declaration.name)
            if replacement is None or not declaration.applies:
                continue
            successor = replacement.successor_name
            sites = [
                s for dists, found in imports.items() if declaration.name in dists for s in found
            ]
            code = ""
            if sites:
                first = sites[0]
                more = f" and {len(sites) - 1} more" if len(sites) > 1 else ""
                code = f"the code imports it at {first.path}:{first.line}{more}"
            reason = f" ({replacement.reason})" if replacement.reason else ""
            message = (
                f"`{declaration.display}` declares {declaration.name}, replaced by "
                f"{replacement.successor}{reason}"
            )
            commands = deps.lock_commands.get(declaration.where.file, [])
            refresh = refresh_note(commands)
            fix = None
            key = (declaration.where.file, successor)
            minimum = matrix.minimums.get(successor)
            # What the add-beside and the swap fixes both build from.
            target = (
                view,
                declaration,
                replacement.successor,
                minimum.version if minimum else None,
            )
            exact = pins_exactly(deps.declarations, declaration.where.file)
            if sites:
                # Removing the declaration now would break the code that imports it:
                # the successor goes in next to it, the removal waits for the code.
                code_rule = _CODE_FIXES.get(declaration.name)
                by = f" ({code_rule}'s fix moves it)" if code_rule else ""
                note = "; ".join(
                    p
                    for p in (
                        f"keeps {declaration.written_name}: {code}; remove it once that code "
                        f"has moved to {successor}{by}",
                        refresh,
                    )
                    if p
                )
                if successor in declared:
                    message += (
                        f"; {successor} is already declared, remove {declaration.name} once "
                        "the code no longer imports it"
                    )
                elif key not in swapped:
                    fix = add_fix(*target, note, exact=exact)
                    if fix is not None:
                        swapped.add(key)
            elif (
                not replacement.tool
                and successor not in declared
                and not _needed(successor, imports, deps, matrix, declaration.name)
            ):
                # A library nothing imports is unused: installing its successor in its
                # place would only add another unused library.
                note = "; ".join(
                    p
                    for p in (
                        f"no Python file imports {declaration.name}; check that nothing "
                        "loads it by name (a plugin or URL setting) before it goes",
                        refresh,
                    )
                    if p
                )
                message += (
                    "; no Python file imports it: remove it rather than install its successor"
                )
                fix = remove_fix(view, declaration, note)
            else:
                if replacement.tool:
                    use = f"scripts, CI and hooks that run it must switch to {successor}"
                elif successor in declared:
                    use = f"the code has moved to {successor}"
                else:
                    use = f"the code imports {successor}, which nothing else installs"
                note = "; ".join(
                    p for p in (f"no Python file imports {declaration.name}; {use}", refresh) if p
                )
                if successor not in declared and key not in swapped:
                    fix = swap_fix(*target, note, exact=exact)
                    if fix is not None:
                        swapped.add(key)
                elif successor in declared:
                    message += f"; {successor} is already declared, remove {declaration.name}"
                    fix = remove_fix(view, declaration, note)
            if fix is None and hash_pinned(view, declaration):
                message += f"; {HASH_NOTE}"
            if code:
                message += f"; {code}, which needs its own change"
            yield self.at(view, declaration.where, message, fix)


def _needed(
    successor: str,
    imports: dict[tuple[str, ...], list[ImportSite]],
    deps: DependencySet,
    matrix: Matrix,
    replaced: str,
) -> bool:
    """Whether the code imports ``successor`` while nothing but ``replaced`` installs it
    (``import jwt`` with python-jose declared): swapping then declares what the code
    needs, and removing would break it."""
    if not any(successor in dists for dists in imports):
        return False
    starts = [n for n in _declared_nodes(deps) if n.split("[", 1)[0] != replaced]
    return successor not in reachable(starts, _dependency_graph(deps, matrix))


class UndeclaredImport(GuardedImportFacts, PinRule):
    id = "PIN107"
    name = "undeclared-import"
    title = "Code imports a package the project does not declare"
    severity = Severity.WARNING
    rationale = """
    An import that works only because something else happened to install the package
    (a developer's virtualenv, a package since removed) breaks on a clean install, and
    its version is never checked. `pydantic_settings` is no longer part of Pydantic;
    `jwt` comes from PyJWT; `httpx` in tests must be in the test dependencies. Declare
    every distribution the code imports directly. A package that a declared one
    depends on (by the lock file, or the matrix for well-known packages) is reported
    at info severity: it installs today, but the project does not choose its version
    and loses it when that package drops it. Imports guarded by
    `try: ... except ImportError:` are treated as optional and not reported; a script's
    PEP 723 block (`# /// script`) declares what it and the modules beside it that it
    imports need.
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
        "pyproject.toml": _PYPROJECT.replace('    "pydantic-settings>=2.4",\n', ""),
        "app/__init__.py": "",
        "app/config.py": _SETTINGS_PY,
    }
    do_files = {"pyproject.toml": _PYPROJECT, "app/__init__.py": "", "app/config.py": _SETTINGS_PY}

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        names = script_dependencies(ctx.source.text)
        if names:
            ctx.add_fact(SCRIPT_FACT, names)

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        if not deps.declaring_files:
            return  # nothing is declared anywhere: there is nothing to compare against
        declared = _installed_names(deps, matrix)
        by_script = {
            path: _with_provides(names, matrix) for path, names in script_scopes(view).items()
        }
        graph = _dependency_graph(deps, matrix)
        # A dependency file speaks for the folder it is in and everything below; a file
        # outside all of them (a maintainer's script beside a generated app) belongs to
        # no declared project, and its imports are nobody's to declare.
        covering = {f.rpartition("/")[0] for f in deps.declaring_files}
        for dists, sites in third_party_imports(view, matrix).items():
            if any(d in declared for d in dists):
                continue
            top = sites[0].module.split(".", 1)[0]
            if _normalized(top) in declared and _normalized(top) not in dists:
                continue  # a different distribution of that name: PIN108
            sites = [
                s
                for s in unguarded(view, sites)
                if not _namespace_declared(s, declared)
                and not _declared_in(by_script.get(s.path), s, dists)
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
            chain = _brought_by(deps, matrix, graph, first, dists)
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


class WrongDistribution(PinRule):
    id = "PIN108"
    name = "wrong-distribution-for-import"
    title = "Declared distribution is not the one the import needs"
    severity = Severity.ERROR
    fix_safety = "unsafe: a different package gets installed"
    rationale = """
    Import names and distribution names differ: `import jwt` needs the `PyJWT`
    distribution, while the `jwt` distribution on PyPI is an unrelated project with a
    different API. Declaring the look-alike installs the wrong code, and the error only
    appears at runtime.
    """
    dont = '[project]\ndependencies = ["jwt>=1.3"]  # code: import jwt\n'
    do = '[project]\ndependencies = ["pyjwt>=2.9"]  # code: import jwt\n'
    dont_files = {
        "pyproject.toml": _PYPROJECT.replace('"pydantic-settings>=2.4",', '"jwt>=1.3",').replace(
            ">=0.100,<1.0", ">=0.115"
        ),
        "app/auth.py": _AUTH_PY,
    }
    do_files = {
        "pyproject.toml": _PYPROJECT.replace('"pydantic-settings>=2.4",', '"pyjwt>=2.9",').replace(
            ">=0.100,<1.0", ">=0.115"
        ),
        "app/auth.py": dont_files["app/auth.py"],
    }
    dont_fixed_files = {"pyproject.toml": do_files["pyproject.toml"]}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        declared = deps.declared_names()
        for dists, sites in third_party_imports(view, matrix).items():
            top = sites[0].module.split(".", 1)[0]
            wrong = _normalized(top)
            # Reported even when the right distribution is declared elsewhere: the
            # look-alike still gets installed and may shadow it.
            if wrong in dists or wrong not in declared:
                continue
            site = sites[0]
            for declaration in deps.declarations:
                if declaration.name != wrong:
                    continue
                minimum = matrix.minimums.get(dists[0])
                fix = swap_fix(
                    view,
                    declaration,
                    dists[0],
                    minimum.version if minimum else None,
                    "installs a different package; check the code against its API",
                    exact=pins_exactly(deps.declarations, declaration.where.file),
                )
                message = (
                    f"`{declaration.display}` installs the `{wrong}` distribution, but "
                    f"`import {top}` ({site.path}:{site.line}) needs {' or '.join(dists)}"
                )
                if fix is None and hash_pinned(view, declaration):
                    message += f"; {HASH_NOTE}"
                yield self.at(view, declaration.where, message, fix)


class DependencyFileProblem(PinRule):
    id = "PIN109"
    name = "unreadable-dependency-file"
    title = "Dependency file could not be read"
    severity = Severity.WARNING
    rationale = """
    A dependency file that is not valid TOML, names an include that does not exist, or
    holds a line its installer cannot parse fails the install, and its declarations
    could not be checked either. The finding points at where reading stopped.
    """
    dont = '[project]\ndependencies = ["fastapi>=0.115",\n'
    do = '[project]\ndependencies = ["fastapi>=0.115"]\n'
    dont_files = {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115",\n'}
    do_files = {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115"]\n'}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        for problem in deps.problems:
            yield self.at(view, problem.where, problem.message)


class UncheckableDeclaration(PinRule):
    id = "PIN110"
    name = "unversioned-declaration"
    title = "Package with a minimum comes from a URL, VCS or local path"
    severity = Severity.INFO
    rationale = """
    A package installed from a Git URL, an archive or a local folder has no version
    range to check, so fastaudit cannot tell whether it meets the minimum. Prefer a
    released version from the index, or make sure the referenced revision is recent.
    """
    dont = "fastapi @ git+https://github.com/fastapi/fastapi@0.99.0\n"
    do = "fastapi>=0.115\n"
    dont_files = {"requirements.txt": "fastapi @ git+https://github.com/fastapi/fastapi@0.99.0\n"}
    do_files = {"requirements.txt": "fastapi>=0.115\n"}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        for declaration, minimum in _packages(deps, matrix):
            if declaration.checkable:
                continue
            yield self.at(
                view,
                declaration.where,
                f"{declaration.written_name} {declaration.why}: its version cannot be checked "
                f"against the minimum {minimum.version}",  # type: ignore[attr-defined]
            )


def _normalized(name: str) -> str:
    return normalize(name)


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
                # ``boto3-stubs[sqs]`` installs mypy-boto3-sqs (imported as mypy_boto3_sqs).
                names.add(f"{_STUBS_BY_EXTRA[declaration.name]}-{_normalized(extra)}")
    return names


def _namespace_declared(site: ImportSite, declared: set[str]) -> bool:
    """``opentelemetry.instrumentation.fastapi`` from opentelemetry-instrumentation-
    fastapi, ``from google.cloud import storage`` from google-cloud-storage,
    ``azure.identity.aio`` from azure-identity: in a namespace package, a declared
    distribution named after the import's path, a part of it, or a longer path below
    it provides it."""
    names = _namespace_names(site)
    if not names:
        return False
    dashed = _normalized(site.module.replace(".", "-"))
    return any(name in names or name.startswith(dashed + "-") for name in declared)


def _namespace_names(site: ImportSite) -> set[str]:
    """The distributions a namespace import may come from, by the dashed-name
    convention: ``google-cloud`` and ``google-cloud-storage`` for
    ``google.cloud.storage``; none outside namespace packages."""
    parts = site.module.split(".")
    if parts[0] not in NAMESPACE_ROOTS:
        return set()
    return {_normalized("-".join(parts[:end])) for end in range(2, len(parts) + 1)}


def _with_provides(names: Iterable[str], matrix: Matrix) -> set[str]:
    """Declared names (``name`` or ``name[extra]``) and what they bring along."""
    found: set[str] = set()
    for name in names:
        found.add(name.split("[", 1)[0])
        found |= matrix.provides.get(name, frozenset())
    return found


def _declared_in(names: set[str] | None, site: ImportSite, dists: tuple[str, ...]) -> bool:
    return bool(names) and (any(d in names for d in dists) or _namespace_declared(site, names))


def _direct_parents(
    deps: DependencySet, matrix: Matrix, graph: dict[str, set[str]], near: str, name: str
) -> list[str]:
    """The declared packages that depend on ``name`` themselves (alembic and sqlmodel on
    sqlalchemy), at most three, nearest declarations first."""
    found: list[str] = []
    for start in _declared_nodes(deps, near, matrix):
        if name in graph.get(start, ()) and start.split("[", 1)[0] not in found:
            found.append(start.split("[", 1)[0])
    return found[:3]


def _declared_nodes(deps: DependencySet, near: str = "", matrix: Matrix | None = None) -> list[str]:
    """What the project installs by its own declarations, as dependency-graph nodes.
    With ``near`` (a file), the ones a message should name come first: declarations
    of a package the matrix does not call replaced, then those of the folders above
    that file, nearest first."""
    declarations = [
        d for d in deps.declarations if d.source is not Source.CONSTRAINTS and d.name != "python"
    ]
    if near:

        def rank(declaration: Declaration) -> tuple[bool, int]:
            folder = declaration.where.file.rpartition("/")[0]
            replaced = matrix is not None and declaration.name in matrix.replaced
            if folder and not near.startswith(folder + "/"):
                return replaced, 1  # another project's declaration
            depth = folder.count("/") + 1 if folder else 0
            return replaced, -depth  # the deeper the folder, the nearer the file

        declarations.sort(key=rank)
    nodes: list[str] = []
    for declaration in declarations:
        nodes.append(declaration.name)
        nodes.extend(f"{declaration.name}[{_normalized(e)}]" for e in sorted(declaration.extras))
    return nodes


def _brought_by(
    deps: DependencySet,
    matrix: Matrix,
    graph: dict[str, set[str]],
    site: ImportSite,
    dists: tuple[str, ...],
) -> list[str] | None:
    """The chain from a declared package to the distribution ``site`` imports, when one
    brings it along. Distributions are tried most specific first, so that
    ``opentelemetry.instrumentation.httpx`` is found as opentelemetry-instrumentation-
    httpx rather than as the opentelemetry-instrumentation it depends on."""
    starts = _declared_nodes(deps, site.path, matrix)
    namespace = sorted(_namespace_names(site), key=len, reverse=True)
    for candidate in [*dists, *namespace]:
        chain = dependency_path(starts, graph, {candidate})
        if chain is not None:
            return chain
    return None


def _dependency_graph(deps: DependencySet, matrix: Matrix) -> dict[str, set[str]]:
    """What depends on what: the locks' edges, then the matrix's well-known ones and
    what its ``provides`` table says a package brings along."""
    graph: dict[str, set[str]] = {}
    merge(graph, deps.requires)
    merge(graph, matrix.requires)
    merge(graph, matrix.provides)
    return graph


def _through(chain: list[str]) -> str:
    """`` (through starlette)`` for the packages between the declared one and the
    import's; ``sqlalchemy[asyncio]`` stands for the ``sqlalchemy`` after it."""
    middle: list[str] = []
    for name in chain[1:-1]:
        if middle and middle[-1].split("[", 1)[0] == name:
            continue
        middle.append(name)
    return f" (through {', '.join(middle)})" if middle else ""


# Stub bundles whose extras each install a package named after the extra.
_STUBS_BY_EXTRA = {
    "boto3-stubs": "mypy-boto3",
    "types-boto3": "types-boto3",
    "types-aiobotocore": "types-aiobotocore",
    "aiobotocore-stubs": "types-aiobotocore",
}
