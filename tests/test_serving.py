"""The serving rules stay quiet where the code never runs on the server's event loop.

Two pieces of evidence are needed: the app never imports the file, and the file says
what it is (a script, a test, a migration). A module the app imports keeps its
findings, whatever its folder is called.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from fastaudit.audit.scan import scan
from fastaudit.config import Config

APP = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.jobs import nightly

        app = FastAPI(openapi_url=None)


        @app.get("/health")
        async def health():
            return {"ok": await nightly()}
        """,
    "app/jobs.py": """
        import time


        async def nightly():
            time.sleep(1)
            return True
        """,
    # A one-off script with its own loop; the app never imports it.
    "scripts/backfill.py": """
        import asyncio
        import time


        async def main():
            time.sleep(1)


        asyncio.run(main())
        """,
    # Not imported either, but nothing says it is a script: it keeps its findings.
    "app/orphan.py": """
        import time


        async def later():
            time.sleep(1)
        """,
    # Under a script-like folder name, but the app imports it: it serves.
    "tools/__init__.py": "",
}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def asy(root: Path) -> list[tuple[str, int]]:
    result = scan(root, Config(), use_cache=False, jobs=1)
    return sorted((f.path, f.line) for f in result.findings if f.rule == "ASY102")


def test_a_script_the_app_never_imports_gets_no_serving_findings(tmp_path: Path) -> None:
    write(tmp_path, APP)
    assert asy(tmp_path) == [("app/jobs.py", 5), ("app/orphan.py", 5)]
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    assert result.off_loop == {
        "scripts/backfill.py": "not imported by the app, and lives under `scripts/`"
    }


def test_a_script_folder_module_the_app_imports_still_serves(tmp_path: Path) -> None:
    files = {
        **APP,
        "app/main.py": APP["app/main.py"].replace(
            "from app.jobs import nightly", "from app.jobs import nightly\nfrom tools import clock"
        ),
        "tools/clock.py": """
            import time


            async def tick():
                time.sleep(1)
            """,
    }
    write(tmp_path, files)
    assert ("tools/clock.py", 5) in asy(tmp_path)


def test_a_main_guard_outside_the_app_is_a_script(tmp_path: Path) -> None:
    files = {
        **APP,
        "app/seed.py": """
            import asyncio
            import time


            async def seed():
                time.sleep(1)


            if __name__ == "__main__":
                asyncio.run(seed())
            """,
    }
    write(tmp_path, files)
    assert ("app/seed.py", 5) not in asy(tmp_path)
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    assert result.off_loop["app/seed.py"] == "not imported by the app, and has a `__main__` guard"


def test_a_pytest_fixture_module_outside_the_app_is_test_support(tmp_path: Path) -> None:
    """A package's own fixtures (``app/testkit/fixtures.py``, a pytest plugin) run in
    the test session; one the app imports still serves."""
    files = {
        **APP,
        "app/testkit/__init__.py": "",
        "app/testkit/fixtures.py": """
            import time

            import pytest


            @pytest.fixture
            async def warm_cache():
                time.sleep(1)
                yield {}
            """,
        "app/served_fixtures.py": """
            import time

            import pytest


            @pytest.fixture
            async def tenant():
                time.sleep(1)
                return "acme"
            """,
        "app/main.py": APP["app/main.py"].replace(
            "from app.jobs import nightly",
            "from app import served_fixtures\n        from app.jobs import nightly",
        ),
    }
    write(tmp_path, files)
    found = asy(tmp_path)
    assert ("app/testkit/fixtures.py", 8) not in found
    assert ("app/served_fixtures.py", 8) in found
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    assert result.off_loop["app/testkit/fixtures.py"] == (
        "not imported by the app, and defines pytest fixtures (test support)"
    )


def test_the_decision_does_not_depend_on_the_rules_selected(tmp_path: Path) -> None:
    """``--select ASY102`` alone still finds the app, so the script stays quiet."""
    write(tmp_path, APP)
    result = scan(tmp_path, Config(select=["ASY102"]), use_cache=False, jobs=1)
    assert sorted((f.path, f.line) for f in result.findings) == [
        ("app/jobs.py", 5),
        ("app/orphan.py", 5),
    ]


