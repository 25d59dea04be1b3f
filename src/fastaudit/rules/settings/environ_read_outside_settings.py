"""SET102: Environment read outside the settings modules."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_settings_path, is_test_path
from fastaudit.model import Severity
from fastaudit.rules.base import Rule

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

    # The calls ``visit_Call`` acts on (the engine skips it on the others).
    calls = CallFilter.of(callees=_ENV_CALLS)

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
