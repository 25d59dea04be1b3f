"""RTE105 (duplicate-route): the same method and full path declared twice in one app."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Generic, TypeVar

from fastaudit.model import Finding, Location, Severity
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.routes._shared import Include, Made, RouterFacts, router_graph

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# ``{item_id}`` and ``{id}`` match the same URLs; a converter changes what matches.
_PARAM = re.compile(r"\{\s*[^\W\d]\w*\s*(:\s*\w+\s*)?\}")
_MAX_DEPTH = 12


def _shape(path: str) -> str:
    def one(match: re.Match[str]) -> str:
        converter = (match.group(1) or "").replace(" ", "")
        return "{}" if converter in ("", ":str") else "{" + converter + "}"

    return _PARAM.sub(one, path)


_T = TypeVar("_T")


class DuplicateRoute(RouterFacts, ProjectRule):
    id = "RTE105"
    name = "duplicate-route"
    title = "The same method and path declared twice in one app"
    severity = Severity.WARNING
    peers = ("fastapi-doctor correctness/duplicate-route",)
    rationale = """
    Starlette tries routes in the order they were registered and the first whose method
    and path match answers. A second `GET /users/{id}`, whether in the same router or
    in another router that ends up under the same prefix, is never reached: its code,
    its dependencies and its documented response are dead, and the OpenAPI document
    lists one of them. The full path is put together the way FastAPI does: the
    router's own `prefix=`, then each `include_router(..., prefix=...)` up to the app
    (a prefix that is not a literal is compared by its source text); parameter names do
    not count (`{id}` and `{user_id}` match the same URLs), converters do. Routes in
    tests, inside functions or under `if` are left alone, as are routers whose way into
    the app cannot be read (built by a function, included in a loop). fastapi-doctor's
    `duplicate-route` compares the paths written on the decorators only. Apps rarely
    keep one for long (none of the calibration set has one); it appears while routers
    are moved, merged or re-prefixed, which is when it is worth a warning.
    """
    dont = """
    # app/users/router.py
    router = APIRouter(prefix="/users")

    @router.get("/{user_id}")
    async def read_user(user_id: int) -> UserOut: ...

    # app/admin/router.py
    router = APIRouter()

    @router.get("/users/{id}")          # the same URL once included at ""
    async def read_user_admin(id: int) -> AdminUserOut: ...
    """
    do = """
    # app/admin/router.py
    router = APIRouter(prefix="/admin")

    @router.get("/users/{id}")          # GET /admin/users/{id}: its own URL
    async def read_user_admin(id: int) -> AdminUserOut: ...
    """
    dont_files = {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI

            from app.admin.router import router as admin_router
            from app.users.router import router as users_router

            app = FastAPI()
            app.include_router(users_router)
            app.include_router(admin_router)
            """,
        "app/users/__init__.py": "",
        "app/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")


            @router.get("/{user_id}")
            async def read_user(user_id: int) -> dict:
                return {"id": user_id}
            """,
        "app/admin/__init__.py": "",
        "app/admin/router.py": """
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/users/{id}")
            async def read_user_admin(id: int) -> dict:
                return {"id": id, "admin": True}
            """,
    }
    do_files = {
        **dont_files,
        "app/admin/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/admin")


            @router.get("/users/{id}")
            async def read_user_admin(id: int) -> dict:
                return {"id": id, "admin": True}
            """,
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        graph = router_graph(project)
        mounts = _Mounts(graph.made, [i for i in graph.includes if not i.in_test])
        seen: dict[tuple[str, str, str], tuple[str, int, int, int, int, str, str]] = {}
        findings: list[Finding] = []
        routes = sorted(graph.routes, key=lambda r: (r.file, r.line, r.column))
        for route in routes:
            reported = False
            for app, prefix in sorted(mounts.places(route.owner)):
                full = prefix + route.path
                for method in route.methods:
                    key = (app, method, _shape(full))
                    here = (
                        route.file,
                        route.line,
                        route.column,
                        route.end_line,
                        route.end_column,
                        route.endpoint,
                        full,
                    )
                    first = seen.setdefault(key, here)
                    if first is here or reported or first[:2] == (route.file, route.line):
                        continue
                    reported = True
                    findings.append(_finding(self, project, method, here, first))
        return findings


