"""PIN106: Declared package has a maintained successor."""

from __future__ import annotations

from collections.abc import Iterator

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.project.deps import DependencySet, Matrix
from fastaudit.project.deps.edits import (
    HASH_NOTE,
    add_fix,
    hash_pinned,
    pins_exactly,
    refresh_note,
    remove_fix,
    swap_fix,
)
from fastaudit.project.deps.requires import reachable
from fastaudit.rules._support.dep_imports import ImportSite, third_party_imports
from fastaudit.rules.pins._shared import PYPROJECT, PinRule, declared_nodes, dependency_graph

# Replaced distribution -> the rule whose code fix moves its imports to the successor.
_CODE_FIXES = {"python-jose": "LIB101", "async-asgi-testclient": "LIB102", "databases": "LIB103"}


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
        "pyproject.toml": PYPROJECT.replace(
            '"pydantic-settings>=2.4",', '"python-jose[cryptography]>=3.3",'
        ).replace(">=0.100,<1.0", ">=0.115")
    }
    do_files = {
        "pyproject.toml": PYPROJECT.replace('"pydantic-settings>=2.4",', '"pyjwt>=2.9",').replace(
            ">=0.100,<1.0", ">=0.115"
        )
    }
    # Nothing imports python-jose, so it goes (the code's own JWT library is PIN107's).
    dont_fixed_files = {
        "pyproject.toml": PYPROJECT.replace('    "pydantic-settings>=2.4",\n', "").replace(
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
    starts = [n for n in declared_nodes(deps) if n.split("[", 1)[0] != replaced]
    return successor not in reachable(starts, dependency_graph(deps, matrix))
