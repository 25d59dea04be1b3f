"""SET101: One settings class read by several domains."""

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
    is_test_path,
    line_finding,
    settings_classes,
)
from fastaudit.engine.names import annotation_value
from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.rules.base import ProjectRule

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
        self.visit_FunctionDef(node, ctx)  # type: ignore[arg-type]  # read alike (as LayoutFacts does)

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
                if home is not None:
                    readers.pop(home, None)
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


# An import of the app's own modules, by the module's parts below the app root:
# (importing file, its domain, ``from`` import?, the names imported).
_ImportsBelow = dict[tuple[str, ...], list[tuple[str, str, bool, tuple[str, ...]]]]


def _imports_below(project: ProjectView, app: App) -> _ImportsBelow:
    """Every import of the app's non-test files that names one of its modules, once per
    scan: each settings class then looks up its own module instead of going over every
    import of the project (prefect: 57 classes times 30,000 imports)."""
    key = ("SET101-imports", app.root)
    index: _ImportsBelow | None = project.memo.get(key)
    if index is not None:
        return index
    index = {}
    for path in sorted(project.outcomes):
        if is_test_path(path):
            continue
        domain = app.domain_of_path(path)
        if domain is None:
            continue
        for record in project.outcomes[path].imports:
            rest = app.locate(record.module)
            if rest is not None:
                index.setdefault(rest, []).append((path, domain, record.is_from, record.names))
    project.memo[key] = index
    return index


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
    index = _imports_below(project, app)
    found: set[tuple[str, str]] = set()
    for path, domain, is_from, names in index.get(module_parts, ()):
        if not is_from or accessors.intersection(names):
            found.add((path, domain))
    for path, domain, is_from, names in index.get(module_parts[:-1], ()):
        if is_from and module_parts[-1] in names:
            found.add((path, domain))
    readers: dict[str, list[str]] = defaultdict(list)
    for path, domain in sorted(found):
        if path != cls.path:
            readers[domain].append(path)
    return dict(readers)
