"""Blocking calls in what only the app's start-up or shutdown runs: no request waits."""

from __future__ import annotations

from pathlib import Path

from fastaudit.audit.scan import scan
from fastaudit.config import Config

from .conftest import write_tree

BOOT = """
    import time
    from pathlib import Path


    async def load_plugins() -> list[str]:
        return [p.name for p in Path("plugins").iterdir()]


    async def scan_plugins() -> list[str]:
        return await load_plugins()


    def wait_for_db() -> None:
        time.sleep(1)


    async def warm_cache() -> None:
        time.sleep(0.5)
"""


def asy(root: Path) -> list[tuple[str, int, str]]:
    result = scan(root, Config(select=["ASY"]), use_cache=False)
    return [(f.path, f.line, f.rule) for f in result.findings]


def test_the_lifespan_and_what_only_it_awaits_are_left_alone(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/boot.py": BOOT,
            "shop/main.py": """
                import time
                from contextlib import asynccontextmanager

                from fastapi import FastAPI

                from shop.boot import scan_plugins, wait_for_db, warm_cache


                @asynccontextmanager
                async def lifespan(app: FastAPI):
                    wait_for_db()
                    time.sleep(0.1)
                    await scan_plugins()
                    await warm_cache()
                    yield


                app = FastAPI(lifespan=lifespan)


                @app.get("/refresh")
                async def refresh() -> dict:
                    await warm_cache()
                    return {}
            """,
        },
    )
    # ``warm_cache`` also runs for a request: reported. ``scan_plugins`` and the
    # ``load_plugins`` it awaits run only at start-up, as does the lifespan itself.
    assert asy(tmp_path) == [("shop/boot.py", 18, "ASY102")]


def test_start_up_events_and_handlers_count_too(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/boot.py": BOOT,
            "shop/main.py": """
                import time

                from fastapi import FastAPI

                from shop.boot import scan_plugins, warm_cache

                app = FastAPI(on_shutdown=[scan_plugins])
                app.add_event_handler("startup", warm_cache)


                @app.on_event("startup")
                async def connect() -> None:
                    time.sleep(1)


                @app.get("/slow")
                async def slow() -> dict:
                    time.sleep(1)
                    return {}
            """,
        },
    )
    assert asy(tmp_path) == [("shop/main.py", 18, "ASY102")]


def test_a_start_up_helper_also_run_by_a_command_line_command(tmp_path: Path) -> None:
    """The command runs on its own loop: start-up and it are all the callers there are.
    A helper only the command runs is the command's business, as before."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/boot.py": BOOT,
            "shop/main.py": """
                from contextlib import asynccontextmanager

                from fastapi import FastAPI

                from shop.boot import scan_plugins


                @asynccontextmanager
                async def lifespan(app: FastAPI):
                    await scan_plugins()
                    yield


                app = FastAPI(lifespan=lifespan)
            """,
            "shop/cli.py": """
                import asyncclick as click

                from shop.boot import load_plugins, warm_cache
                from shop.main import app


                @click.command()
                async def plugins() -> None:
                    print(await load_plugins(), app.title)


                @click.command()
                async def warm() -> None:
                    await warm_cache()
            """,
        },
    )
    assert asy(tmp_path) == [("shop/boot.py", 18, "ASY102")]


def test_a_task_the_lifespan_starts_runs_while_serving(tmp_path: Path) -> None:
    """``asyncio.create_task(poll())`` in the lifespan: the loop serves requests while
    the task runs, so its blocking call is reported."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/boot.py": BOOT,
            "shop/main.py": """
                import asyncio
                from contextlib import asynccontextmanager

                from fastapi import FastAPI

                from shop.boot import scan_plugins, warm_cache


                @asynccontextmanager
                async def lifespan(app: FastAPI):
                    await scan_plugins()
                    refresher = asyncio.create_task(warm_cache())
                    yield
                    refresher.cancel()


                app = FastAPI(lifespan=lifespan)
            """,
        },
    )
    assert asy(tmp_path) == [("shop/boot.py", 18, "ASY102")]
