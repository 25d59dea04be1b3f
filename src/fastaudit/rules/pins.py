"""PIN: dependency declarations and locks against the compatibility matrix.

Every format a Python project uses is read (see :mod:`fastaudit.project.deps`); each
finding points at the exact file and line of the declaration, lock entry or import it is
about. Fixes raise a lower bound in place, keeping everything else as written; lock files
are never edited, the fix note names the command that refreshes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import ClassVar

from packaging.version import Version

from fastaudit.engine.project import ProjectView
from fastaudit.model import Finding, Fix, Safety, Severity
from fastaudit.project.deps import Declaration, DependencySet, Matrix, Source, collect
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
from fastaudit.project.deps.imports import (
    GuardedImportFacts,
    ImportSite,
    third_party_imports,
    unguarded,
)
from fastaudit.project.deps.matrix import NAMESPACE_ROOTS
from fastaudit.project.deps.model import Syntax, Where
from fastaudit.project.deps.python_mentions import python_mentions
from fastaudit.project.deps.specs import show
from fastaudit.project.deps.verdict import Status, judge
from fastaudit.rules.base import ProjectRule

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

    def at(self, view: ProjectView, where: Where, message: str, fix: Fix | None = None) -> Finding:
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
        )


def _packages(deps: DependencySet, matrix: Matrix) -> Iterator[tuple[Declaration, object]]:
    """Declarations of packages with a minimum (not the interpreter, not build tools)."""
    for declaration in deps.declarations:
        if declaration.name == "python" or declaration.source is Source.BUILD:
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
        for locked in deps.locked:
            minimum = matrix.minimums.get(locked.name)
            if minimum is None or locked.name == "python" or locked.version is None:
                continue
            if locked.version < minimum.version:
                yield self.at(
                    view,
                    locked.where,
                    f"{locked.where.file} resolves {locked.name} to {locked.version_text}, "
                    f"below the minimum {minimum.version}: raise the declared bound if it "
                    f"allows that, then run `{locked.command}`",
                )


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
        "unsafe: a different package gets installed; while the code imports the old one it "
        "stays declared and the successor is added next to it"
    )
    rationale = """
    Some packages common in older FastAPI tutorials are unmaintained or superseded
    (python-jose, encode/databases, async-asgi-testclient) or folded into one faster
    tool (black, isort and autoflake into ruff). Declaring them keeps known bugs and
    CVEs installed. When no Python file imports the old package, the fix swaps the
    declaration for the successor at its minimum (or removes it when the successor is
    already declared). While the code still imports it, the fix only adds the
    successor: the old declaration goes once the code has moved, which the finding
    points to.
    """
    dont = '[project]\ndependencies = ["python-jose[cryptography]>=3.3"]\n'
    do = '[project]\ndependencies = ["pyjwt>=2.9"]\n'
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
    dont_fixed_files = do_files

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
            else:
                note = "; ".join(
                    p
                    for p in (
                        f"no Python file imports {declaration.name}; scripts, CI and hooks "
                        f"that run it must switch to {successor}",
                        refresh,
                    )
                    if p
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


class UndeclaredImport(GuardedImportFacts, PinRule):
    id = "PIN107"
    name = "undeclared-import"
    title = "Code imports a package the project does not declare"
    severity = Severity.WARNING
    rationale = """
    An import that works only because something else happened to install the package
    (a transitive dependency, a developer's virtualenv) breaks on a clean install, and
    its version is never checked. `pydantic_settings` is no longer part of Pydantic;
    `jwt` comes from PyJWT; `httpx` in tests must be in the test dependencies. Declare
    every distribution the code imports directly. Imports guarded by
    `try: ... except ImportError:` are treated as optional and not reported.
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

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        if not deps.declaring_files:
            return  # nothing is declared anywhere: there is nothing to compare against
        declared = _installed_names(deps, matrix)
        for dists, sites in third_party_imports(view, matrix).items():
            if any(d in declared for d in dists):
                continue
            top = sites[0].module.split(".", 1)[0]
            if _normalized(top) in declared and _normalized(top) not in dists:
                continue  # a different distribution of that name: PIN108
            sites = [s for s in unguarded(view, sites) if not _namespace_declared(s, declared)]
            if not sites:
                continue
            first = sites[0]
            names = " or ".join(dists)
            more = len({s.path for s in sites}) - 1
            also = f" (also imported in {more} other file{'s' if more > 1 else ''})" if more else ""
            minimum = matrix.minimums.get(dists[0])
            why = f", so its minimum {minimum.version} is never checked" if minimum else ""
            where = Where(first.path, first.line, first.column)
            yield self.at(
                view,
                where,
                f"`{first.module}` is imported but {names} is not declared in any dependency "
                f"file{why}{also}",
            )


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
    from fastaudit.project.deps import normalize

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
            if declaration.name in _STUBS_BY_EXTRA:
                # ``boto3-stubs[sqs]`` installs mypy-boto3-sqs (imported as mypy_boto3_sqs).
                names.add(f"{_STUBS_BY_EXTRA[declaration.name]}-{_normalized(extra)}")
    return names


def _namespace_declared(site: ImportSite, declared: set[str]) -> bool:
    """``opentelemetry.instrumentation.fastapi`` from opentelemetry-instrumentation-
    fastapi, ``from google.cloud import storage`` from google-cloud-storage: in a
    namespace package, a declared distribution named after the import's path (or a
    longer one below it) provides it."""
    parts = site.module.split(".")
    if parts[0] not in NAMESPACE_ROOTS or len(parts) < 2:
        return False
    dashed = _normalized("-".join(parts))
    return any(name == dashed or name.startswith(dashed + "-") for name in declared)


# Stub bundles whose extras each install a package named after the extra.
_STUBS_BY_EXTRA = {
    "boto3-stubs": "mypy-boto3",
    "types-boto3": "types-boto3",
    "types-aiobotocore": "types-aiobotocore",
    "aiobotocore-stubs": "types-aiobotocore",
}
