"""RTE108 (include-router-prefix): a router's only prefix given where it is included."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from fastaudit.engine.names import same_qualname
from fastaudit.model import Finding, Location, Severity
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.routes._shared import RouterFacts, router_graph

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


class IncludeRouterPrefix(RouterFacts, ProjectRule):
    id = "RTE108"
    name = "include-router-prefix"
    title = "A router's prefix given at `include_router` instead of on the router"
    severity = Severity.INFO
    default_enabled = False  # where a prefix is written is a house style
    peers = ("flake8-fastapi CF002",)
    rationale = """
    A router's paths are read in two places when its prefix is written at the mount
    point: `@router.get("/{user_id}")` in one module, `prefix="/users"` in another.
    Declared as `APIRouter(prefix="/users")`, the prefix sits beside the routes it
    shapes, the module reads as the URLs it serves, and moving the router keeps its
    URLs. The rule speaks only where the move is plain: a project `APIRouter()` with no
    prefix of its own, with routes of its own (an aggregating router only mounts
    others), included exactly once in the project (tests count: a test that mounts the
    router elsewhere relies on it being bare), with a literal prefix (a prefix from
    settings, such as an API version, is a deployment decision that belongs where the
    app is put together). FastAPI's own tutorial writes prefixes at `include_router`,
    so this is a style choice and the rule is opt-in; flake8-fastapi's CF002 reports
    every `include_router(prefix=...)`, including routers mounted twice and
    aggregators. There is no automatic fix: the edit spans two modules, and routes a
    router gets through Starlette's `add_route`/`mount` do not take its own prefix, so
    the move can change paths.
    """
    dont = """
    # app/users/router.py
    router = APIRouter()

    @router.get("/{user_id}")
    async def read_user(user_id: int) -> UserOut: ...

    # app/main.py
    app.include_router(users.router, prefix="/users")
    """
    do = """
    # app/users/router.py
    router = APIRouter(prefix="/users")

    @router.get("/{user_id}")
    async def read_user(user_id: int) -> UserOut: ...

    # app/main.py
    app.include_router(users.router)
    """
    dont_files = {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI

            from app.users import router as users

            app = FastAPI()
            app.include_router(users.router, prefix="/users")
            """,
        "app/users/__init__.py": "",
        "app/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/{user_id}")
            async def read_user(user_id: int) -> dict:
                return {"id": user_id}
            """,
    }
    do_files = {
        **dont_files,
        "app/main.py": """
            from fastapi import FastAPI

            from app.users import router as users

            app = FastAPI()
            app.include_router(users.router)
            """,
        "app/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")


            @router.get("/{user_id}")
            async def read_user(user_id: int) -> dict:
                return {"id": user_id}
            """,
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        graph = router_graph(project)
        owners = {route.owner for route in graph.routes}
        findings: list[Finding] = []
        for include in graph.includes:
            if include.in_test or not include.prefix or not include.literal:
                continue
            made = graph.definition(include.router)
            if made is None or made.is_app or made.opaque or made.prefix:
                continue
            times = sum(1 for i in graph.includes if same_qualname(i.router, include.router))
            if times != 1 or not any(same_qualname(owner, made.qualname) for owner in owners):
                continue
            name = made.qualname.rpartition(".")[2]
            finding = project.finding(
                self,
                include.path,
                include.line,
                f'`prefix="{include.prefix}"` is the only prefix of `{name}` '
                f"({made.path}:{made.line}), a router included only here: declare it as "
                f'`APIRouter(prefix="{include.prefix}")`, beside the routes it shapes',
                column=include.column,
                end_line=include.end_line,
                end_column=include.end_column,
            )
            label = f"`{name}` is made without a prefix"
            findings.append(replace(finding, related=(Location(made.path, made.line, label),)))
        return findings
