"""SET rules: settings shared by domains, the environment read outside settings modules,
API docs served in every environment."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config

from .conftest import write_tree

PROJECTS = Path(__file__).parent.parent / "projects"


def located(root: Path, select: str = "SET") -> set[tuple[str, str, int]]:
    result = scan(root, Config(select=[select]), use_cache=False)
    return {(f.rule, f.path, f.span.line) for f in result.findings}


def spans(text: str, rule: str, path: str = "example.py") -> list[tuple[int, int, int, int]]:
    return [
        (f.span.line, f.span.column, f.span.end_line, f.span.end_column)
        for f in check_source(textwrap.dedent(text).lstrip("\n"), path, [rule])
        if f.rule == rule
    ]


# --------------------------------------------------------------------- fixture shapes
SHAPES = {
    "shapes-flat": {
        ("SET102", "app/database.py", 5),
        ("SET103", "app/main.py", 5),
    },
    "shapes-domain": set(),
    "shapes-monorepo": {("SET102", "libs/common/ids.py", 3)},
    "shapes-package": {
        ("SET101", "myshop/config.py", 6),
        ("SET102", "myshop/cart/router.py", 9),
        ("SET103", "myshop/app.py", 5),
    },
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_settings_findings_on_shapes(shape):
    assert located(PROJECTS / shape) == SHAPES[shape]


# --------------------------------------------------------------------- SET101
MAIN = """
    from fastapi import FastAPI

    app = FastAPI(openapi_url=None)
    """
ROUTER = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"


def domains(**extra: str) -> dict[str, str]:
    files = {
        "src/main.py": MAIN,
        "src/auth/__init__.py": "",
        "src/auth/router.py": ROUTER,
        "src/orders/__init__.py": "",
        "src/orders/router.py": ROUTER,
        "src/search/__init__.py": "",
        "src/search/router.py": ROUTER,
    }
    files.update({k.replace("__", "/").replace("_py", ".py"): v for k, v in extra.items()})
    return files


SETTINGS = """
    from functools import lru_cache

    from pydantic_settings import BaseSettings


    class AppSettings(BaseSettings):
        JWT_SECRET: str = ""
        SEARCH_URL: str = ""


    @lru_cache
    def get_settings() -> AppSettings:
        return AppSettings()


    settings = get_settings()
    """


def test_readers_through_instance_factory_and_module(tmp_path):
    root = write_tree(
        tmp_path,
        domains(
            src__config_py=SETTINGS,
            src__auth__service_py="from src.config import settings\n",
            src__orders__service_py="from src.config import get_settings\n",
            src__search__service_py="from src import config\n",
        ),
    )
    result = scan(root, Config(select=["SET101"]), use_cache=False)
    (finding,) = result.findings
    assert (finding.path, finding.span.line, finding.span.column) == ("src/config.py", 6, 1)
    assert "`AppSettings` is read by 3 domains" in finding.message
    assert "auth (src/auth/service.py); orders (src/orders/service.py)" in finding.message
    assert (
        'SearchConfig in src/search/config.py with env_prefix="SEARCH_"' in finding.detail
    )  # the whole text; the message is cut at 300


def test_one_domain_reading_is_fine(tmp_path):
    root = write_tree(
        tmp_path,
        domains(
            src__config_py=SETTINGS,
            src__auth__service_py="from src.config import settings\n",
            src__auth__router_py="from src.config import get_settings\n" + ROUTER,
            src__main_py="from src.config import settings\n" + textwrap.dedent(MAIN),
        ),
    )
    assert located(root, "SET101") == set()


def test_domains_with_their_own_settings_may_also_read_the_global_one(tmp_path):
    own = """
        from pydantic_settings import BaseSettings


        class {name}(BaseSettings):
            pass
        """
    root = write_tree(
        tmp_path,
        domains(
            src__config_py=SETTINGS,
            src__auth__config_py=own.format(name="AuthConfig"),
            src__orders__config_py=own.format(name="OrdersConfig"),
            src__auth__service_py="from src.config import settings\n",
            src__orders__service_py="from src.config import settings\n",
        ),
    )
    assert located(root, "SET101") == set()


def test_a_subclass_of_a_project_settings_base_counts(tmp_path):
    root = write_tree(
        tmp_path,
        domains(
            src__base_py="from pydantic_settings import BaseSettings\n\n\nclass Base(BaseSettings):"
            "\n    pass\n",
            src__config_py="from src.base import Base\n\n\nclass Settings(Base):\n    pass\n",
            src__auth__service_py="from src.config import Settings\n",
            src__orders__service_py="from src.config import Settings\n",
        ),
    )
    assert located(root, "SET101") == {("SET101", "src/config.py", 4)}


def test_plain_pydantic_models_are_not_settings(tmp_path):
    root = write_tree(
        tmp_path,
        domains(
            src__config_py="from pydantic import BaseModel\n\n\nclass Settings(BaseModel):\n"
            "    pass\n",
            src__auth__service_py="from src.config import Settings\n",
            src__orders__service_py="from src.config import Settings\n",
        ),
    )
    assert located(root, "SET101") == set()


# --------------------------------------------------------------------- SET102
ENV_READS = """
import os
from os import getenv