def test_served_findings_say_why_in_their_detail(tmp_path: Path) -> None:
    write(tmp_path, APP)
    result = scan(tmp_path, Config(select=["ASY102"]), use_cache=False, jobs=1)
    details = {f.path: f.detail for f in result.findings}
    assert details["app/jobs.py"].startswith(f"{result.findings[0].message}\n\n")
    assert details["app/jobs.py"].endswith(
        "Served code, as the app imports it: app/main.py → app/jobs.py."
    )
    assert "no import from the app reaches it" in details["app/orphan.py"]
    # The one-line report stays one line.
    assert all("\n" not in f.message for f in result.findings)


def test_a_library_import_never_reaches_a_project_file_of_the_same_name(tmp_path: Path) -> None:
    """``import stripe`` in the app is the library, not ``tools/cmd/stripe.py`` (a
    folder of dev commands with no ``__init__``), so the dev command stays a script."""
    files = {
        **APP,
        "app/main.py": APP["app/main.py"].replace(
            "from app.jobs import nightly", "from app.jobs import nightly\n        import stripe"
        ),
        "devtools/cmd/stripe.py": """
            import asyncio
            import time


            async def sync_prices():
                time.sleep(1)


            asyncio.run(sync_prices())
            """,
    }
    write(tmp_path, files)
    result = scan(tmp_path, Config(select=["ASY102"]), use_cache=False, jobs=1)
    assert "devtools/cmd/stripe.py" not in {f.path for f in result.findings}
    assert result.off_loop["devtools/cmd/stripe.py"] == (
        "not imported by the app, and runs its own event loop (`asyncio.run`)"
    )


CLI = {
    **APP,
    # A cyclopts program beside the app: its async commands run on their own loop.
    "app/cli/__init__.py": "",
    "app/cli/main.py": """
        import time

        import cyclopts

        from app.cli.helpers import render_report

        shop = cyclopts.App(name="shop")


        @shop.command
        async def report(path: str) -> None:
            time.sleep(1)
            await render_report(path)
        """,
    # Imported by the command only: where the command runs.
    "app/cli/helpers.py": """
        import time


        async def render_report(path: str) -> None:
            time.sleep(1)
        """,
    # Imported by the command and by a module nothing marks: not settled, it serves.
    "app/cli/shared.py": """
        import time


        async def shared() -> None:
            time.sleep(1)
        """,
    "app/plugin.py": """
        from app.cli.shared import shared


        async def hook() -> None:
            await shared()
        """,
}


def test_a_cyclopts_program_and_its_own_helpers_are_not_served(tmp_path: Path) -> None:
    files = dict(CLI)
    files["app/cli/main.py"] = CLI["app/cli/main.py"].replace(
        "from app.cli.helpers import render_report",
        "from app.cli.helpers import render_report\n        from app.cli.shared import shared",
    )
    write(tmp_path, files)
    found = asy(tmp_path)
    assert ("app/cli/main.py", 12) not in found
    assert ("app/cli/helpers.py", 5) not in found
    assert ("app/cli/shared.py", 5) in found
    result = scan(tmp_path, Config(select=["ASY102"]), use_cache=False, jobs=1)
    assert result.off_loop["app/cli/main.py"] == (
        "not imported by the app, and is a command-line program (`cyclopts`)"
    )
    assert result.off_loop["app/cli/helpers.py"] == (
        "not imported by the app, and only scripts, tests and command-line programs "
        "import it (`app/cli/main.py`)"
    )


def test_a_module_only_tests_import_still_serves(tmp_path: Path) -> None:
    """A module no script imports may be a library's public API: tests alone say
    nothing about where it runs."""
    files = {
        **APP,
        "app/public.py": """
            import time


            async def fetch() -> None:
                time.sleep(1)
            """,
        "tests/test_public.py": """
            from app.public import fetch


            async def test_fetch() -> None:
                await fetch()
            """,
    }
    write(tmp_path, files)
    assert ("app/public.py", 5) in asy(tmp_path)


def test_commands_defined_in_a_served_module_are_not_served(tmp_path: Path) -> None:
    """The app imports the module for one function; the click, typer and cyclopts
    commands beside it run on their own loops, the rest of the module serves."""
    files = {
        **APP,
        "app/main.py": APP["app/main.py"].replace(
            "from app.jobs import nightly",
            "from app.jobs import nightly\nfrom app.manage import migrate",
        ),
        "app/manage.py": """
            import time

            import click
            import cyclopts
            import typer

            tool = cyclopts.App()
            other = typer.Typer()


            @click.group()
            def cli():
                pass


            @cli.group()
            def extensions():
                pass


            @extensions.command("update")
            @click.argument("name")
            async def update(name):
                time.sleep(1)


            @click.command()
            async def alone():
                time.sleep(1)


            @tool.default
            async def main():
                time.sleep(1)


            @other.command()
            async def typed():
                time.sleep(1)


            async def migrate():
                time.sleep(1)
            """,
    }
    write(tmp_path, files)
    found = [line for path, line in asy(tmp_path) if path == "app/manage.py"]
    assert found == [43]


