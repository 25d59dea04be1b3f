"""SET103: API docs served in every environment."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules.base import Rule

_DOC_URLS = ("openapi_url", "docs_url", "redoc_url")


def _hidden(value: ast.expr) -> bool:
    """A docs URL that is off (None, "") or decided elsewhere (any expression)."""
    if isinstance(value, ast.Constant):
        return value.value is None or value.value == ""
    return True


class DocsInEveryEnvironment(Rule):
    id = "SET103"
    name = "api-docs-in-every-environment"
    title = "API docs served in every environment"
    severity = Severity.WARNING
    rationale = """
    By default `FastAPI()` serves the OpenAPI schema at `/openapi.json` and interactive
    docs at `/docs` and `/redoc`, in production as everywhere else: a full map of the
    API, internal routes included, for anyone who asks. Decide per environment:
    pass `openapi_url=None` (which turns off the docs pages too) except where the docs
    should be visible, e.g. from the settings' environment name.
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
        self._apps: list[tuple[ast.Call, str | None]] = []
        self._switched: set[str] = set()

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.route_owner_class(ctx.resolve(node.func)) != "app":
            return
        parent = ctx.parent
        name = None
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
            target = parent.targets[0]
            name = target.id if isinstance(target, ast.Name) else None
        elif isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name):
            name = parent.target.id
        self._apps.append((node, name))

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in _DOC_URLS
                and isinstance(target.value, ast.Name)
                and _hidden(node.value)
            ):
                self._switched.add(target.value.id)

    def finish(self, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return
        for node, name in self._apps:
            if name is not None and name in self._switched:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            if None in keywords:  # **kwargs: decided where they are built
                continue
            openapi = keywords.get("openapi_url")
            if openapi is not None:
                if _hidden(openapi):
                    continue
                ctx.report(
                    node,
                    f"`openapi_url={ctx.text(openapi)}` is fixed: the schema and the docs "
                    "pages are served in every environment; make it `None` outside the "
                    "environments that should show them",
                )
                continue
            pages = [keywords.get("docs_url"), keywords.get("redoc_url")]
            if all(page is not None and _hidden(page) for page in pages):
                continue
            ctx.report(
                node,
                "`FastAPI(...)` serves /openapi.json, /docs and /redoc in every environment; "
                "pass `openapi_url=None` outside the environments that should show them "
                '(e.g. `openapi_url="/openapi.json" if settings.ENVIRONMENT in '
                "DOCS_ENVIRONMENTS else None`)",
            )