A = os.environ["A"]
B = getenv("B")
C = os.environ.get("C", "x")
"""


def test_environment_reads_are_located_exactly():
    assert spans(ENV_READS, "SET102", "src/orders/service.py") == [
        (4, 5, 4, 20),
        (5, 5, 5, 16),
        (6, 5, 6, 29),
    ]


def test_message_names_the_variable():
    (finding,) = check_source(
        'import os\n\nURL = os.getenv("SMTP_URL")\n', "src/mail.py", ["SET102"]
    )
    assert "`SMTP_URL`" in finding.message and '`os.getenv("SMTP_URL")`' in finding.message


def test_platform_variables_are_not_configuration():
    source = (
        "import os\n\n"
        'INSTANCE = os.environ.get("HOSTNAME", "local")\n'
        'SERVICE = os.getenv("OTEL_SERVICE_NAME")\n'
        'URL = os.getenv("SMTP_URL")\n'
        'BUILD = os.environ.get("SHOP_BUILD") or os.getenv("GIT_SHA", "dev")\n'
    )
    findings = check_source(source, "src/telemetry.py", ["SET102"])
    assert [(f.line, f.severity.value) for f in findings] == [(5, "warning")]


def test_variables_choosing_the_configuration_are_not_configuration():
    """A profile or a settings file picks which settings are built: read before they
    exist. A plain value read next to it is still configuration."""
    source = textwrap.dedent(
        """
        import os

        from shop import settings


        def active_settings() -> settings.Settings:
            profile = os.environ.get("SHOP_PROFILE", "default")
            env_file = os.getenv("SHOP_ENV_FILE") or os.getenv("ENV_FILE", ".env")
            timeout = os.getenv("SHOP_TIMEOUT", "30")
            return settings.load(profile, env_file, timeout)
        """
    ).lstrip("\n")
    findings = check_source(source, "src/shop/bootstrap.py", ["SET102"])
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [
        (9, 'os.getenv("SHOP_TIMEOUT", "30")')
    ]


def test_ci_variables_read_to_label_a_build_are_not_configuration():
    source = textwrap.dedent(
        """
        import os

        SIGNS_OF_CI = ("CI", "GITLAB_CI", "TRAVIS")


        def release_label() -> str:
            sha = os.getenv("GITHUB_SHA") or os.environ.get("CI_COMMIT_SHA")
            branch = os.getenv("BITBUCKET_BRANCH") or os.getenv("BUILD_SOURCEBRANCHNAME")
            return f"{os.getenv('GITHUB_REPOSITORY')}@{branch}:{sha}"


        def in_ci() -> bool:
            return any(os.environ.get(name) for name in SIGNS_OF_CI)


        def plain() -> bool:
            return bool(os.environ.get("NO_COLOR") or os.getenv("DO_NOT_TRACK"))


        def mixed() -> list[str | None]:
            return [os.environ.get(name) for name in ("CI", "SHOP_REGION")]


        def app_settings() -> tuple[str | None, str | None]:
            return os.getenv("GITHUB_CLIENT_SECRET"), os.getenv("GITHUB_TOKEN")
        """
    ).lstrip("\n")
    findings = check_source(source, "src/shop/release.py", ["SET102"])
    # The loop that mixes in the app's own variable, and the app's own GitHub OAuth
    # settings, are still configuration.
    assert [f.line for f in findings] == [21, 25, 25]


def test_a_cli_command_the_app_never_imports_may_read_the_environment(tmp_path):
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/main.py": (
                "from fastapi import FastAPI\n\nfrom shop import keys\n\n"
                "app = FastAPI(openapi_url=None)\n"
            ),
            # A cyclopts command that checks where a value comes from: not served.
            "shop/cli.py": (
                "import os\n\nimport cyclopts\n\ncommands = cyclopts.App()\n\n\n"
                "@commands.command\ndef login(key: str) -> None:\n"
                '    if os.getenv("SHOP_KEY") not in (None, key):\n'
                '        print("SHOP_KEY in the environment overrides the saved key")\n'
            ),
            # The same read in a module the app imports is reported.
            "shop/keys.py": 'import os\n\nKEY = os.getenv("SHOP_KEY")\n',
        },
    )
    assert located(tmp_path, "SET102") == {("SET102", "shop/keys.py", 3)}


def test_a_variable_the_project_sets_itself_is_a_hand_off(tmp_path):
    write_tree(
        tmp_path,
        {
            "relay/__init__.py": "",
            # The parent sets private variables for the job process it starts, in
            # every shape a child's environment is built.
            "relay/launcher.py": textwrap.dedent(
                """
                import os
                import subprocess


                def job_environment(job_id: int) -> dict[str, str]:
                    return {"RELAY__JOB_ID": str(job_id)}


                def launch(job_id: int, queue: str) -> None:
                    child_env = {**os.environ, **job_environment(job_id)}
                    child_env["RELAY__QUEUE"] = queue
                    child_env.update({"RELAY__ATTEMPT": "1"})
                    os.environ["RELAY__PARENT_PID"] = str(os.getpid())
                    os.putenv("RELAY__STARTED", "1")
                    subprocess.run(
                        ["relay-job"], env=os.environ | {"RELAY__LAUNCHED_BY": "launcher"}
                    )
                    os.environ.setdefault("RELAY_REGION", "eu")
                """
            ),
            # The job reads them back: no configuration of a deployer's.
            "relay/job.py": textwrap.dedent(
                """
                import os

                JOB = os.environ["RELAY__JOB_ID"]
                QUEUE = os.getenv("RELAY__QUEUE")
                ATTEMPT = os.environ.get("RELAY__ATTEMPT")
                PARENT = os.getenv("RELAY__PARENT_PID")
                STARTED = os.getenv("RELAY__STARTED")
                BY = os.getenv("RELAY__LAUNCHED_BY")
                # A default the deployer may override is still configuration.
                REGION = os.getenv("RELAY_REGION")
                # Set only by the tests (for the app under test), or not at all.
                TOKEN = os.getenv("RELAY_TOKEN")
                LIMIT = os.getenv("RELAY_LIMIT")
                """
            ),
            "tests/test_job.py": textwrap.dedent(
                """
                import os


                def test_token(monkeypatch):
                    os.environ["RELAY_LIMIT"] = "3"
                    monkeypatch.setenv("RELAY_TOKEN", "t")
                """
            ),
            "scripts/run_local.py": 'import os\n\nos.environ["RELAY_LIMIT"] = "9"\n',
        },
    )
    assert located(tmp_path, "SET102") == {
        ("SET102", "relay/job.py", 10),
        ("SET102", "relay/job.py", 12),
        ("SET102", "relay/job.py", 13),
    }


def test_a_child_environment_passed_in_a_decorator_or_a_default_is_a_hand_off(tmp_path):
    """Settings met anywhere in the file count: a decorator's ``env=``, a default value;
    a class keyword named ``env`` is not a child's environment."""
    write_tree(
        tmp_path,
        {
            "relay/__init__.py": "",
            "relay/tasks.py": textwrap.dedent(
                """
                from relay.runner import Base, task


                @task(env={"RELAY__DECORATED": "1"})
                def nightly(run=lambda: spawn(env={"RELAY__DEFAULTED": "1"})) -> None:
                    run()


                class Job(Base, env={"RELAY__CLASS": "1"}):
                    pass
                """
            ),
            "relay/job.py": textwrap.dedent(
                """
                import os

                DECORATED = os.getenv("RELAY__DECORATED")
                DEFAULTED = os.getenv("RELAY__DEFAULTED")
                CLASS = os.getenv("RELAY__CLASS")
                """
            ),
        },
    )
    assert located(tmp_path, "SET102") == {("SET102", "relay/job.py", 5)}


