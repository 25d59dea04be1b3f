"""What the declared dependencies mean for fixes elsewhere.

A Pydantic v2 spelling (``model_dump()``, ``ConfigDict``) breaks a project that still
declares ``pydantic<2``: there the PYD fixes are not safe, whatever they do on their own.
Importing ``pydantic_settings`` needs that package declared; writing ``int | None`` in a
model needs Python 3.10 at least; ``Annotated[..., Depends()]`` needs FastAPI 0.95 and a
route whose return annotation stands in for ``response_model=`` needs FastAPI 0.89;
``ASGITransport(app=...)`` needs httpx 0.18.
"""

from __future__ import annotations

from packaging.version import Version

from fastaudit.project.deps.collect import collect
from fastaudit.project.deps.matrix import Matrix
from fastaudit.project.deps.model import DependencySet, Source
from fastaudit.project.deps.specs import SpecError
from fastaudit.project.deps.verdict import Status, judge, version_bounds
from fastaudit.project.files import ProjectFiles

PYDANTIC_V2 = Version("2")
# PYD fixes that write nothing Pydantic v1 lacks (``Field(default=...)``, a plain
# default): a ``pydantic<2`` pin does not make them unsafe.
KEEPS_PYDANTIC_V1 = frozenset({"PYD108", "PYD109"})
# Fixes that write ``httpx.ASGITransport(app=...)``: rule -> the first httpx that has it.
NEEDS_HTTPX = {"TST104": Version("0.18")}
PEP604 = Version("3.10")  # ``X | None`` evaluated at runtime (Pydantic reads annotations)
# Fixes that add ``from pydantic_settings import ...``.
IMPORTS_PYDANTIC_SETTINGS = ("PYD106",)
# Fixes that write ``T | None``.
WRITES_UNION_NONE = ("PYD107",)
# Fixes that need a FastAPI release: rule -> (first release, what it brought).
NEEDS_FASTAPI = {
    "DEP101": (Version("0.95"), "`Annotated` dependencies"),
    "DEP102": (Version("0.95"), "`Annotated` parameters"),
    "RTE101": (Version("0.89"), "return annotations as the response model"),
}


# Rules about what Pydantic 2 changed (its names, its config, its validators, its split
# settings package, its explicit optional fields). Where every pydantic the project
# declares is older, what they ask for does not exist yet: they are the work of the move
# to Pydantic 2 (the pin's own finding asks for it), told as such, at info level.
PYDANTIC_V2_CHANGES = frozenset(
    {"PYD101", "PYD102", "PYD103", "PYD104", "PYD105", "PYD106", "PYD107"}
)
# The policy's key (not a rule prefix) when every pydantic declaration excludes v2.
PYDANTIC_V1_ONLY = "pydantic<2"


def fix_policy(view: ProjectFiles) -> dict[str, str]:
    """Rule-id prefix -> why that family's fixes must be treated as unsafe here; and
    ``PYDANTIC_V1_ONLY`` -> why the Pydantic 2 rules say nothing (see ``silenced``)."""
    policy: dict[str, str] = {}
    deps, matrix = collect(view)
    excluding: list[str] = []
    admitting = False
    for declaration in deps.declarations:
        if declaration.name != "pydantic" or not declaration.applies:
            continue
        if not declaration.checkable:
            admitting = True  # a pin fastaudit cannot read may be any release
            continue
        try:
            alternatives = version_bounds(declaration)
        except SpecError:
            admitting = True
            continue
        if alternatives and all(b.excludes(PYDANTIC_V2) for b in alternatives):
            excluding.append(f"`{declaration.display}` ({declaration.where.label})")
        else:
            admitting = True
    if excluding:
        policy["PYD"] = (
            f"the project declares {excluding[0]}, which excludes Pydantic 2: this v2 "
            "spelling breaks until that pin is raised"
        )
        if not admitting:
            policy[PYDANTIC_V1_ONLY] = excluding[0]
    _pydantic_settings(policy, deps, matrix)
    _python_floor(policy, deps)
    _fastapi_releases(policy, deps)
    _httpx_releases(policy, deps)
    return policy


def pydantic_1_note(policy: dict[str, str], rule: str) -> str | None:
    """For a Pydantic 2 rule where every declared pydantic is 1.x: what its finding says
    after its message (its advice waits for the pin to be raised); else None."""
    pin = policy.get(PYDANTIC_V1_ONLY)
    if pin is None or rule not in PYDANTIC_V2_CHANGES:
        return None
    return f"for the move to Pydantic 2, once {pin} is raised: the pinned 1.x lacks this"


def applies(prefix: str, rule: str) -> bool:
    """Whether the policy entry ``prefix`` demotes ``rule``'s fixes."""
    if not rule.startswith(prefix):
        return False
    return not (prefix == "PYD" and rule in KEEPS_PYDANTIC_V1)


