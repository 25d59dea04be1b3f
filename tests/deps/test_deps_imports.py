"""PIN107/PIN108: what the code imports against what the project declares."""

from __future__ import annotations

import tomllib

PYPROJECT = """
[project]
name = "shop"
requires-python = ">=3.11"
dependencies = [
    "fastapi[standard]>=0.115",
    "jwt>=1.3",
]

[project.optional-dependencies]
test = ["pytest>=8"]
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "src/shop/__init__.py": "",
    "src/shop/config.py": """
        import os
        from pathlib import Path

        from pydantic_settings import BaseSettings  # not declared

        from shop import auth
        from . import auth as same_auth
        """,
    "src/shop/auth.py": """
        import jwt  # declared as the wrong distribution

        try:
            import orjson  # optional
        except ImportError:
            orjson = None
        """,
    "src/shop/server.py": """
        import uvicorn  # comes with fastapi[standard]
        from starlette.requests import Request  # comes with fastapi
        from pydantic_settings import SettingsConfigDict
        """,
    "tests/test_api.py": """
        import httpx  # comes with fastapi[standard]
        import pytest
        import respx  # not declared
        """,
}


def test_undeclared_and_wrong_distributions(project):
    project.write(FILES)
    assert project.findings() == [
        ("PIN107", "src/shop/config.py", 4),
        ("PIN107", "tests/test_api.py", 3),
        ("PIN108", "pyproject.toml", 6),
    ]
    messages = project.messages()
    assert messages[("PIN107", "src/shop/config.py", 4)] == (
        "`pydantic_settings` is imported but pydantic-settings is not declared in any "
        "dependency file, so its minimum 2.4 is never checked (also imported in 1 other file)"
    )
    assert messages[("PIN108", "pyproject.toml", 6)] == (
        "`jwt>=1.3` installs the `jwt` distribution, but `import jwt` (src/shop/auth.py:1) "
        "needs pyjwt"
    )


def test_wrong_distribution_fix_swaps_it(project):
    project.write(FILES)
    project.fix(unsafe=True, select="PIN108")
    tomllib.loads(project.read("pyproject.toml"))
    assert project.changed_lines("pyproject.toml") == [('    "jwt>=1.3",', '    "pyjwt>=2.9",')]


def test_nothing_declared_means_nothing_to_compare(project):
    project.write({"app.py": "import requests\n"})
    assert project.findings() == []


def test_matrix_imports_table_maps_names(project):
    project.write(
        {
            "pyproject.toml": PYPROJECT.replace('"jwt>=1.3",', '"pyjwt>=2.9", "acme-sdk>=1"')
            + '\n[tool.fastaudit.matrix.imports]\nacme = "acme-sdk"\n',
            "app.py": "import acme\nimport jwt\nimport yaml\n",
        }
    )
    assert project.findings() == [("PIN107", "app.py", 3)]
    assert "pyyaml is not declared" in project.messages()[("PIN107", "app.py", 3)]


def test_import_names_of_differently_named_distributions(project) -> None:
    """Seen on real code: ``fpdf`` comes from fpdf2, ``snappy`` from python-snappy,
    namespace packages from their dashed names, stub extras from their bundle."""
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                requires-python = ">=3.11"
                dependencies = [
                    "fastapi>=0.115",
                    "fpdf2>=2.7",
                    "python-snappy>=0.7",
                    "newspaper3k>=0.2",
                    "opentelemetry-instrumentation-fastapi>=0.45b0",
                    "google-cloud-storage>=2.10",
                    "boto3-stubs[sqs]>=1.34",
                ]
                """,
            "src/shop/__init__.py": "",
            "src/shop/reports.py": """
                import snappy
                from fpdf import FPDF
                from google.cloud import storage
                from mypy_boto3_sqs import SQSClient
                from newspaper import Article
                from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

                import sortedcontainers  # declared nowhere: still reported
                """,
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [
        ("PIN107", "src/shop/reports.py", 8)
    ]