def test_a_child_environment_held_in_an_upper_case_constant_is_a_hand_off(tmp_path):
    write_tree(
        tmp_path,
        {
            "relay/__init__.py": "",
            # Module constants in capitals hold the variables the worker is started with.
            "relay/pool.py": textwrap.dedent(
                """
                import os
                import subprocess

                WORKER_ENV = {"RELAY__ROLE": "worker"}
                ENVIRONMENT = {"RELAY__POOL": "default"}


                def start() -> None:
                    subprocess.run(["relay-worker"], env={**os.environ, **WORKER_ENV})
                """
            ),
            "relay/worker.py": textwrap.dedent(
                """
                import os

                ROLE = os.environ["RELAY__ROLE"]
                POOL = os.getenv("RELAY__POOL")
                # Set by no one in the project: the deployer's configuration.
                SLOTS = os.getenv("RELAY_SLOTS")
                """
            ),
        },
    )
    assert located(tmp_path, "SET102") == {("SET102", "relay/worker.py", 6)}


def test_a_file_spelling_the_environment_in_capitals_only_sets_it(tmp_path):
    """The quick test of a file's text before its walk took ``env`` and ``Env``, not
    ``ENV``: a module whose only mention is a constant in capitals was skipped."""
    write_tree(
        tmp_path,
        {
            "relay/__init__.py": "",
            "relay/defaults.py": 'BUILD_ENV = {"RELAY__STAGE": "build"}\n',
            "relay/stage.py": 'import os\n\nSTAGE = os.getenv("RELAY__STAGE")\n',
        },
    )
    assert located(tmp_path, "SET102") == set()