def _httpx_releases(policy: dict[str, str], deps: DependencySet) -> None:
    """A fix writing an httpx API is safe only when every httpx the project can
    install has it: the locks all hold a release that does, or (without a lock) each
    declaration admits none older. An undeclared httpx could be any release."""
    locked = [lock for lock in deps.locked if lock.name == "httpx"]
    declared = [
        d
        for d in deps.declarations
        if d.name == "httpx" and d.applies and d.source is not Source.CONSTRAINTS
    ]
    for rule, needed in NEEDS_HTTPX.items():
        reason = ""
        if locked:
            old = next((k for k in locked if k.version is None or k.version < needed), None)
            if old is not None:
                reason = f"the lock installs httpx {old.version_text} ({old.where.label})"
        elif not declared:
            reason = "the project does not declare httpx, so its release is unknown"
        else:
            for declaration in declared:
                if judge(declaration, needed).status is not Status.OK:
                    where = declaration.where.label
                    reason = f"the project allows older ones (`{declaration.display}`, {where})"
                    break
        if reason:
            policy.setdefault(rule, f"this needs httpx {needed} and {reason}")


def _fastapi_releases(policy: dict[str, str], deps: DependencySet) -> None:
    """A fix that needs a newer FastAPI than the project installs is not safe. A lock
    says what is installed; without one, the declared floor is what the project says it
    supports (an unbounded ``fastapi`` installs the newest release and is fine)."""
    locked = [
        (lock.version, lock) for lock in deps.locked if lock.name == "fastapi" and lock.version
    ]
    for rule, (needed, feature) in NEEDS_FASTAPI.items():
        reason = ""
        if locked:
            old = next((lock for version, lock in locked if version < needed), None)
            if old is not None:
                reason = f"the lock installs FastAPI {old.version_text} ({old.where.label})"
        else:
            reason = _fastapi_floor_below(deps, needed)
        if reason:
            policy.setdefault(
                rule,
                f"{feature} need FastAPI {needed} and {reason}: raise FastAPI first",
            )


def _fastapi_floor_below(deps: DependencySet, needed: Version) -> str:
    for declaration in deps.declarations:
        if declaration.name != "fastapi" or not declaration.applies:
            continue
        if not declaration.checkable or declaration.source is Source.CONSTRAINTS:
            continue
        try:
            alternatives = version_bounds(declaration)
        except SpecError:
            continue
        if any(b.lower is not None and b.lower < needed for b in alternatives) or (
            alternatives and all(b.excludes(needed) for b in alternatives)
        ):
            where = declaration.where.label
            return f"the project allows older ones (`{declaration.display}`, {where})"
    return ""


def _pydantic_settings(policy: dict[str, str], deps: DependencySet, matrix: Matrix) -> None:
    """PYD106 moves the import to ``pydantic_settings``: safe only when the project
    installs that package (declared, or brought by ``fastapi[all]``)."""
    installed: set[str] = set()
    files: list[str] = []
    for declaration in deps.declarations:
        if declaration.name == "python" or declaration.source is Source.CONSTRAINTS:
            continue
        if declaration.name in ("pydantic", "fastapi") and declaration.where.file not in files:
            files.append(declaration.where.file)
        installed.add(declaration.name)
        installed |= matrix.provides.get(declaration.name, frozenset())
        for extra in declaration.extras:
            installed |= matrix.provides.get(f"{declaration.name}[{extra}]", frozenset())
    if "pydantic-settings" in installed:
        return
    where = files[0] if files else next(iter(sorted(deps.declaring_files)), "")
    reason = (
        f"pydantic-settings is not declared in {where}"
        if where
        else "pydantic-settings is not declared in any dependency file"
    )
    for rule in IMPORTS_PYDANTIC_SETTINGS:
        policy.setdefault(rule, f"{reason}: declare it, or the new import fails")


def _python_floor(policy: dict[str, str], deps: DependencySet) -> None:
    """A fix writing ``int | None`` breaks at import on Python 3.9 and older, which
    Pydantic evaluates even under ``from __future__ import annotations``."""
    for declaration in deps.declarations:
        if declaration.name != "python" or not declaration.checkable:
            continue
        if declaration.source not in (Source.REQUIRES_PYTHON, Source.POETRY, Source.SETUP_CFG):
            continue
        try:
            alternatives = version_bounds(declaration)
        except SpecError:
            continue
        if any(b.below(PEP604) for b in alternatives):
            for rule in WRITES_UNION_NONE:
                policy.setdefault(
                    rule,
                    f"`T | None` needs Python 3.10, and the project supports older ones "
                    f"(`{declaration.display}`, {declaration.where.label}): write "
                    "`Optional[T]` instead",
                )
            return
