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

    Left alone: what the platform, the CI service or the operating system sets for
    every process (`HOSTNAME`, `K_REVISION`, `GITHUB_SHA`, `CI_COMMIT_REF_NAME`,
    `BITBUCKET_BRANCH`, `NO_COLOR`), read for labels or to detect a build; settings
    modules, tests, Alembic's `env.py`, and scripts or CLI commands the app never
    imports.
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
        # (the read, the variable's name when written literally, the name expression)
        self._pending: list[tuple[ast.AST, str, ast.expr | None]] = []
        self._defines_settings = False

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.resolve(node.func) in _ENV_CALLS:
            arg = node.args[0] if node.args else None
            key = _key(arg) if arg is not None else None
            self._pending.append((node, key or "", arg))

    def visit_Subscript(self, node: ast.Subscript, ctx: FileContext) -> None:
        if isinstance(node.ctx, ast.Load) and ctx.resolve(node.value) in ("os.environ",):
            self._pending.append((node, _key(node.slice) or "", node.slice))

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        for base in node.bases:
            if ctx.resolve(base) in ("pydantic_settings.BaseSettings", "pydantic.BaseSettings"):
                self._defines_settings = True

    def finish(self, ctx: FileContext) -> None:
        if self._defines_settings or _reads_settings_freely(ctx.path):
            return
        looped = (
            _loop_names(ctx.tree, {id(arg) for _, key, arg in self._pending if not key})
            if any(not key and isinstance(arg, ast.Name) for _, key, arg in self._pending)
            else {}
        )
        for node, key, arg in self._pending:
            written = ctx.text(node)
            if len(written) > 60:
                written = written[:57] + "..."
            if is_platform_variable(key):
                # Set by the platform or the CI service for every process (a host name,
                # a revision for telemetry labels, the commit a build runs on), not the
                # app's configuration: nothing to declare.
                continue
            names = looped.get(id(arg)) if arg is not None else None
            if names and all(is_platform_variable(name) for name in names):
                # ``any(os.environ.get(v) for v in CI_VARIABLES)``: the same, in a loop.
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


# Variables a CI service defines for every job (the commit, the branch, the repository),
# read to detect the build or label a version: GitHub Actions, GitLab CI, Bitbucket
# Pipelines, Azure Pipelines, CircleCI, Travis, Buildkite, Jenkins, CodeBuild, Drone,
# TeamCity, AppVeyor, Semaphore, Buddy. Only the documented names: ``GITHUB_TOKEN`` or
# ``GITHUB_CLIENT_SECRET`` in an app are its own configuration (an OAuth app, say).
_CI_NAMES = frozenset(
    {"CI", "CONTINUOUS_INTEGRATION", "GITHUB_ACTIONS", "GITHUB_ACTION", "GITHUB_ACTOR",
     "GITHUB_ACTOR_ID", "GITHUB_API_URL", "GITHUB_BASE_REF", "GITHUB_EVENT_NAME",
     "GITHUB_EVENT_PATH", "GITHUB_GRAPHQL_URL", "GITHUB_HEAD_REF", "GITHUB_JOB",
     "GITHUB_REF", "GITHUB_REF_NAME", "GITHUB_REF_PROTECTED", "GITHUB_REF_TYPE",
     "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_ID", "GITHUB_REPOSITORY_OWNER",
     "GITHUB_REPOSITORY_OWNER_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER",
     "GITHUB_SERVER_URL", "GITHUB_SHA", "GITHUB_TRIGGERING_ACTOR", "GITHUB_WORKFLOW",
     "GITHUB_WORKFLOW_REF", "GITHUB_WORKFLOW_SHA", "GITHUB_WORKSPACE", "GITLAB_CI",
     "TF_BUILD", "BUILD_BUILDID", "BUILD_BUILDNUMBER", "BUILD_REQUESTEDFOR", "BUILD_REASON",
     "JENKINS_URL", "JENKINS_HOME", "BUILD_URL", "TEAMCITY_VERSION", "CIRCLECI", "TRAVIS",
     "BUILDKITE", "DRONE", "APPVEYOR", "SEMAPHORE", "BUDDY"}
)  # fmt: skip