def test_a_public_library_module_a_command_uses_still_serves(tmp_path: Path) -> None:
    """``acme/deploy.py`` is imported by the command only, but a library's users call
    its public modules from their own code: only private modules and the command's own
    folder are its helpers."""
    files = {
        **CLI,
        "app/cli/main.py": CLI["app/cli/main.py"].replace(
            "from app.cli.helpers import render_report",
            "from app.cli.helpers import render_report\n"
            "        from app.deploy import push\n"
            "        from app._internal import hidden",
        ),
        "app/deploy.py": """
            import time


            async def push() -> None:
                time.sleep(1)
            """,
        "app/_internal.py": """
            import time


            async def hidden() -> None:
                time.sleep(1)
            """,
    }
    write(tmp_path, files)
    found = asy(tmp_path)
    assert ("app/deploy.py", 5) in found
    assert ("app/_internal.py", 5) not in found


def test_an_end_to_end_suite_s_fixture_app_is_test_code(tmp_path: Path) -> None:
    """``cypress/e2e/<feature>/main.py``: an app only the end-to-end suite starts. Its
    blocking call is a test's, like one under ``tests/``."""
    files = {
        **APP,
        "cypress/e2e/uploads/main.py": """
            import time

            from fastapi import FastAPI

            app = FastAPI()


            @app.post("/upload")
            async def upload():
                time.sleep(1)
            """,
        "e2e/smoke/app.py": """
            import time


            async def slow():
                time.sleep(1)
            """,
    }
    write(tmp_path, files)
    assert asy(tmp_path) == [("app/jobs.py", 5), ("app/orphan.py", 5)]


VERSIONED = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.api.versions.v1 import router
        from app.env import settings

        app = FastAPI(openapi_url=None, title=settings["title"])
        app.include_router(router)
        """,
    # An API's versions, in a folder Alembic would also call ``versions``.
    "app/api/__init__.py": "",
    "app/api/versions/__init__.py": "",
    "app/api/versions/v1.py": """
        import time

        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/items")
        async def items():
            time.sleep(1)
            return []
        """,
    # The app's settings module, named like Alembic's env.py.
    "app/env.py": """
        import time

        settings = {"title": "shop"}


        async def refresh():
            time.sleep(1)
        """,
    # Alembic's own: its env.py and a revision, both importing alembic.
    "migrations/env.py": """
        import asyncio
        import time

        from alembic import context


        async def run_async_migrations():
            time.sleep(1)


        asyncio.run(run_async_migrations())
        """,
    "migrations/versions/1a2b3c_add_items.py": """
        import time

        from alembic import op

        revision = "1a2b3c"
        down_revision = None


        async def backfill():
            time.sleep(1)


        def upgrade():
            op.execute("select 1")
        """,
    # A merge revision imports nothing: its down_revision says what it is.
    "migrations/versions/4d5e6f_merge_heads.py": """
        import time

        revision = "4d5e6f"
        down_revision = ("1a2b3c", "0f9e8d")


        async def settle():
            time.sleep(1)


        def upgrade():
            pass
        """,
}


def test_a_versions_folder_or_env_module_of_the_app_is_not_a_migration(tmp_path: Path) -> None:
    """Alembic's files are where Alembic keeps them and import alembic or name their
    ``down_revision``: an API's ``versions/`` package and an app's ``env.py`` keep their
    findings (their routes count as routes too), while the real migrations, a merge
    revision that imports nothing included, are off the loop."""
    write(tmp_path, VERSIONED)
    assert asy(tmp_path) == [("app/api/versions/v1.py", 10), ("app/env.py", 7)]
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    assert result.off_loop == {
        "migrations/env.py": "an Alembic migration",
        "migrations/versions/1a2b3c_add_items.py": "an Alembic migration",
        "migrations/versions/4d5e6f_merge_heads.py": "an Alembic migration",
    }
    routes = [f for f in result.findings if f.rule == "DOC102"]
    assert [(f.path, f.line) for f in routes] == [("app/api/versions/v1.py", 8)]
