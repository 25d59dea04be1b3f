"""SET: how the application reads its configuration."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import (
    App,
    LayoutFacts,
    SettingsClass,
    find_apps,
    is_settings_path,
    is_test_path,
    line_finding,
    settings_classes,
)
from fastaudit.engine.names import annotation_value
from fastaudit.engine.project import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.rules.base import ProjectRule, Rule

# Module-level ``name = callee(...)`` assignments: (name, qualified callee).
MODULE_CALL_FACT = "module-call"
# Module-level functions and what they return: (name, qualified callee or class).
RETURNS_FACT = "returns"


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


class SharedSettings(LayoutFacts, ProjectRule):
    id = "SET101"
    name = "settings-shared-by-domains"
    title = "One settings class read by several domains"
    severity = Severity.INFO
    rationale = """
    A single `BaseSettings` class that every domain reads grows into a list of unrelated
    variables: nobody can tell which domain needs `SMTP_HOST`, and every test has to
    provide all of them. Give each domain its own `BaseSettings` subclass in its
    `config.py`, with its own `env_prefix` (`AUTH_`, `PAYMENTS_`), and keep only
    app-wide values (environment name, database URL) in the global one.
    """
    dont = """
    # src/config.py
    class Settings(BaseSettings):
        JWT_SECRET: str
        STRIPE_KEY: str

    settings = Settings()

    # src/auth/service.py            # src/payments/service.py
    from src.config import settings  from src.config import settings
    """
    do = """
    # src/auth/config.py
    class AuthConfig(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="AUTH_")
        JWT_SECRET: str

    auth_settings = AuthConfig()

    # src/payments/config.py
    class PaymentsConfig(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="PAYMENTS_")
        STRIPE_KEY: str

    payments_settings = PaymentsConfig()
    """
    _main = """
        from fastapi import FastAPI

        from src.auth.router import router as auth_router
        from src.payments.router import router as payments_router

        app = FastAPI(openapi_url=None)
        app.include_router(auth_router)
        app.include_router(payments_router)
        """
    _router = """
        from fastapi import APIRouter

        router = APIRouter()
        """
    dont_files = {
        "src/main.py": _main,
        "src/config.py": """
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                JWT_SECRET: str
                STRIPE_KEY: str


            settings = Settings()
            """,
        "src/auth/__init__.py": "",
        "src/auth/router.py": _router,
        "src/auth/service.py": """
            from src.config import settings


            def signing_key() -> str:
                return settings.JWT_SECRET
            """,
        "src/payments/__init__.py": "",
        "src/payments/router.py": _router,
        "src/payments/service.py": """
            from src.config import settings


            def api_key() -> str:
                return settings.STRIPE_KEY
            """,
    }
    do_files = {
        "src/main.py": _main,
        "src/config.py": """
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                ENVIRONMENT: str = "local"


            settings = Settings()
            """,
        "src/auth/__init__.py": "",
        "src/auth/router.py": _router,
        "src/auth/config.py": """
            from pydantic_settings import BaseSettings, SettingsConfigDict


            class AuthConfig(BaseSettings):
                model_config = SettingsConfigDict(env_prefix="AUTH_")
                JWT_SECRET: str


            auth_settings = AuthConfig()
            """,
        "src/auth/service.py": """
            from src.auth.config import auth_settings
            from src.config import settings


            def signing_key() -> str:
                return auth_settings.JWT_SECRET + settings.ENVIRONMENT
            """,
        "src/payments/__init__.py": "",
        "src/payments/router.py": _router,
        "src/payments/config.py": """
            from pydantic_settings import BaseSettings, SettingsConfigDict


            class PaymentsConfig(BaseSettings):
                model_config = SettingsConfigDict(env_prefix="PAYMENTS_")
                STRIPE_KEY: str


            payments_settings = PaymentsConfig()
            """,
        "src/payments/service.py": """
            from src.config import settings
            from src.payments.config import payments_settings


            def api_key() -> str:
                return payments_settings.STRIPE_KEY + settings.ENVIRONMENT
            """,
    }

    def __init__(self) -> None:
        self._module_functions: set[int] = set()

    # ------------------------------------------------------------------ per file
    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        self._note_call(node.targets, node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is not None:
            self._note_call([node.target], node.value, ctx)

    def _note_call(self, targets: list[ast.expr], value: ast.expr, ctx: FileContext) -> None:
        if ctx.function is not None or ctx.class_name is not None:
            return
        if not isinstance(value, ast.Call):
            return
        callee = ctx.resolve(value.func)
        if callee is None and isinstance(value.func, ast.Name) and ctx.module:
            # A function of this module (bound to nothing the resolver tracks).
            callee = ctx.qualify(value.func.id)
        if callee is None:
            return
        for target in targets:
            if isinstance(target, ast.Name):
                ctx.add_fact(MODULE_CALL_FACT, (target.id, callee))

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        super().visit_FunctionDef(node, ctx)
        if ctx.function is not None or ctx.class_name is not None:
            return
        self._module_functions.add(id(node))
        returned = annotation_value(node.returns, ctx.resolve)
        if returned is not None:
            ctx.add_fact(RETURNS_FACT, (node.name, returned.removesuffix("()")))

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.visit_FunctionDef(node, ctx)  # type: ignore[arg-type]

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        function = ctx.function
        if function is None or id(function.node) not in self._module_functions:
            return
        if isinstance(node.value, ast.Call):
            callee = ctx.resolve(node.value.func)
            if callee is not None:
                ctx.add_fact(RETURNS_FACT, (function.name, callee))

    # ------------------------------------------------------------------ project
    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        classes = settings_classes(project)
        if not classes:
            return
        for app in find_apps(project):
            if len(app.domains) < 2:
                continue
            owned = {app.domain_of_path(c.path) for c in classes} - {None}
            for cls in classes:
                if not cls.path.startswith(app.root + "/" if app.root else ""):
                    continue
                readers = _readers(project, app, cls)
                home = app.domain_of_path(cls.path)
                readers.pop(home, None)  # type: ignore[arg-type]
                without_own = [d for d in readers if d not in owned]
                if len(readers) < 2 or len(without_own) < 2:
                    continue
                listed = "; ".join(
                    f"{domain} ({', '.join(paths)})" for domain, paths in sorted(readers.items())
                )
                proposals = ", ".join(
                    f'{_camel(d)}Config in {app.domains[d]}/config.py with env_prefix="'
                    f'{d.upper()}_"'
                    for d in sorted(without_own)
                )
                yield line_finding(
                    project,
                    self,
                    cls.path,
                    cls.line,
                    f"`{cls.name}` is read by {len(readers)} domains: {listed}. Give each "
                    f"domain its own BaseSettings subclass ({proposals}) and keep only "
                    "app-wide values here.",
                )


def _readers(project: ProjectView, app: App, cls: SettingsClass) -> dict[str, list[str]]:
    """Domain -> files importing ``cls``, an instance of it, a function returning it,
    or the module defining it."""
    root = app.root
    below = cls.path[len(root) + 1 :] if root else cls.path
    module_parts = tuple(below.removesuffix(".py").split("/"))
    if module_parts[-1] == "__init__":
        module_parts = module_parts[:-1]
    outcome = project.outcomes.get(cls.path)
    own_facts = getattr(outcome, "facts", {}) if outcome is not None else {}
    accessors = {cls.name}
    for _ in range(3):  # instances made by functions that return the class, and so on
        known = {f"{cls.qualname.rpartition('.')[0]}.{name}" for name in accessors}
        for name, callee in own_facts.get(RETURNS_FACT, ()):
            if callee.removesuffix("()") in known:
                accessors.add(name)
        for name, callee in own_facts.get(MODULE_CALL_FACT, ()):
            if callee in known:
                accessors.add(name)
    readers: dict[str, list[str]] = defaultdict(list)
    for path in sorted(project.outcomes):
        if path == cls.path or is_test_path(path):
            continue
        domain = app.domain_of_path(path)
        if domain is None:
            continue
        for record in project.outcomes[path].imports:
            rest = app.locate(record.module)
            if rest is None:
                continue
            if record.is_from:
                reads = (rest == module_parts and bool(accessors & set(record.names))) or (
                    rest == module_parts[:-1] and module_parts[-1] in record.names
                )
            else:
                reads = rest == module_parts
            if reads:
                readers[domain].append(path)
                break
    return dict(readers)


# ------------------------------------------------------------------ os.environ reads
_ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.getenvb", "os.environb.get"})


def _reads_settings_freely(path: str) -> bool:
    """Files where reading the environment directly is expected."""
    parts = path.split("/")
    return (
        is_settings_path(path)
        or is_test_path(path)
        or (parts[-1] == "env.py" and any(p in ("migrations", "alembic") for p in parts))
        or "scripts" in parts[:-1]
    )


class EnvironReadOutsideSettings(Rule):
    id = "SET102"
    name = "environ-read-outside-settings"
    title = "Environment read outside the settings modules"
    severity = Severity.WARNING
    see_also = ""
    rationale = """
    `os.getenv("X")` scattered through the code reads configuration nobody has
    declared: it is not validated (a typo or a missing variable shows up as `None` at
    request time), not typed, and not listed anywhere a deployer can find it. Declare
    each variable on a `BaseSettings` class in a settings module (`config.py`), where it
    is parsed and checked at start-up, and read it from there.
    """
    dont = """
    import os

    import httpx


    async def send_sms(to: str, text: str) -> None:
        async with httpx.AsyncClient() as client:
            await client.post(
                os.environ["SMS_GATEWAY_URL"],
                json={"to": to, "text": text},
                headers={"X-Key": os.getenv("SMS_API_KEY", "")},
            )
    """
    do = """
    import httpx

    from src.notifications.config import sms_settings


    async def send_sms(to: str, text: str) -> None:
        async with httpx.AsyncClient() as client:
            await client.post(
                str(sms_settings.GATEWAY_URL),
                json={"to": to, "text": text},
                headers={"X-Key": sms_settings.API_KEY.get_secret_value()},
            )
    """
    extra_valid = (
        # Writing the environment (for a child process, say) is not reading settings.
        """
        import os

        os.environ["TZ"] = "UTC"
        del os.environ["TZ"]
        """,
        # A file that defines the settings class is a settings module, whatever its name.
        """
        import os

        from pydantic_settings import BaseSettings

        class DatabaseConfig(BaseSettings):
            URL: str = os.getenv("DATABASE_URL", "sqlite://")
        """,
        # A project mapping called environ is not os.environ.
        """
        environ = {"DEBUG": "1"}

        def debug() -> str:
            return environ["DEBUG"]
        """,
        """
        import os

        def home() -> str:
            return os.path.expanduser("~")
        """,
    )
    extra_invalid = (
        """
        from os import environ, getenv

        DEBUG = getenv("DEBUG") == "1"
        REDIS = environ.get("REDIS_URL")
        """,
        """
        import os as operating_system

        def region():
            return operating_system.environ["AWS_REGION"]
        """,
    )

    def __init__(self) -> None:
        self._pending: list[tuple[ast.AST, str]] = []
        self._defines_settings = False

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.resolve(node.func) in _ENV_CALLS:
            key = _key(node.args[0]) if node.args else None
            self._pending.append((node, key or ""))

    def visit_Subscript(self, node: ast.Subscript, ctx: FileContext) -> None:
        if isinstance(node.ctx, ast.Load) and ctx.resolve(node.value) in ("os.environ",):
            self._pending.append((node, _key(node.slice) or ""))

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        for base in node.bases:
            if ctx.resolve(base) in ("pydantic_settings.BaseSettings", "pydantic.BaseSettings"):
                self._defines_settings = True

    def finish(self, ctx: FileContext) -> None:
        if self._defines_settings or _reads_settings_freely(ctx.path):
            return
        for node, key in self._pending:
            written = ctx.text(node)
            if len(written) > 60:
                written = written[:57] + "..."
            if is_platform_variable(key):
                # Set by the platform for every process (a host name, a revision for
                # telemetry labels), not the app's configuration: nothing to declare.
                continue
            name = f"`{key}`" if key else "the variable"
            ctx.report(
                node,
                f"`{written}` reads the environment outside the settings modules; declare "
                f"{name} on a BaseSettings class in a config.py and read it from there",
            )


# Variables the runtime or platform sets for every process (container, Kubernetes,
# serverless, PaaS) or that telemetry SDKs define: read for labels, not configuration.
_PLATFORM_NAMES = frozenset(
    {"HOSTNAME", "HOST", "POD_NAME", "POD_NAMESPACE", "NODE_NAME", "DYNO", "RENDER",
     "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "KUBERNETES_SERVICE_HOST",
     "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_EXECUTION_ENV",
     "ECS_CONTAINER_METADATA_URI", "ECS_CONTAINER_METADATA_URI_V4", "WEBSITE_SITE_NAME",
     "PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"}
)  # fmt: skip
_PLATFORM_PREFIXES = (
    "OTEL_", "FLY_", "RAILWAY_", "RENDER_", "VERCEL_", "HEROKU_", "CF_INSTANCE_",
    "dramatiq_prom_",  # prometheus middleware of dramatiq reads these itself
)  # fmt: skip


# Build stamps the image or CI sets (``DISPATCH_BUILD``, ``GIT_SHA``): version metadata,
# read where the package is imported, not settings.
_BUILD_SUFFIXES = (
    "_BUILD", "_BUILD_ID", "_BUILD_NUMBER", "_COMMIT", "_COMMIT_SHA", "_GIT_SHA", "_REVISION",
)  # fmt: skip
_BUILD_NAMES = frozenset(
    {"BUILD_ID", "BUILD_NUMBER", "GIT_SHA", "GIT_COMMIT", "COMMIT_SHA", "SOURCE_COMMIT"}
)


def is_platform_variable(key: str) -> bool:
    return (
        key in _PLATFORM_NAMES
        or key.startswith(_PLATFORM_PREFIXES)
        or key in _BUILD_NAMES
        or key.endswith(_BUILD_SUFFIXES)
    )


def _key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


# ------------------------------------------------------------------ API docs exposure
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
        if ctx.resolve(node.func) != "fastapi.FastAPI":
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
