"""ASY106 (sync-dependency-without-blocking-work): Sync dependency that does no blocking work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext, module_name
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Finding, Severity
from fastaudit.rules._support.project_walk import file_facts, text_contains
from fastaudit.rules.async_code._shared import SyncFunctionFacts, def_header
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


def _dependency_message(name: str, used_in: str) -> str:
    return (
        f"`def {name}` is a sync dependency ({used_in}) whose body makes no call that "
        "could block, yet FastAPI runs it in the threadpool on every request; make it "
        "`async def`"
    )


# Noted once per file by ASY106: the qualified names ``Depends(...)``/``Security(...)``
# name outside the file (files that spell ``Depends(``/``Security(`` only), and the pure
# module-level sync functions no ``Depends`` of the file names: (name, line, column,
# end_line, end_column).
DEPENDS_IMPORTED_FACT = "depends-imported"
PURE_FUNCTIONS_FACT = "pure-sync-functions"


class SyncDependencyWithoutBlockingWork(SyncFunctionFacts, ProjectRule):
    id = "ASY106"
    name = "sync-dependency-without-blocking-work"
    title = "Sync dependency that does no blocking work"
    severity = Severity.INFO
    rationale = """
    FastAPI runs a `def` dependency in its threadpool (40 threads by default) so that
    blocking work cannot stall the event loop. A dependency that only reads its
    parameters, checks a header or raises `HTTPException` pays a thread hop on every
    request for nothing, and competes with the routes that really need threads. Make it
    `async def`. A function counts as a dependency when `Depends(...)`/`Security(...)`
    names it, in its own file or in another; its body must call only builtins, pure
    standard-library modules, classes of its own module, string methods or
    `HTTPException`. Anything else (a database, a cache, an unknown helper) keeps it
    sync and unreported.
    """
    dont = """
    from typing import Annotated

    from fastapi import Depends, Header, HTTPException

    from app.config import settings


    def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
        if x_api_key != settings.API_KEY:
            raise HTTPException(status_code=401)


    ApiKey = Depends(require_api_key)
    """
    do = """
    async def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
        if x_api_key != settings.API_KEY:
            raise HTTPException(status_code=401)
    """
    dont_files = {
        "app/dependencies.py": """
            from typing import Annotated

            from fastapi import Header, HTTPException

            from app.config import settings


            def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
                if x_api_key.strip() != settings.API_KEY:
                    raise HTTPException(status_code=401)
            """,
        "app/orders/router.py": """
            from fastapi import APIRouter, Depends

            from app.dependencies import require_api_key

            router = APIRouter(dependencies=[Depends(require_api_key)])
            """,
    }
    do_files = {
        "app/dependencies.py": """
            from typing import Annotated

            from fastapi import Header, HTTPException

            from app.config import settings


            async def require_api_key(x_api_key: Annotated[str, Header()]) -> None:
                if x_api_key.strip() != settings.API_KEY:
                    raise HTTPException(status_code=401)


            def load_user(token: str):
                return fetch_user(token)
            """,
        "app/orders/router.py": """
            from fastapi import APIRouter, Depends

            from app.dependencies import load_user, require_api_key

            router = APIRouter(dependencies=[Depends(require_api_key), Depends(load_user)])
            """,
    }
    extra_valid = (
        # Does I/O (a session, an unknown helper): sync is right.
        """
        from fastapi import Depends
        from app.database import SessionLocal

        def get_db():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()

        def current_user(token: str):
            return decode_and_load(token)

        async def route(db=Depends(get_db), user=Depends(current_user)): ...
        """,
        # Pure, but not used as a dependency.
        """
        def pagination(skip: int = 0, limit: int = 50) -> dict:
            return {"skip": skip, "limit": min(limit, 100)}
        """,
        # Already async.
        """
        from fastapi import Depends

        async def pagination(skip: int = 0) -> dict:
            return {"skip": skip}

        async def route(page=Depends(pagination)): ...
        """,
        # ``.get`` on an unknown object may be a database or cache call.
        """
        from fastapi import Depends

        def cached_flag(cache, name: str):
            return cache.get(name)

        async def route(flag=Depends(cached_flag)): ...
        """,
    )
    extra_invalid = (
        """
        from typing import Annotated
        from fastapi import Depends

        def pagination(skip: int = 0, limit: int = 50) -> dict:
            return {"skip": skip, "limit": min(limit, 100)}

        Page = Annotated[dict, Depends(pagination)]
        """,
    )

    def finish(self, ctx: FileContext) -> None:
        facts = self.sync_facts(ctx)
        for name in sorted(facts.local_refs):
            found = facts.pure_functions.get(name)
            if found is not None:
                _, frame = found
                ctx.report(
                    def_header(frame.node),
                    _dependency_message(name, "named in `Depends(...)` in this file"),
                )
        # Facts for the project pass (dependencies used across files).
        if facts.imported_refs and text_contains(ctx, "Depends(", "Security("):
            ctx.add_fact(DEPENDS_IMPORTED_FACT, tuple(sorted(facts.imported_refs)))
        pure = tuple(
            (name, span.line, span.column, span.end_line, span.end_column)
            for name, (span, _) in facts.pure_functions.items()
            if name not in facts.local_refs
        )
        if pure:
            ctx.add_fact(PURE_FUNCTIONS_FACT, pure)

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        """Dependencies defined in one module and named in `Depends` in another."""
        referenced: dict[str, str] = {}  # qualified name -> first file naming it
        for path in project.python_files:
            if is_test_path(path):
                continue
            for refs in file_facts(project, path, DEPENDS_IMPORTED_FACT):
                for qualified in refs:
                    referenced.setdefault(qualified, path)
        if not referenced:
            return []
        modules = {module_name(path)[0]: path for path in project.python_files}
        suffixes = _module_suffixes(modules)
        findings = []
        for qualified, user in sorted(referenced.items()):
            module, _, name = qualified.rpartition(".")
            defined_in = _module_path(modules, module, suffixes)
            if defined_in is None:
                continue
            pure = {
                item[0]: item
                for found in file_facts(project, defined_in, PURE_FUNCTIONS_FACT)
                for item in found
            }
            if name not in pure:
                continue
            _, line, column, end_line, end_column = pure[name]
            findings.append(
                project.finding(
                    self,
                    defined_in,
                    line,
                    _dependency_message(name, f"named in `Depends(...)` in {user}"),
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
            )
        return findings


def _module_path(
    modules: dict[str, str], module: str, suffixes: dict[str, list[str]] | None = None
) -> str | None:
    """The file of ``module``; ``suffixes`` (from :func:`_module_suffixes`) makes the
    src-layout look-up a dict look-up instead of a pass over every module."""
    if module in modules:
        return modules[module]
    # ``app.deps`` imported in a src layout lives in module ``src.app.deps``.
    if suffixes is not None:
        matches = suffixes.get(module, [])
    else:
        matches = [path for name, path in modules.items() if name.endswith("." + module)]
    return matches[0] if len(matches) == 1 else None


def _module_suffixes(modules: dict[str, str]) -> dict[str, list[str]]:
    """Every proper dotted suffix of every module name -> the files of those modules:
    ``src.app.deps`` gives ``app.deps`` and ``deps``."""
    found: dict[str, list[str]] = defaultdict(list)
    for name, path in modules.items():
        index = name.find(".")
        while index >= 0:
            found[name[index + 1 :]].append(path)
            index = name.find(".", index + 1)
    return found