def test_names_built_at_run_time_are_an_open_family():
    source = textwrap.dedent(
        """
        import os


        def mocked(field: str) -> str | None:
            key = f"SHOP__MOCK__{field.upper()}"
            if key in os.environ:
                return os.environ[key]
            return os.environ.get("SHOP__OVERRIDE__" + field)


        def database_url(prefix: str) -> str:
            # One variable under a configurable prefix: still configuration.
            return os.environ[f"{prefix}DATABASE_URL"]
        """
    ).lstrip("\n")
    findings = check_source(source, "src/shop/mocks.py", ["SET102"])
    assert [f.line for f in findings] == [13]


def test_another_tools_own_variables_are_not_configuration():
    source = (
        "import os\n\n"
        'PROFILES = os.getenv("DBT_PROFILES_DIR", "~/.dbt")\n'
        'TIMEOUT = os.environ.get("DOCKER_CLIENT_TIMEOUT", "60")\n'
        'CLUSTER = os.getenv("KUBECONFIG")\n'
        'IMAGE = os.getenv("SHOP_DOCKER_IMAGE")\n'
    )
    findings = check_source(source, "src/shop/deploy.py", ["SET102"])
    assert [f.line for f in findings] == [6]


@pytest.mark.parametrize(
    "path",
    [
        "src/config.py",
        "src/settings.py",
        "src/auth/config.py",
        "app/core/config.py",
        "app/settings/base.py",
        "tests/test_orders.py",
        "tests/conftest.py",
        "src/orders/test_service.py",
        "migrations/env.py",
        "alembic/env.py",
        "scripts/seed.py",
        "hatch_build.py",
        "setup.py",
    ],
)
def test_settings_modules_tests_and_scripts_may_read_the_environment(path):
    assert spans(ENV_READS, "SET102", path) == []