def _finding(
    rule: DuplicateRoute,
    project: ProjectView,
    method: str,
    here: tuple[str, int, int, int, int, str, str],
    first: tuple[str, int, int, int, int, str, str],
) -> Finding:
    file, line, column, end_line, end_column, endpoint, full = here
    other_file, other_line, *_, other_endpoint, _ = first
    finding = project.finding(
        rule,
        file,
        line,
        f"`{method} {full}` (`{endpoint}`) is already declared by `{other_endpoint}` "
        f"({other_file}:{other_line}): both answer the same requests and only the one "
        "registered first ever runs",
        column=column,
        end_line=end_line,
        end_column=end_column,
    )
    label = f"`{other_endpoint}` declares `{method} {full}` first"
    return replace(finding, related=(Location(other_file, other_line, label),))


class _Mounts:
    """Where each router ends up: (app, the prefix before its routes' paths)."""

    def __init__(self, made: list[Made], includes: list[Include]) -> None:
        # Every lookup goes through an index (see ``_ByName``): a project with thousands
        # of routers all named ``router`` is not compared pair by pair.
        self.made: _ByName[Made] = _ByName()
        for item in made:
            self.made.add(item.qualname, item)
        self.includes: _ByName[Include] = _ByName()
        included: _ByName[str] = _ByName()
        for include in includes:
            self.includes.add(include.router, include)
            included.add(include.router, include.router)
        # An app: built by ``FastAPI()``, or something routers are included into that
        # is itself included nowhere (``app = create_app()``).
        apps = {m.qualname for m in made if m.is_app}
        for include in includes:
            if include.into_is_app or not included.find(include.into):
                apps.add(include.into)
        self.apps: _ByName[str] = _ByName()
        for app in sorted(apps):
            self.apps.add(app, app)
        self._memo: dict[str, set[tuple[str, str]]] = {}

    def _own_prefix(self, router: str) -> str | None:
        for made in self.made.find(router):
            return "" if made.is_app else made.prefix
        return None

    def places(self, owner: str, depth: int = 0) -> set[tuple[str, str]]:
        if owner in self._memo:
            return self._memo[owner]
        self._memo[owner] = set()  # a cycle reaches nothing
        found: set[tuple[str, str]] = set()
        app = next(iter(self.apps.find(owner)), None)
        if app is not None:
            found.add((app, ""))
        elif depth < _MAX_DEPTH:
            own = self._own_prefix(owner)
            if own is not None:
                for include in self.includes.find(owner):
                    for root, above in self.places(include.into, depth + 1):
                        found.add((root, above + include.prefix + own))
        self._memo[owner] = found
        return found


class _ByName(Generic[_T]):
    """Items by qualified name, found by ``same_qualname`` (a src layout's
    ``src.app.routes.router`` is ``app.routes.router``: one name is the other or ends
    with it after a dot) through two indexes instead of a pass over all items."""

    def __init__(self) -> None:
        self._count = 0
        # Every dotted suffix of an item's name (the whole name included) -> its items.
        self._by_suffix: dict[str, list[tuple[int, _T]]] = defaultdict(list)
        self._by_name: dict[str, list[tuple[int, _T]]] = defaultdict(list)

    def add(self, qualname: str, item: _T) -> None:
        number = self._count
        self._count += 1
        self._by_name[qualname].append((number, item))
        for suffix in _suffixes(qualname):
            self._by_suffix[suffix].append((number, item))

    def find(self, qualname: str) -> list[_T]:
        """The items whose name is ``qualname``, in the order they were added."""
        found = dict(self._by_suffix.get(qualname, ()))  # names ending in it
        for suffix in _suffixes(qualname):  # names it ends in
            found.update(self._by_name.get(suffix, ()))
        return [found[number] for number in sorted(found)]


def _suffixes(qualname: str) -> list[str]:
    """``a.b.c`` -> ``a.b.c``, ``b.c``, ``c``."""
    parts = qualname.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]
