"""SET102: Environment read outside the settings modules."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from fastaudit.engine.context import FILE_DONE, CallFilter, FileContext, Visited
from fastaudit.engine.layout import is_settings_path, is_test_path
from fastaudit.engine.project_index import ENVIRON_UNWRITTEN, ENVIRON_WRITTEN
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules._support.route_calls import name_words
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
        # Packaging and task-runner hooks: run by the build, never by the app.
        or parts[-1] in ("setup.py", "hatch_build.py", "noxfile.py")
    )


class EnvironReadOutsideSettings(Rule):
    id = "SET102"
    skips_tests = True  # tests read the environment freely (``_reads_settings_freely``)
    name = "environ-read-outside-settings"
    title = "Environment read outside the settings modules"
    severity = Severity.WARNING
    # About the app's own settings: a library package beside it reads its environment
    # the way libraries do.
    app_only = True
    rationale = """
    `os.getenv("X")` scattered through the code reads configuration nobody has
    declared: it is not validated (a typo or a missing variable shows up as `None` at
    request time), not typed, and not listed anywhere a deployer can find it. Declare
    each variable on a `BaseSettings` class in a settings module (`config.py`), where it
    is parsed and checked at start-up, and read it from there.

    Left alone: what the platform, the CI service or the operating system sets for
    every process (`HOSTNAME`, `K_REVISION`, `GITHUB_SHA`, `CI_COMMIT_REF_NAME`,
    `BITBUCKET_BRANCH`, `NO_COLOR`), read for labels or to detect a build; another
    tool's own variables (`DBT_PROFILES_DIR`, `DOCKER_HOST`, `KUBECONFIG`), read to
    find what that tool would; a variable choosing which configuration is loaded (a
    profile, a settings or `.env` file: `PREFECT_PROFILE`, `APP_SETTINGS_FILE`), read
    before any settings exist, so it cannot be one of their fields; a variable the
    project's own code sets (`os.environ["X"]
    = ...`, `env={"X": ...}` for a child process): a hand-off between its processes,
    not configuration (`os.environ.setdefault` keeps the deployer's value, so it does
    not count); a name built at run time around a fixed part (`f"APP__MOCK__{name}"`),
    an open family no settings class can list; a name read from data (`for name in
    placeholders: os.environ.get(name)`, a template's `$VAR`s), which the user names,
    not the app; settings modules, tests, Alembic's
    `env.py`, build hooks (`setup.py`, `hatch_build.py`), and scripts or CLI commands
    the app never imports.
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

    # The reads, and what may set a variable: ``os.putenv(...)``, ``env.update(...)``.
    calls = CallFilter.of(callees=(*_ENV_CALLS, "os.putenv"), attrs=("update",))

    def __init__(self) -> None:
        # (the read, the variable's name when written literally, the name expression)
        self._pending: list[tuple[ast.AST, str, ast.expr | None]] = []
        self._defines_settings = False
        # What may set a variable (``_written_names``), met in the walk; None when the
        # file is not one whose settings count, or cannot set one; unset until asked.
        self._writes: list[ast.AST] | None = []
        self._writes_known = False

    def _writing(self, ctx: FileContext) -> list[ast.AST] | None:
        """Where to note what may set a variable in this file, None when nothing there
        counts (see ``finish``)."""
        if not self._writes_known:
            self._writes_known = True
            if not _may_write(ctx):
                self._writes = None
        return self._writes

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        callee = ctx.resolve(node.func)
        if callee in _ENV_CALLS:
            arg = node.args[0] if node.args else None
            key = _key(arg) if arg is not None else None
            self._pending.append((node, key or "", arg))
        elif (writes := self._writing(ctx)) is not None:
            writes.append(node)  # ``os.putenv`` or an ``update``

    def note_write(self, node: ast.AST, ctx: FileContext) -> Visited | None:
        """An assignment, a mapping or a function that may set variables."""
        writes = self._writing(ctx)
        if writes is None:
            return FILE_DONE
        writes.append(node)
        return None

    visit_Assign = visit_AnnAssign = visit_FunctionDef = visit_AsyncFunctionDef = note_write
    visit_Dict = visit_BinOp = note_write

    def visit_keyword(self, node: ast.keyword, ctx: FileContext) -> Visited | None:
        """A call's ``env=...``: the mapping a child process gets."""
        writes = self._writing(ctx)
        if writes is None:
            return FILE_DONE
        if node.arg and type(ctx.parent) is ast.Call and _env_word(node.arg):
            writes.append(node)
        return None

    def visit_Subscript(self, node: ast.Subscript, ctx: FileContext) -> None:
        if isinstance(node.ctx, ast.Load) and ctx.resolve(node.value) in ("os.environ",):
            self._pending.append((node, _key(node.slice) or "", node.slice))

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        for base in node.bases:
            if ctx.resolve(base) in ("pydantic_settings.BaseSettings", "pydantic.BaseSettings"):
                self._defines_settings = True

    def finish(self, ctx: FileContext) -> None:
        # What the project's own code sets: any read of it, anywhere, is a hand-off.
        for written in _written_names(ctx, self._writes or ()):
            ctx.add_fact(ENVIRON_WRITTEN, written)
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
            if not key and arg is not None and _built_name(arg, ctx.tree):
                # ``os.environ[f"APP__MOCK__{name.upper()}"]``: an open family of names.
                continue
            if not key and arg is not None and _iterated_name(arg, ctx.tree):
                # ``for name in placeholders: os.environ.get(name)``: the names come
                # from data (a template's ``$VAR``s, a parsed file), not the app's own
                # configuration: no settings class could declare them.
                continue
            name = f"`{key}`" if key else "the variable"
            ctx.report(
                node,
                f"`{written}` reads the environment outside the settings modules; declare "
                f"{name} on a BaseSettings class in a config.py and read it from there",
                # A variable the project sets itself somewhere is a hand-off (settled
                # once every file is walked).
                when=(ENVIRON_UNWRITTEN, key) if key else None,
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


# Variables another tool defines (where dbt finds its profiles, how the Docker or
# Kubernetes clients reach their daemon, the XDG base directories): an integration
# reads them to find what that tool would, a settings field would only copy them.
_TOOL_NAMES = frozenset(
    {"DBT_PROFILES_DIR", "DBT_PROJECT_DIR", "DOCKER_HOST", "DOCKER_CONFIG",
     "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_CLIENT_TIMEOUT", "KUBECONFIG",
     "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
     "XDG_RUNTIME_DIR"}
)  # fmt: skip


# Variables choosing which configuration is loaded: a profile, a settings module or file,
# an ``.env`` file. They are read to build the settings, so none can be a field of them.
_SELECTOR_SUFFIXES = (
    "_PROFILE", "_SETTINGS_MODULE", "_SETTINGS_FILE", "_SETTINGS_PATH", "_CONFIG_FILE",
    "_CONFIG_PATH", "_ENV_FILE", "_DOTENV_PATH",
)  # fmt: skip
_SELECTOR_NAMES = frozenset(
    {"PROFILE", "SETTINGS_MODULE", "SETTINGS_FILE", "CONFIG_FILE", "CONFIG_PATH", "ENV_FILE",
     "DOTENV_PATH"}
)  # fmt: skip


def is_platform_variable(key: str) -> bool:
    return (
        key in _SELECTOR_NAMES
        or key.endswith(_SELECTOR_SUFFIXES)
        or key in _PROCESS_NAMES
        or key in _TOOL_NAMES
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
    for node in walk(tree):
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
                for inner in walk(part):
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


# A snake_case or camelCase word of a name that says it holds environment variables
# (``env``, ``child_env``, ``self._environ``, ``_base_run_environment``).
_ENV_WORDS = frozenset(
    {"env", "envs", "environ", "environs", "environment", "environments", "envvar", "envvars"}
)
# A literal that may name a variable, for the cheap test of a file before the walk.
_VARIABLE_LITERAL = re.compile(r"""["'][A-Za-z_][A-Za-z0-9_]*["']""")


def _env_word(name: str) -> bool:
    """``child_env``, ``jobEnv``, ``WORKER_ENV``: a name with an environment word (each
    spells ``env``: a name without it in any case is split into words for nothing)."""
    return "env" in name.lower() and any(word in _ENV_WORDS for word in name_words(name))


def _holder_name(node: ast.expr) -> str:
    """The last name of ``env``, ``self._env``, ``spec["env"]``; "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _key(node.slice) or ""
    return ""


def _is_environ(node: ast.expr, ctx: FileContext) -> bool:
    return ctx.resolve(node) == "os.environ"


def _env_holder(node: ast.expr, ctx: FileContext) -> bool:
    """``os.environ``, or a mapping whose name says it holds environment variables."""
    return _is_environ(node, ctx) or _env_word(_holder_name(node))


def _mapping_keys(node: ast.expr | None, ctx: FileContext) -> list[str]:
    """The literal keys a mapping expression sets: ``{"A": 1, **{"B": 2}}``,
    ``os.environ | {"C": 3}``, ``dict(D=4)``, either branch of ``x if c else y``."""
    if isinstance(node, ast.Dict):
        found: list[str] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                found.extend(_mapping_keys(value, ctx))
            elif (name := _key(key)) is not None:
                found.append(name)
        return found
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _mapping_keys(node.left, ctx) + _mapping_keys(node.right, ctx)
    if isinstance(node, ast.IfExp):
        return _mapping_keys(node.body, ctx) + _mapping_keys(node.orelse, ctx)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        found = [k.arg for k in node.keywords if k.arg]
        for part in node.args:
            found.extend(_mapping_keys(part, ctx))
        return found
    return []


def _spreads_environ(node: ast.expr, ctx: FileContext) -> bool:
    """``{**os.environ, ...}`` or ``os.environ | {...}``: a child's environment."""
    if isinstance(node, ast.Dict):
        return any(
            key is None and _is_environ(value, ctx)
            for key, value in zip(node.keys, node.values, strict=True)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return any(
            _is_environ(side, ctx) or _spreads_environ(side, ctx)
            for side in (node.left, node.right)
        )
    return False


def _may_write(ctx: FileContext) -> bool:
    """Whether this file's settings of variables count (a test's or a script's stands
    for the deployer's), and its text may hold one: every name ``_written_names`` reads
    spells ``env`` in some case (``_env_word``, ``os.environ``, ``os.putenv``), and a
    variable is named by a literal."""
    if is_test_path(ctx.path) or "scripts" in ctx.path.split("/")[:-1]:
        return False
    return "env" in ctx.source.folded and _VARIABLE_LITERAL.search(ctx.source.text) is not None


def _written_names(ctx: FileContext, nodes: Iterable[ast.AST]) -> set[str]:
    """The variables this file sets, by literal name, from ``nodes`` (what the walk met
    that may set one): ``os.environ["X"] = v``, ``os.putenv("X", v)``,
    ``os.environ.update(X=v)``, and the keys of a mapping built for a child process
    (assigned to or updating a name like ``env``, passed as ``env=``, returned by a
    function named like ``..._environment``, or spreading ``os.environ``).
    ``os.environ.setdefault`` is left out: the deployer's value still wins. Names are
    resolved as the module sees them, once the walk is done."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and _env_holder(target.value, ctx):
                    if (name := _key(target.slice)) is not None:
                        found.add(name)
                elif node.value is not None and _env_word(_holder_name(target)):
                    found.update(_mapping_keys(node.value, ctx))
        elif isinstance(node, ast.Call):
            func = node.func
            if ctx.resolve(func) == "os.putenv" and node.args:
                if (name := _key(node.args[0])) is not None:
                    found.add(name)
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "update"
                and _env_holder(func.value, ctx)
            ):
                found.update(k.arg for k in node.keywords if k.arg)
                for part in node.args:
                    found.update(_mapping_keys(part, ctx))
        elif isinstance(node, ast.keyword):
            found.update(_mapping_keys(node.value, ctx))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _env_word(node.name):
            for inner in walk(node):
                if isinstance(inner, ast.Return):
                    found.update(_mapping_keys(inner.value, ctx))
        elif isinstance(node, (ast.Dict, ast.BinOp)) and _spreads_environ(node, ctx):
            found.update(_mapping_keys(node, ctx))
    return found


def _built_name(arg: ast.expr, tree: ast.Module) -> bool:
    """A name built at run time around a fixed part: ``f"APP__MOCK__{name}"``,
    ``"APP_" + name``, or a local assigned one of those (``key = f"..."``)."""
    if _formatted(arg):
        return True
    if not isinstance(arg, ast.Name):
        return False
    values = [
        node.value
        for node in walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == arg.id for t in node.targets)
    ]
    return bool(values) and all(_formatted(value) for value in values)


def _iterated_name(arg: ast.expr, tree: ast.Module) -> bool:
    """A name every binding of which comes from iterating data: a ``for`` (or
    comprehension) target over something held in a function (``for name in
    placeholders``), possibly rebound from itself (``name = name.lstrip("$")``). A loop
    over a module constant or an imported collection (``for key in REQUIRED``) lists the
    app's own variables and does not count; nor does any other binding."""
    if not isinstance(arg, ast.Name):
        return False
    scope = _enclosing_function(tree, arg)
    if scope is None:
        return False  # module level: a loop there goes over the module's own names
    arguments = scope.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if any(p.arg == arg.id for p in parameters):
        return False  # a wrapper's parameter: its callers name the app's variables
    module_names = _module_level_names(tree)
    iterated = False
    for node in walk(scope):
        loops: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            loops.append((node.target, node.iter))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == arg.id for t in targets):
                value = node.value
                derived = value is not None and any(
                    isinstance(n, ast.Name) and n.id == arg.id for n in walk(value)
                )
                if not derived:
                    return False  # also bound from elsewhere
        for target, iterable in loops:
            if not any(isinstance(n, ast.Name) and n.id == arg.id for n in walk(target)):
                continue
            root = _root_name(iterable)
            if root is None or root in module_names or _literal_names(iterable, {}):
                return False  # a literal list, a module constant, an import: the app's own
            iterated = True
    return iterated


def _enclosing_function(
    tree: ast.Module, node: ast.expr
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost ``def`` whose lines hold ``node``."""
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for candidate in walk(tree):
        if (
            isinstance(candidate, (ast.FunctionDef, ast.AsyncFunctionDef))
            and candidate.lineno <= node.lineno <= (candidate.end_lineno or candidate.lineno)
            and (found is None or candidate.lineno >= found.lineno)
        ):
            found = candidate
    return found


def _root_name(node: ast.expr) -> str | None:
    """``placeholders`` of ``placeholders``, ``placeholders.items()``, ``x[0].y``."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return None


def _module_level_names(tree: ast.Module) -> set[str]:
    """Names the module binds at top level: assignments, imports, definitions."""
    found: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                found.update(n.id for n in walk(target) if isinstance(n, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            found.add(statement.target.id)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            found.update((a.asname or a.name).split(".")[0] for a in statement.names)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(statement.name)
    return found


def _formatted(node: ast.expr) -> bool:
    """A fixed prefix and a run-time tail: ``f"APP__MOCK__{name}"``, ``"APP_" + name``.
    A run-time prefix before a fixed name (``f"{prefix}DATABASE_URL"``) is one variable
    under a configurable prefix, still configuration."""
    if isinstance(node, ast.JoinedStr):
        values = node.values
        return (
            len(values) > 1
            and isinstance(values[0], ast.Constant)
            and isinstance(values[-1], ast.FormattedValue)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return (_key(node.left) is not None or _formatted(node.left)) and _key(node.right) is None
    return False