def test_env_py_outside_migrations_is_not_exempt():
    assert len(spans(ENV_READS, "SET102", "src/env.py")) == 3


# --------------------------------------------------------------------- SET103
def test_docs_finding_spans_the_call():
    text = """
        from fastapi import FastAPI

        app = FastAPI(
            title="Orders",
        )
        """
    assert spans(text, "SET103", "src/main.py") == [(3, 7, 5, 2)]


def test_docs_published_for_the_public_on_purpose_are_fine():
    """``license_info=`` (or ``contact=``, ``terms_of_service=``) shows on no page but
    the docs: an app filling it in publishes them on purpose. A title or a description
    says nothing of the kind."""
    text = """
        from fastapi import FastAPI

        app = FastAPI(
            title="Open Wallet",
            license_info={"name": "MIT", "url": "https://example.org/LICENSE"},
        )
        internal = FastAPI(title="Back office", description="Staff tools.")
        """
    assert [line for line, *_ in spans(text, "SET103", "src/main.py")] == [7]


def test_fixed_openapi_url_message():
    (finding,) = check_source(
        'from fastapi import FastAPI\n\napp = FastAPI(openapi_url="/api/schema.json")\n',
        "src/main.py",
        ["SET103"],
    )
    assert '`openapi_url="/api/schema.json"` is fixed' in finding.message


def test_app_factory_inside_a_function_is_checked():
    text = """
        import fastapi


        def create_app() -> fastapi.FastAPI:
            return fastapi.FastAPI(title="x", redoc_url=None)
        """
    assert spans(text, "SET103", "src/main.py") == [(5, 12, 5, 54)]


def test_empty_string_turns_the_schema_off():
    text = 'from fastapi import FastAPI\n\napp = FastAPI(openapi_url="")\n'
    assert spans(text, "SET103", "src/main.py") == []


def test_test_apps_are_not_checked():
    text = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    assert spans(text, "SET103", "tests/conftest.py") == []
    assert spans(text, "SET103", "src/main.py") == [(3, 7, 3, 16)]


def test_switching_off_another_app_does_not_count():
    text = """
        from fastapi import FastAPI

        public = FastAPI()
        admin = FastAPI()
        admin.openapi_url = None
        """
    assert spans(text, "SET103", "src/main.py") == [(3, 10, 3, 19)]


def test_a_scripts_app_is_not_deployed():
    text = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    assert spans(text, "SET103", "scripts/load/echo.py") == []
    assert spans(text, "SET103", "tools/fake_gateway.py") == []


CALLBACK_SERVER = """
import uvicorn
from fastapi import FastAPI

callback = FastAPI()


@callback.post("/done")
def done(code: str) -> None:
    callback.extra["code"] = code


def wait_for_browser() -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(callback, port=PORT, log_level="error"))
"""


def test_an_app_served_on_a_port_the_os_picks_lives_only_for_its_caller():
    assert spans(CALLBACK_SERVER.replace("PORT", "0"), "SET103", "shop/cli/login.py") == []
    assert len(spans(CALLBACK_SERVER.replace("PORT", "8080"), "SET103", "shop/cli/login.py")) == 1


PROBE_SERVER = """
from fastapi import APIRouter, FastAPI


def probe_app(worker) -> FastAPI:
    probes = FastAPI()
    router = APIRouter()
    router.add_api_route("/healthz", lambda: {"ok": worker.alive()}, methods=["GET"])
    EXTRA
    probes.include_router(router)

    @probes.get("/status")
    def status():
        return {"jobs": worker.jobs}

    return probes
"""


def test_an_app_with_only_health_probes_has_nothing_to_hide():
    quiet = PROBE_SERVER.replace("EXTRA", "pass")
    assert spans(quiet, "SET103", "shop/worker/probes.py") == []
    control = PROBE_SERVER.replace(
        "EXTRA", 'router.add_api_route("/drain", worker.drain, methods=["POST"])'
    )
    assert len(spans(control, "SET103", "shop/worker/probes.py")) == 1
    # Routes that come from elsewhere are unknown: reported.
    imported = quiet.replace("probes.include_router(router)", "probes.include_router(api)")
    assert len(spans(imported, "SET103", "shop/worker/probes.py")) == 1


