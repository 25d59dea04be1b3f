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
# The policy's keys (not rule prefixes) when every declaration of a package excludes the
# release a family of rules speaks of: the pin, as shown in the findings.
PYDANTIC_V1_ONLY = "pydantic<2"
FASTAPI_BEFORE_ANNOTATED = "fastapi<0.95"
# FastAPI 0.100 is the first to install Pydantic 2: a project pinning an older FastAPI
# and declaring no pydantic of its own is on Pydantic 1.
FASTAPI_WITH_PYDANTIC_2 = Version("0.100")
# Rules whose advice is FastAPI's ``Annotated`` form (FastAPI 0.95 on).
ANNOTATED_RULES = frozenset({"DEP101", "DEP102"})


def fix_policy(view: ProjectFiles) -> dict[str, str]:
    """Rule-id prefix -> why that family's fixes must be treated as unsafe here; and
    ``PYDANTIC_V1_ONLY`` / ``FASTAPI_BEFORE_ANNOTATED`` -> the pin that keeps a family's
    advice for a later upgrade (see ``pinned_note``)."""
    from fastaudit.project.deps.collect import collect  # the parsers: a project pass's

    policy: dict[str, str] = {}
    deps, matrix = collect(view)
    pydantic = _every_declaration_excludes(deps, "pydantic", PYDANTIC_V2)
    if pydantic is not None:
        shown, every = pydantic
        policy["PYD"] = (
            f"the project declares {shown}, which excludes Pydantic 2: this v2 "
            "spelling breaks until that pin is raised"
        )
        if every:
            policy[PYDANTIC_V1_ONLY] = shown
    elif not any(d.name == "pydantic" and d.applies for d in deps.declarations):
        # No pydantic of its own: the FastAPI it pins chooses it.
        fastapi = _every_declaration_excludes(deps, "fastapi", FASTAPI_WITH_PYDANTIC_2)
        if fastapi is not None and fastapi[1]:
            policy["PYD"] = (
                f"the project declares {fastapi[0]}, which installs Pydantic 1: this v2 "
                "spelling breaks until that pin is raised"
            )
            policy[PYDANTIC_V1_ONLY] = f"{fastapi[0]}, which installs Pydantic 1,"
    fastapi = _every_declaration_excludes(deps, "fastapi", NEEDS_FASTAPI["DEP101"][0])
    if fastapi is not None and fastapi[1]:
        policy[FASTAPI_BEFORE_ANNOTATED] = fastapi[0]
    _pydantic_settings(policy, deps, matrix)
    _python_floor(policy, deps)
    _fastapi_releases(policy, deps)
    _httpx_releases(policy, deps)
    return policy


def _every_declaration_excludes(
    deps: DependencySet, name: str, release: Version
) -> tuple[str, bool] | None:
    """(the first declaration of ``name`` excluding ``release``, as shown, and whether
    every one does), or None when none does. A pin fastaudit cannot read may be any
    release: it admits."""
    excluding: list[str] = []
    admitting = False
    for declaration in deps.declarations:
        if declaration.name != name or not declaration.applies:
            continue
        if not declaration.checkable:
            admitting = True
            continue
        try:
            alternatives = version_bounds(declaration)
        except SpecError:
            admitting = True
            continue
        if alternatives and all(b.excludes(release) for b in alternatives):
            excluding.append(f"`{declaration.display}` ({declaration.where.label})")
        else:
            admitting = True
    if not excluding:
        return None
    return excluding[0], not admitting


def pinned_note(policy: dict[str, str], rule: str) -> str | None:
    """What a finding says after its message where its advice waits for a pin to be
    raised (a Pydantic 2 rule on a project whose pydantic is 1.x, FastAPI's `Annotated`
    form below FastAPI 0.95); else None."""
    pin = policy.get(PYDANTIC_V1_ONLY)
    if pin is not None and rule in PYDANTIC_V2_CHANGES:
        return f"for the move to Pydantic 2, once {pin} is raised: the pinned 1.x lacks this"
    pin = policy.get(FASTAPI_BEFORE_ANNOTATED)
    if pin is not None and rule in ANNOTATED_RULES:
        return (
            f"for the move to FastAPI 0.95 or later, once {pin} is raised: older releases "
            "do not read `Annotated` markers"
        )
    return None


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