_CI_PREFIXES = (
    "RUNNER_",  # GitHub Actions
    "CI_", "GITLAB_USER_",  # GitLab CI
    "BITBUCKET_COMMIT", "BITBUCKET_BRANCH", "BITBUCKET_TAG", "BITBUCKET_REPO_",
    "BITBUCKET_GIT_", "BITBUCKET_BUILD_NUMBER", "BITBUCKET_PIPELINE_", "BITBUCKET_STEP_",
    "BITBUCKET_WORKSPACE", "BITBUCKET_PR_", "BITBUCKET_PROJECT_", "BITBUCKET_CLONE_DIR",
    "BUILD_SOURCE", "BUILD_REPOSITORY_", "SYSTEM_TEAMFOUNDATION",  # Azure Pipelines
    "CIRCLE_", "TRAVIS_", "BUILDKITE_", "CODEBUILD_", "DRONE_", "APPVEYOR_", "SEMAPHORE_GIT_",
)  # fmt: skip


# What the operating system, the shell or the terminal sets, and conventions shared by
# every command-line tool (``NO_COLOR``, ``DO_NOT_TRACK``): the process's surroundings, not
# settings of this app.
_PROCESS_NAMES = frozenset(
    {"HOME", "USER", "USERNAME", "LOGNAME", "PATH", "PWD", "SHELL", "TERM", "COLUMNS", "LINES",
     "LANG", "LC_ALL", "TMPDIR", "EDITOR", "VISUAL", "NO_COLOR", "FORCE_COLOR",
     "DO_NOT_TRACK", "VIRTUAL_ENV"}
)  # fmt: skip


def is_platform_variable(key: str) -> bool:
    return (
        key in _PROCESS_NAMES
        or key in _PLATFORM_NAMES
        or key.startswith(_PLATFORM_PREFIXES)
        or key in _BUILD_NAMES
        or key.endswith(_BUILD_SUFFIXES)
        or key in _CI_NAMES
        or key.startswith(_CI_PREFIXES)
    )


def _loop_names(tree: ast.Module, wanted: set[int]) -> dict[int, list[str]]:
    """The variable names a loop feeds into each of the ``wanted`` name expressions:
    ``for name in ("CI", "GITHUB_ACTIONS")`` or a comprehension over a module constant
    holding literal names."""
    constants: dict[str, list[str]] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = _literal_names(statement.value, {})
            for target in targets:
                if isinstance(target, ast.Name) and names:
                    constants[target.id] = names
    found: dict[int, list[str]] = {}
    for node in ast.walk(tree):
        loops: list[tuple[ast.expr, ast.expr, list[ast.AST]]] = []
        if isinstance(node, (ast.For, ast.AsyncFor)):
            loops.append((node.target, node.iter, list(node.body)))
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            loops.extend((gen.target, gen.iter, [node]) for gen in node.generators)
        for target, iterable, body in loops:
            names = _literal_names(iterable, constants)
            if not isinstance(target, ast.Name) or not names:
                continue
            for part in body:
                for inner in ast.walk(part):
                    if (
                        id(inner) in wanted
                        and isinstance(inner, ast.Name)
                        and inner.id == target.id
                    ):
                        found[id(inner)] = names
    return found


def _literal_names(node: ast.expr, constants: dict[str, list[str]]) -> list[str]:
    """The strings of a literal collection (``("A", "B")``, ``frozenset({"A"})``) or of a
    module constant holding one; empty for anything else."""
    if isinstance(node, ast.Name):
        return constants.get(node.id, [])
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("frozenset", "set", "tuple", "list")
        and len(node.args) == 1
        and not node.keywords
    ):
        node = node.args[0]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts:
        names = [_key(element) for element in node.elts]
        return [name for name in names if name is not None] if all(names) else []
    return []


def _key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