SITE = """
from fastapi import FastAPI


def create_front() -> FastAPI:
    front = FastAPI(title="Front")

    @front.get("/front-config.json")
    def front_config():
        return {}

    return front


def create_site() -> FastAPI:
    site = FastAPI(OUTER)
    front = create_front()
    site.mount(WHERE, front)
    return site
"""


def test_an_app_mounted_at_the_root_under_an_app_with_docs_is_shadowed():
    shadowed = SITE.replace("OUTER", 'title="Site"').replace("WHERE", '"/"')
    assert [line for line, *_ in spans(shadowed, "SET103", "shop/site.py")] == [15]
    # Mounted elsewhere, its /docs answer under the mount.
    under = SITE.replace("OUTER", 'title="Site"').replace("WHERE", '"/front"')
    assert [line for line, *_ in spans(under, "SET103", "shop/site.py")] == [5, 15]
    # The outer app hides its docs: the mounted app's are reached at /docs.
    hidden = SITE.replace("OUTER", "openapi_url=None").replace("WHERE", '"/"')
    assert [line for line, *_ in spans(hidden, "SET103", "shop/site.py")] == [5]


def test_an_app_whose_schema_the_project_builds_itself_has_decided():
    text = """
        from fastapi import FastAPI
        from fastapi.openapi.utils import get_openapi

        app = FastAPI(title="Public API")


        def public_schema():
            return get_openapi(title="Public API", version="1", routes=app.routes)


        app.openapi = public_schema
        """
    assert spans(text, "SET103", "shop/main.py") == []


def test_names_read_from_data_are_not_configuration():
    """A template's ``$VAR`` placeholders name what to read: no settings class could
    declare them. A loop over the app's own list, a parameter of a wrapper, and a
    name also bound from elsewhere stay reported."""
    source = textwrap.dedent(
        """
        import os
        import re

        REQUIRED = ("SMTP_URL", "SMTP_USER")


        def render(template):
            found = re.findall(r"[$](\\\\w+)", template)
            for name in found:
                name = name.strip()
                template = template.replace("$" + name, os.environ.get(name, ""))
            return template


        def check():
            return [os.environ[key] for key in REQUIRED]


        def setting(name):
            return os.environ.get(name)


        def mixed(rows):
            for item in rows:
                item = "APP_MODE"
                return os.environ.get(item)
        """
    )
    findings = check_source(source, "src/templating.py", ["SET102"])
    assert [f.line for f in findings] == [17, 21, 27]


MONOREPO_ENV = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115"]\n',
    "shop/__init__.py": "",
    "shop/main.py": (
        'import os\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\nKEY = os.getenv("SHOP_KEY")\n'
    ),
    "integrations/s3/pyproject.toml": '[project]\nname = "shop-s3"\ndependencies = ["boto3"]\n',
    "integrations/s3/shop_s3/__init__.py": "",
    "integrations/s3/shop_s3/client.py": 'import os\n\nREGION = os.getenv("AWS_REGION_NAME")\n',
}


def test_a_library_package_beside_the_app_is_not_asked_for_settings(tmp_path: Path):
    """SET102 is about the app's own settings: an integration package of the monorepo,
    whose dependencies leave FastAPI out, reads its environment as libraries do."""
    root = write_tree(tmp_path / "p", MONOREPO_ENV)
    found = {(f.path, f.line) for f in scan(root, use_cache=False).findings if f.rule == "SET102"}
    assert found == {("shop/main.py", 6)}


def test_without_a_package_that_depends_on_fastapi_every_file_is_checked(tmp_path: Path):
    files = dict(MONOREPO_ENV)
    files["pyproject.toml"] = '[project]\nname = "shop"\ndependencies = ["httpx"]\n'
    root = write_tree(tmp_path / "p", files)
    found = {(f.path, f.line) for f in scan(root, use_cache=False).findings if f.rule == "SET102"}
    assert found == {("shop/main.py", 6), ("integrations/s3/shop_s3/client.py", 3)}
