"""SET103: API docs served in every environment."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable

from fastaudit.engine.context import ROUTE_METHODS, CallFilter, FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.serving import SCRIPT_FOLDERS
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import keyword_value
from fastaudit.rules.base import Rule

_DOC_URLS = ("openapi_url", "docs_url", "redoc_url")

# A variable: the function it lives in (0 for the module) and its name.
_Key = tuple[int, str]

# Ways of adding a route besides the decorators.
_ROUTE_ADDERS = ("add_api_route", "add_route", "route", "websocket", "add_api_websocket_route")
# Servers that run an app in-process.
_SERVERS = ("uvicorn.Config", "uvicorn.config.Config", "uvicorn.run", "uvicorn.main.run")
# Paths of health, readiness and status probes.
_PROBES = frozenset(
    {"/health", "/healthz", "/healthcheck", "/health-check", "/health_check", "/ready",
     "/readyz", "/readiness", "/live", "/livez", "/liveness", "/ping", "/status",
     "/metrics", "/version"}
)  # fmt: skip


# What a `FastAPI(...)` app only tells its docs page: filled in, the docs are published
# on purpose (an open-source API's licence, the terms its public users accept).
_PUBLIC_DOCS = frozenset({"license_info", "terms_of_service", "contact"})


def _hidden(value: ast.expr) -> bool:
    """A docs URL that is off (None, "") or decided elsewhere (any expression)."""
    if isinstance(value, ast.Constant):
        return value.value is None or value.value == ""
    return True


class DocsInEveryEnvironment(Rule):
    id = "SET103"
    skips_tests = True  # a test's app is never deployed (``finish``)
    name = "api-docs-in-every-environment"
    title = "API docs served in every environment"
    severity = Severity.WARNING
    rationale = """
    By default `FastAPI()` serves the OpenAPI schema at `/openapi.json` and interactive
    docs at `/docs` and `/redoc`, in production as everywhere else: a full map of the
    API, internal routes included, for anyone who asks. Decide per environment:
    pass `openapi_url=None` (which turns off the docs pages too) except where the docs
    should be visible, e.g. from the settings' environment name.

    Left alone: apps of tests and scripts (`scripts/`, `tools/`, `bin/`...), an app
    served in-process on a port the system picks (`uvicorn.Config(app, port=0)`: a
    callback server that lives for one command), an app whose routes are all health or
    status probes (`/health`, `/ready`, `/status`, `/metrics`...), an app mounted at `/`
    under one that serves the docs at the same URLs (the outer app answers them), and an
    app whose schema the project builds itself (`app.openapi = ...`: what it publishes
    is a decision already made), and an app that fills in `license_info=`,
    `terms_of_service=` or `contact=`, which its docs page alone shows: docs published
    for the public, on purpose.
    """
    dont = """
    from fastapi import FastAPI

    app = FastAPI(title="Inventory API", version="2.1.0")
    """
    do = """
    from fastapi import FastAPI

    from src.config import settings

    DOCS_ENVIRONMENTS = {"local", "staging"}

    app = FastAPI(
        title="Inventory API",
        version="2.1.0",
        openapi_url="/openapi.json" if settings.ENVIRONMENT in DOCS_ENVIRONMENTS else None,
    )
    """
    extra_valid = (
        # Keyword arguments built conditionally.
        """
        from fastapi import FastAPI

        from src.config import settings

        app_kwargs = {"title": "Inventory API"}
        if settings.ENVIRONMENT not in {"local", "staging"}:
            app_kwargs["openapi_url"] = None

        app = FastAPI(**app_kwargs)
        """,
        """
        from fastapi import FastAPI

        app = FastAPI(openapi_url=None)
        """,
        # Both pages turned off, or configured from settings.
        """
        import fastapi

        from src.config import settings

        app = fastapi.FastAPI(docs_url=settings.DOCS_URL, redoc_url=None)
        """,
        # Switched off after creation.
        """
        from fastapi import FastAPI

        from src.config import settings

        app = FastAPI(title="Inventory API")
        if settings.ENVIRONMENT == "production":
            app.openapi_url = None
        """,
        # A class of the project that happens to be called FastAPI.
        """
        class FastAPI:
            def __init__(self, **kwargs):
                self.kwargs = kwargs

        app = FastAPI(title="not the framework")
        """,
        # Routers do not serve docs.
        """
        from fastapi import APIRouter

        router = APIRouter(prefix="/items")
        """,
    )
    extra_invalid = (
        # A fixed schema path is served everywhere too.
        """
        from fastapi import FastAPI

        app = FastAPI(openapi_url="/api/openapi.json")
        """,
        # Hiding one page leaves the other and the schema.
        """
        from fastapi import FastAPI

        app = FastAPI(docs_url=None)
        """,
    )

    def __init__(self) -> None:
        # Each app: its call, and the variable holding it (scope, name).
        self._apps: list[tuple[ast.Call, _Key | None]] = []
        self._routers: set[_Key] = set()
        self._switched: set[_Key] = set()  # ``app.openapi_url = None``
        self._own_schema: set[_Key] = set()  # ``app.openapi = build_schema``
        self._paths: dict[_Key, list[str | None]] = {}  # routes added on each variable
        self._includes: dict[_Key, list[_Key | None]] = {}
        self._mounts: list[tuple[_Key, str | None, _Key | None]] = []
        self._ephemeral: set[_Key] = set()  # served by uvicorn on ``port=0``
        self._factories: dict[str, set[int]] = {}  # function name -> apps it returns
        self._made_by: dict[_Key, str] = {}  # ``ui = create_ui_app()``
        self._returned: list[tuple[str, _Key]] = []  # ``return app`` in a function

    # An app or router built, a server started, a route or sub-app added to one.
    calls = CallFilter.of(
        callees=_SERVERS,
        attrs=[*ROUTE_METHODS, *_ROUTE_ADDERS, "include_router", "mount"],
        route_owners=True,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        callee = ctx.resolve(func)
        # A project's own app or router class counts as FastAPI's (``route_owner_class``).
        made = ctx.route_owner_class(callee)
        if made == "app" and any(k.arg in _PUBLIC_DOCS for k in node.keywords):
            return  # docs meant for the public: ``license_info=`` shows on no page but them
        if made == "app":
            self._apps.append((node, _held_by(ctx.parent, ctx)))
            if isinstance(ctx.parent, ast.Return):
                self._returns(ctx, id(node))
            return
        if made == "router":
            key = _held_by(ctx.parent, ctx)
            if key is not None:
                self._routers.add(key)
            return
        if callee in _SERVERS:
            served = node.args[0] if node.args else keyword_value(node, "app")
            port = keyword_value(node, "port")
            if (
                isinstance(served, ast.Name)
                and isinstance(port, ast.Constant)
                and port.value == 0
                and not isinstance(port.value, bool)
            ):
                self._ephemeral.add(_key(ctx, served.id))
            return
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return
        owner = _key(ctx, func.value.id)
        first = node.args[0] if node.args else keyword_value(node, "path")
        if func.attr in ROUTE_METHODS or func.attr in _ROUTE_ADDERS:
            path = first.value if isinstance(first, ast.Constant) else None
            self._paths.setdefault(owner, []).append(path if isinstance(path, str) else None)
        elif func.attr == "include_router":
            router = node.args[0] if node.args else keyword_value(node, "router")
            included = _key(ctx, router.id) if isinstance(router, ast.Name) else None
            self._includes.setdefault(owner, []).append(included)
        elif func.attr == "mount":
            child = node.args[1] if len(node.args) > 1 else keyword_value(node, "app")
            path = first.value if isinstance(first, ast.Constant) else None
            mounted = _key(ctx, child.id) if isinstance(child, ast.Name) else None
            self._mounts.append((owner, path if isinstance(path, str) else None, mounted))

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Name):
            self._returns(ctx, node.value.id)

    def _returns(self, ctx: FileContext, what: str | int) -> None:
        """Note that the current function returns an app (its call's id, or a name
        resolved in ``finish``)."""
        function = ctx.function
        if function is None or isinstance(function.node, ast.Lambda):
            return
        name = function.node.name
        if isinstance(what, int):
            self._factories.setdefault(name, set()).add(what)
        else:
            self._returned.append((name, _key(ctx, what)))

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        value = node.value
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
        ):
            self._made_by[_key(ctx, node.targets[0].id)] = value.func.id
        for target in node.targets:
            if not isinstance(target, ast.Attribute) or not isinstance(target.value, ast.Name):
                continue
            if target.attr in _DOC_URLS and _hidden(node.value):
                self._switched.add(_key(ctx, target.value.id))
            elif target.attr == "openapi":
                self._own_schema.add(_key(ctx, target.value.id))

    def finish(self, ctx: FileContext) -> None:
        if is_test_path(ctx.path) or SCRIPT_FOLDERS.intersection(ctx.path.split("/")[:-1]):
            return  # a test's app, or a script's: never deployed
        defined = {key for _, key in self._apps if key is not None} | self._routers
        resolve = functools.partial(_resolve, defined)
        apps = {resolve(key): call for call, key in self._apps if key is not None}
        for name, key in self._returned:
            if resolve(key) in apps:
                self._factories.setdefault(name, set()).add(id(apps[resolve(key)]))
        paths: dict[_Key, list[str | None]] = {}
        for key, found in self._paths.items():
            paths.setdefault(resolve(key), []).extend(found)
        includes: dict[_Key, list[_Key | None]] = {}
        for key, routers in self._includes.items():
            includes.setdefault(resolve(key), []).extend(
                resolve(router) if router is not None else None for router in routers
            )
        decided = {resolve(k) for k in (*self._switched, *self._own_schema, *self._ephemeral)}
        mounting = {resolve(owner) for owner, _, _ in self._mounts}
        shadowed = self._shadowed(resolve, apps)
        for node, held in self._apps:
            if id(node) in shadowed:
                continue
            if held is not None:
                app = resolve(held)
                if app in decided or (
                    app not in mounting and self._probes_only(app, paths, includes)
                ):
                    continue
            self._report(node, ctx)

    def _probes_only(
        self,
        app: _Key,
        paths: dict[_Key, list[str | None]],
        includes: dict[_Key, list[_Key | None]],
    ) -> bool:
        """Every route of the app, its own and its local routers', is a health or status
        probe (``/health``, ``/status``...): its schema lists nothing worth hiding."""
        found = list(paths.get(app, ()))
        for router in includes.get(app, ()):
            if router is None or router not in self._routers:
                return False  # routes from elsewhere: unknown
            found.extend(paths.get(router, ()))
        return bool(found) and all(
            path is not None and path.rstrip("/").lower() in _PROBES for path in found
        )

    def _shadowed(self, resolve: Callable[[_Key], _Key], apps: dict[_Key, ast.Call]) -> set[int]:
        """Apps mounted at ``/`` under an app that serves the docs at the same default
        URLs: the outer app answers ``/docs`` and ``/openapi.json`` first, so the mounted
        app's own are never reached."""
        switched = {resolve(k) for k in self._switched}
        found: set[int] = set()
        for owner, path, child in self._mounts:
            outer = apps.get(resolve(owner))
            if path not in ("/", "") or child is None or outer is None:
                continue
            if not _default_docs(outer) or resolve(owner) in switched:
                continue
            inner = [apps[resolve(child)]] if resolve(child) in apps else []
            factory = self._made_by.get(child)
            if factory is not None:
                made = self._factories.get(factory, set())
                inner.extend(call for call, _ in self._apps if id(call) in made)
            found.update(id(call) for call in inner if _default_docs(call))
        return found

    def _report(self, node: ast.Call, ctx: FileContext) -> None:
        keywords = {k.arg: k.value for k in node.keywords}
        if None in keywords:  # **kwargs: decided where they are built
            return
        openapi = keywords.get("openapi_url")
        if openapi is not None:
            if _hidden(openapi):
                return
            ctx.report(
                node,
                f"`openapi_url={ctx.text(openapi)}` is fixed: the schema and the docs "
                "pages are served in every environment; make it `None` outside the "
                "environments that should show them",
            )
            return
        pages = [keywords.get("docs_url"), keywords.get("redoc_url")]
        if all(page is not None and _hidden(page) for page in pages):
            return
        ctx.report(
            node,
            "`FastAPI(...)` serves /openapi.json, /docs and /redoc in every environment; "
            "pass `openapi_url=None` outside the environments that should show them "
            '(e.g. `openapi_url="/openapi.json" if settings.ENVIRONMENT in '
            "DOCS_ENVIRONMENTS else None`)",
        )


def _key(ctx: FileContext, name: str) -> _Key:
    function = ctx.function
    return (id(function.node) if function is not None else 0, name)


def _resolve(defined: set[_Key], key: _Key) -> _Key:
    """A name used in a function is the function's own variable when it assigns one,
    else the module's."""
    return key if key in defined else (0, key[1])


def _held_by(parent: ast.AST | None, ctx: FileContext) -> _Key | None:
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        return _key(ctx, target.id) if isinstance(target, ast.Name) else None
    if isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name):
        return _key(ctx, parent.target.id)
    return None


def _default_docs(call: ast.Call) -> bool:
    """The app keeps the default docs URLs (none of them passed, no ``**kwargs``)."""
    return not any(k.arg is None or k.arg in _DOC_URLS for k in call.keywords)