def test_more_import_names_of_differently_named_distributions(project) -> None:
    """Seen on real code: each of these imports is provided by the declared distribution
    (checked against the distribution's own package layout)."""
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                requires-python = ">=3.11"
                dependencies = [
                    "fastapi>=0.115",
                    "asgi-ratelimit>=0.10",
                    "python-stdnum>=1.20",
                    "atlassian-python-api>=3.41",
                    "google-auth>=2.30",
                    "google-genai>=1.0",
                    "pydantic-ai-slim[openai]>=1.0",
                    "opentelemetry-api>=1.28",
                    "opentelemetry-sdk>=1.28",
                ]
                """,
            "src/shop/__init__.py": "",
            "src/shop/limits.py": """
                from ratelimit import RateLimitMiddleware
                from stdnum.ca import bn
                from atlassian import Confluence
                from google.oauth2 import service_account
                import google.auth
                from google import genai
                from pydantic_ai import Agent
                from opentelemetry import trace
                from opentelemetry.context import Context
                from opentelemetry.util.types import Attributes
                from opentelemetry.sdk.trace import TracerProvider
                """,
        }
    )
    assert project.findings() == []


def test_namespace_import_of_an_undeclared_distribution_names_it(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT.replace('"jwt>=1.3",', '"opentelemetry-api>=1.28",'),
            "app.py": "from opentelemetry.sdk.trace import TracerProvider\n",
        }
    )
    [message] = project.messages("PIN107").values()
    assert "opentelemetry-sdk is not declared" in message


def test_newest_python_standard_library_is_not_third_party(project) -> None:
    """Modules added to the standard library up to Python 3.14, whatever Python runs
    fastaudit: ``annotationlib`` and ``compression`` (3.14), ``_pyrepl`` (3.13)."""
    project.write(
        {
            "pyproject.toml": PYPROJECT.replace('"jwt>=1.3",', ""),
            "app.py": """
                import annotationlib
                from compression import zstd
                from _pyrepl.main import CAN_USE_PYREPL
                import distutils  # removed in 3.12, still the standard library before
                """,
        }
    )
    assert project.findings() == []


def test_pydantic_core_comes_with_pydantic(project) -> None:
    """Pydantic pins pydantic-core exactly and documents ``pydantic_core.core_schema``
    for custom types: declaring pydantic declares it."""
    files = {
        "pyproject.toml": PYPROJECT.replace('"jwt>=1.3",', '"pydantic>=2.7",'),
        "app.py": "from pydantic_core import core_schema\n",
    }
    project.write(files)
    assert project.findings() == []
    project.write({"pyproject.toml": PYPROJECT.replace('"jwt>=1.3",', '"attrs>=23",')})
    assert project.findings() == [("PIN107", "app.py", 1)]


UV_LOCK = """
version = 1
requires-python = ">=3.11"

[[package]]
name = "shop"
version = "1.0"
source = { editable = "." }
dependencies = [
    { name = "sqlmodel" },
]

[[package]]
name = "sqlmodel"
version = "0.0.22"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "pydantic" },
    { name = "sqlalchemy", extra = ["asyncio"] },
]

[[package]]
name = "sqlalchemy"
version = "2.0.36"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "typing-extensions" },
]

[package.optional-dependencies]
asyncio = [
    { name = "greenlet" },
]
"""


def test_a_dependency_of_a_declared_package_is_a_milder_finding(project) -> None:
    """Issue 12: importing what a declared package brings along works today, but the
    project does not choose its version; reported at info severity, with the package it
    comes through. The lock says what depends on what."""
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                requires-python = ">=3.11"
                dependencies = ["sqlmodel>=0.0.22"]
                """,
            "uv.lock": UV_LOCK,
            "app/models.py": """
                import greenlet
                from sqlalchemy import select
                from typing_extensions import Self
                import orjson
                """,
        }
    )
    found = {(f.path, f.line): f for f in project.scan("PIN107").findings}
    assert {key: f.severity.value for key, f in found.items()} == {
        ("app/models.py", 1): "info",
        ("app/models.py", 2): "info",
        ("app/models.py", 3): "info",
        ("app/models.py", 4): "warning",
    }
    assert found[("app/models.py", 2)].message == (
        "`sqlalchemy` is imported but sqlalchemy is not declared: it is installed as a "
        "dependency of sqlmodel; declare it to choose its version yourself"
    )
    assert "as a dependency of sqlmodel (through sqlalchemy[asyncio])" in (
        found[("app/models.py", 1)].message
    )
    assert found[("app/models.py", 4)].message == (
        "`orjson` is imported but orjson is not declared in any dependency file"
    )


def test_poetry_lock_dependencies_and_extras(project) -> None:
    project.write(
        {
            "pyproject.toml": """
                [tool.poetry]
                name = "shop"

                [tool.poetry.dependencies]
                python = "^3.11"
                alembic = "^1.13"
                """,
            "poetry.lock": """
                [[package]]
                name = "alembic"
                version = "1.13.2"
                optional = false
                python-versions = ">=3.8"

                [package.dependencies]
                Mako = "*"
                SQLAlchemy = ">=1.3.0"
                "backports.zoneinfo" = {version = "*", optional = true}

                [package.extras]
                tz = ["backports.zoneinfo"]
                """,
            "migrations/env.py": """
                from sqlalchemy import pool
                from mako.template import Template
                from backports import zoneinfo
                """,
        }
    )
    found = {f.line: f.severity.value for f in project.scan("PIN107").findings}
    # backports.zoneinfo is an optional dependency of an extra nobody asked for.
    assert found == {1: "info", 2: "info", 3: "warning"}


def test_well_known_dependencies_without_a_lock(project) -> None:
    """No lock: the matrix's ``requires`` table knows what popular packages have always
    depended on (Jinja2 on MarkupSafe, FastAPI on Starlette, Starlette on AnyIO)."""
    project.write(
        {
            "requirements.txt": "fastapi>=0.115\njinja2>=3.1\n",
            "app.py": "import anyio\nfrom markupsafe import Markup\nimport sortedcontainers\n",
        }
    )
    found = {f.line: f for f in project.scan("PIN107").findings}
    assert {line: f.severity.value for line, f in found.items()} == {
        1: "info",
        2: "info",
        3: "warning",
    }
    assert "as a dependency of fastapi (through starlette)" in found[1].message
    assert "as a dependency of jinja2;" in found[2].message


def test_imports_a_configuration_selects_and_stdlib_slips(project) -> None:
    project.write(
        {
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\ndependencies = ["fastapi", "boto3"]\n'
            ),
            "app/config.py": (
                "import os\n\nBACKEND = os.getenv('SECRETS', 'env')\n"
                "if BACKEND == 'vault':\n    import hvac\n"
            ),
            "app/money.py": "from parse import Decimal\n",
            "app/storage.py": "from botocore.exceptions import ClientError\n",
        }
    )
    findings = [f for f in project.scan("PIN107").findings if f.rule == "PIN107"]
    assert [(f.path, f.line) for f in findings] == [("app/money.py", 1)]
    assert findings[0].message.endswith(
        "; if `decimal.Decimal` of the standard library is meant, import it from there"
    )


def test_an_elif_chain_selecting_integrations_guards_each_branchs_import(project) -> None:
    """Each ``elif`` is an ``if`` nested in the one above: the imports of every branch
    are the configuration's choice, while an import just after the last ``if`` is not."""
    project.write(
        {
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\ndependencies = ["fastapi"]\n'
            ),
            "app/config.py": (
                "import os\n\nBACKEND = os.getenv('SECRETS', 'env')\n"
                "if BACKEND == 'vault':\n    pass\n"
                "elif BACKEND == 'aws':\n    import boto3\n"
                "elif BACKEND == 'gcp':\n    from google.cloud import secretmanager\n"
                "if BACKEND == 'none':\n    LIMIT = 1\n"
                "import redis\n"
            ),
        }
    )
    findings = [f for f in project.scan("PIN107").findings if f.rule == "PIN107"]
    assert [(f.path, f.line) for f in findings] == [("app/config.py", 12)]
    assert "`redis`" in findings[0].message


def test_a_script_outside_every_declared_project_is_nobodys(project) -> None:
    """The only dependency file is the generated app's (``app/pyproject.toml``): the
    maintainer's script at the root belongs to no declared project."""
    project.write(
        {
            "app/pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\ndependencies = ["fastapi"]\n'
            ),
            "app/main.py": "import fastapi\nimport redis\n",
            "scripts/make_config.py": "import yaml\n",
        }
    )
    findings = [f for f in project.scan("PIN107").findings if f.rule == "PIN107"]
    assert [(f.path, f.line) for f in findings] == [("app/main.py", 2)]


def test_every_declared_parent_is_named_and_no_minimum_is_claimed(project) -> None:
    """sqlmodel holds SQLAlchemy to its own range: the finding names both packages that
    bring it and says nothing of a minimum going unchecked."""
    project.write(
        {
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\n'
                'dependencies = ["fastapi", "alembic>=1.13", "sqlmodel"]\n'
            ),
            "app/db.py": "import sqlalchemy\n",
        }
    )
    (finding,) = [f for f in project.scan("PIN107").findings if f.rule == "PIN107"]
    assert finding.severity.value == "info"
    assert finding.message == (
        "`sqlalchemy` is imported but sqlalchemy is not declared: it is installed as a "
        "dependency of alembic and sqlmodel; declare it to choose its version yourself"
    )


def test_an_extra_the_lock_says_brings_the_package_declares_it(project) -> None:
    """``logfire[httpx]`` exists to install the httpx instrumentation: asking for the
    extra is asking for it."""
    lock = (
        'version = 1\nrequires-python = ">=3.11"\n\n'
        '[[package]]\nname = "logfire"\nversion = "3.0.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        'dependencies = [{ name = "opentelemetry-sdk" }]\n\n'
        "[package.optional-dependencies]\n"
        'httpx = [{ name = "opentelemetry-instrumentation-httpx" }]\n'
    )
    project.write(
        {
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\n'
                'dependencies = ["fastapi", "logfire[httpx]>=3"]\n'
            ),
            "uv.lock": lock,
            "app/tracing.py": "from opentelemetry.instrumentation.httpx import Instrumentor\n",
        }
    )
    assert [f for f in project.scan("PIN107").findings if f.rule == "PIN107"] == []


def test_distributions_named_after_the_import_by_convention(project) -> None:
    """Seen on a monorepo's integrations: ``azureml.core`` comes from azureml-core,
    ``ruamel.yaml`` from ruamel.yaml, ``gitlab`` from python-gitlab; the dotted path with
    dashes, or ``python-<name>``, is the distribution's name. A name nothing declares is
    still reported, and so is an import whose own name a lock installs."""
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "relay"
                requires-python = ">=3.11"
                dependencies = [
                    "fastapi>=0.115",
                    "orbit-engine>=1.2",
                    "python-quasar>=3",
                    "vega.tools>=0.4",
                    "python-pulsar>=1",
                ]
                """,
            "uv.lock": """
                version = 1
                requires-python = ">=3.11"

                [[package]]
                name = "relay"
                version = "1.0"
                source = { editable = "." }
                dependencies = [{ name = "fastapi" }]

                [[package]]
                name = "fastapi"
                version = "0.115.0"
                source = { registry = "https://pypi.org/simple" }
                dependencies = [{ name = "pulsar" }]

                [[package]]
                name = "pulsar"
                version = "1.0"
                source = { registry = "https://pypi.org/simple" }
                """,
            "relay/__init__.py": "",
            "relay/jobs.py": """
                from orbit.engine.runner import Runner
                import quasar
                from vega.tools import chart
                import nebula.engine
                import pulsar.engine
                """,
        }
    )
    found = {f.line: f for f in project.scan("PIN107").findings if f.rule == "PIN107"}
    assert sorted(found) == [4, 5]
    assert "nebula is not declared in any dependency file" in found[4].message
    # pulsar is a distribution of its own (the lock installs it): not python-pulsar's.
    assert found[5].severity.value == "info"


def test_stub_bundles_full_and_essential_extras(project) -> None:
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "relay"
                requires-python = ">=3.11"
                dependencies = ["fastapi>=0.115"]

                [dependency-groups]
                dev = ["boto3-stubs[full]>=1.34", "types-aiobotocore[essential]>=2.0"]
                """,
            "relay/__init__.py": "",
            "relay/aws.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from _typeshed import StrPath
                    from mypy_boto3_ecs.client import ECSClient
                    from types_aiobotocore_s3 import S3Client
                    from types_aiobotocore_logs import CloudWatchLogsClient
                """,
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [("PIN107", "relay/aws.py", 7)]


def test_front_matter_of_an_example_declares_its_own_imports(project) -> None:
    """A documentation site's example opens with a ``# ---`` fenced comment block whose
    ``dependencies`` line says what to install: that declares the example's imports, and
    only its own (the example beside it without one is still reported). Here the
    examples sit in a docs folder, not an ``examples/`` one (set aside altogether)."""
    front = (
        "# ---\n"
        "# title: Weather report\n"
        '# dependencies: ["relay", "skyfetch[cache]>=2", "tabulate", "moonbeam"]\n'
        "# ---\n"
        "#\n"
        "# Install: pip install skyfetch tabulate\n\n"
    )
    project.write(
        {
            "pyproject.toml": '[project]\nname = "relay"\ndependencies = ["fastapi"]\n',
            "relay/__init__.py": "",
            "docs/recipes/weather.py": front
            + "import skyfetch\nimport tabulate\nimport relay\nimport moonbeam\n",
            "docs/recipes/other.py": "# ---\n# title: Other\n# ---\nimport skyfetch\n",
            "docs/recipes/broken.py": (
                front.replace('"tabulate"', '"not a name"') + "import tabulate\n"
            ),
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [
        ("PIN107", "docs/recipes/broken.py", 8),
        ("PIN107", "docs/recipes/other.py", 4),
    ]


def test_documentation_examples_are_not_the_projects_imports(project) -> None:
    """A script under ``examples/`` (or ``docs_src/``) is documentation: a reader runs
    it in an environment of their own, set up as its prose says. One a project file
    outside those folders imports (a tutorial the tests run) is the project's code, and
    so is a docs build script; a project module named ``examples`` is too, when the
    package imports it."""
    project.write(
        {
            "pyproject.toml": '[project]\nname = "relay"\ndependencies = ["fastapi"]\n',
            "relay/__init__.py": "from relay.examples import demo\n",
            "relay/examples/__init__.py": "",
            "relay/examples/demo.py": "import skyfetch\n",
            "examples/weather_report.py": (
                "# Setup: pip install relay skyfetch tabulate\n"
                "import skyfetch\nimport tabulate\n\nfrom examples import _shared\n"
            ),
            "examples/_shared.py": "import moonbeam\n",
            "docs_src/tutorial001.py": "import moonbeam\n",
            "docs_src/tutorial002.py": "import zorblax\n",
            "tests/test_tutorial.py": "from docs_src import tutorial002\n",
            "docs/scripts/build_schema.py": "import yaml\n\nimport relay\n",
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [
        ("PIN107", "docs/scripts/build_schema.py", 1),
        ("PIN107", "docs_src/tutorial002.py", 1),
        ("PIN107", "relay/examples/demo.py", 1),
    ]


def test_test_data_and_modules_loaded_from_a_folder_put_on_the_path(project) -> None:
    """A flow under ``tests/sample-projects/`` imports a module that does not exist, on
    purpose; a test puts a folder on ``sys.path`` and imports the module it wrote there.
    Neither is a distribution. A test module importing an undeclared package still is."""
    project.write(
        {
            "pyproject.toml": '[project]\nname = "relay"\ndependencies = ["fastapi"]\n',
            "relay/__init__.py": "",
            "tests/sample-projects/broken_flow/flow.py": "import zorblax\n",
            "tests/test_loading.py": """
                import sys

                import respx


                def test_loads_written_module(tmp_path):
                    (tmp_path / "written_mod.py").write_text("X = 1")
                    sys.path.insert(0, str(tmp_path))
                    import written_mod

                    assert written_mod.X == 1


                def test_without_path():
                    import glimmerlib
                """,
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [
        ("PIN107", "tests/test_loading.py", 3),
        ("PIN107", "tests/test_loading.py", 15),
    ]


def test_a_backport_that_no_admitted_python_runs(project) -> None:
    """``try: from importlib.resources import files`` / ``except ImportError: from
    importlib_resources import files``: with Python 3.10 and later admitted the fallback
    never runs. ``tomllib`` arrived in 3.11, so its backport does run on 3.10."""
    code = """
        try:
            from importlib.resources import files
        except ImportError:
            from importlib_resources import files

        try:
            import tomllib
        except ModuleNotFoundError:
            import tomli as tomllib
        """
    project.write(
        {
            "pyproject.toml": (
                '[project]\nname = "relay"\nrequires-python = ">=3.10"\n'
                'dependencies = ["fastapi"]\n'
            ),
            "relay/__init__.py": "",
            "relay/assets.py": code,
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [("PIN107", "relay/assets.py", 9)]
    project.write({"pyproject.toml": project.read("pyproject.toml").replace("3.10", "3.8")})
    assert [f for f in project.findings() if f[0] == "PIN107"] == [
        ("PIN107", "relay/assets.py", 4),
        ("PIN107", "relay/assets.py", 9),
    ]


def test_an_integration_package_checking_for_its_library_is_optional(project):
    """``shop/slack/__init__.py`` raises an install hint unless ``find_spec`` finds the
    library; ``shop/llm/__init__.py`` checks a version by the module's name. What their
    modules import is optional, as behind ``except ImportError``; the same import
    elsewhere is not."""
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "src/shop/__init__.py": "",
            "src/shop/slack/__init__.py": """
                from importlib.util import find_spec

                if find_spec("slack_bolt") is None:
                    raise ImportError("pip install shop[slack]")
                """,
            "src/shop/slack/app.py": """
                from slack_bolt import App
                from slack_sdk.errors import SlackApiError
                """,
            "src/shop/llm/__init__.py": """
                from shop.versions import require

                require("langchain_core", "0.2.5")
                """,
            "src/shop/llm/callbacks.py": "from langchain_core.callbacks import Handler\n",
            "src/shop/reports.py": "from langchain_core.prompts import PromptTemplate\n",
        }
    )
    assert project.findings() == [("PIN107", "src/shop/reports.py", 1)]
