"""The asyncio checks peers have (ruff's ASYNC210-250 and RUF006), as they apply to
FastAPI code: urllib3 and httpx's sync client (ASY101), the file system through
``os``/``os.path``/``pathlib`` (ASY103), terminal prompts (ASY110) and tasks started and
dropped (ASY111). Look-alikes that build paths or read a client's settings stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import found, project_findings, write_tree


def in_async(setup: str, body: str, *, is_async: bool = True) -> str:
    keyword = "async def" if is_async else "def"
    return f"{setup}\n\n{keyword} handle(name: str, url: str):\n    return {body}\n"


HTTP_FORMS = [
    ("import urllib3", "urllib3.request('GET', url)"),
    ("import urllib3", "urllib3.PoolManager().request('GET', url)"),
    ("import urllib3\nhttp = urllib3.PoolManager()", "http.urlopen('GET', url)"),
    ("from urllib3 import ProxyManager", "ProxyManager('http://proxy').request('GET', url)"),
    ("import urllib3", "urllib3.HTTPConnectionPool('api.test').request('GET', '/')"),
    ("from urllib3.connectionpool import HTTPSConnectionPool as P", "P('a').urlopen('GET', '/')"),
    ("import urllib3", "urllib3.connection_from_url(url).request('GET', '/')"),
    ("import urllib3", "urllib3.PoolManager().connection_from_url(url).urlopen('GET', '/')"),
    ("import httpx", "httpx.Client().get(url)"),
    ("import httpx\nclient = httpx.Client()", "client.send(client.build_request('GET', url))"),
    ("import requests", "requests.Session().post(url)"),
    ("from requests.sessions import Session", "Session().get(url)"),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "call"), HTTP_FORMS)
def test_each_sync_http_form_triggers_in_async_code(setup: str, call: str) -> None:
    assert len(found(in_async(setup, call), "ASY101")) == 1
    assert found(in_async(setup, call, is_async=False), "ASY101") == []


HTTP_LOOK_ALIKES = [
    ("import requests\nsession = requests.Session()", "session.headers.get('Authorization')"),
    ("import httpx\nclient = httpx.Client()", "client.cookies.get('sid')"),
    ("import httpx\nclient = httpx.Client()", "client.build_request('GET', url)"),
    ("import urllib3", "urllib3.util.parse_url(url).host"),
    ("import urllib3\nhttp = urllib3.PoolManager()", "http.clear()"),
    ("import httpx", "httpx.AsyncClient().get(url)"),
]


@pytest.mark.parametrize(("setup", "call"), HTTP_LOOK_ALIKES)
def test_reading_a_client_or_an_async_client_does_not_trigger(setup: str, call: str) -> None:
    assert found(in_async(setup, call), "ASY101") == []


def test_a_client_bound_by_with_in_an_async_def() -> None:
    text = """
        import httpx

        async def ping(urls: list[str]) -> list[int]:
            codes = []
            with httpx.Client(timeout=2) as client, open("/dev/null") as sink:
                for url in urls:
                    codes.append(client.head(url).status_code)
            return codes
    """
    assert [f.span.line for f in found(text, "ASY101")] == [7]


FILE_SYSTEM_FORMS = [
    ("import os", "os.path.exists(name)"),
    ("import os.path", "os.path.isfile(name)"),
    ("import os.path as osp", "osp.isdir(name)"),
    ("from os.path import getsize", "getsize(name)"),
    ("from os import path", "path.getmtime(name)"),
    ("import os", "os.listdir(name)"),
    ("import os", "list(os.scandir(name))"),
    ("import os", "os.stat(name).st_size"),
    ("import os", "os.remove(name)"),
    ("import os", "os.makedirs(name, exist_ok=True)"),
    ("import os", "list(os.walk(name))"),
    ("import glob", "glob.glob(name)"),
    ("import shutil", "shutil.copy2(name, url)"),
    ("from pathlib import Path", "Path(name).is_file()"),
    ("from pathlib import Path", "Path(name).is_dir()"),
    ("from pathlib import Path", "Path(name).chmod(0o600)"),
    ("from pathlib import Path", "Path(name).owner()"),
    ("from pathlib import Path", "Path(name).samefile(url)"),
    ("from pathlib import Path", "list(Path(name).walk())"),
    ("from pathlib import Path", "Path(name).with_suffix('.bak').exists()"),
    ("from pathlib import Path", "Path(__file__).parent.joinpath(name).read_text()"),
    ("from pathlib import Path", "Path.home().joinpath('.netrc').is_file()"),
    ("import pathlib", "pathlib.Path(name).expanduser().stat()"),
]


@pytest.mark.parametrize(("setup", "call"), FILE_SYSTEM_FORMS)
def test_each_file_system_call_triggers_in_async_code(setup: str, call: str) -> None:
    assert len(found(in_async(setup, call), "ASY103")) == 1
    assert found(in_async(setup, call, is_async=False), "ASY103") == []


PATH_WORK = [
    ("import os", "os.path.join(name, url)"),
    ("import os", "os.path.basename(name)"),
    ("import os", "os.path.splitext(name)[1]"),
    ("import os", "os.path.dirname(name)"),
    ("import os", "os.path.abspath(name)"),
    ("import os", "os.path.normpath(name)"),
    ("import os", "os.path.relpath(name, url)"),
    ("import os", "os.path.realpath(name)"),
    ("import os", "os.getenv(name)"),
    ("from pathlib import Path", "Path(__file__).parent / name"),
    ("from pathlib import Path", "Path(name).suffix"),
    ("from pathlib import Path", "Path(name).stem.replace('-', ' ')"),
    ("from pathlib import Path", "Path(name).name.split('.')"),
    ("from pathlib import Path", "Path(name).resolve()"),
    ("from pathlib import Path", "Path(name).absolute().as_posix()"),
    ("from pathlib import Path", "Path(name).with_name(url).match('*.txt')"),
    ("from pathlib import PurePath", "PurePath(name).relative_to(url)"),
    ("from pathlib import Path", "str(Path(name)).replace('/', '_')"),
]


@pytest.mark.parametrize(("setup", "call"), PATH_WORK)
def test_building_a_path_does_not_trigger(setup: str, call: str) -> None:
    assert found(in_async(setup, call), "ASY103") == []


def test_a_terminal_prompt_behind_a_helper_is_reported_by_asy108(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app/prompts.py": """
                import getpass


                def confirm(question: str) -> bool:
                    return input(question + " [y/N] ").strip().lower() == "y"


                def admin_secret() -> str:
                    return getpass.getpass("Admin secret: ")
            """,
            "app/routes.py": """
                from fastapi import APIRouter

                from app.prompts import admin_secret, confirm

                router = APIRouter()


                @router.delete("/cache")
                async def clear_cache():
                    if confirm("Clear the cache?"):
                        return {"cleared": True}
                    return {"cleared": False, "by": admin_secret()}
            """,
        },
    )
    assert project_findings(root, "ASY110") == []  # not written in the async body
    reached = project_findings(root, "ASY108")
    assert [f.span.line for f in reached] == [10, 12]
    assert "`confirm` -> `input` (ASY110: a read of the terminal)" in reached[0].message
    assert "`admin_secret` -> `getpass.getpass` (ASY110" in reached[1].message


def test_file_system_calls_behind_a_helper_are_reported_by_asy108(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app/archive.py": """
                import os
                import zipfile


                def zip_folder(folder: str, target: str) -> None:
                    with zipfile.ZipFile(target, "w") as archive:
                        for base, _, names in os.walk(folder):
                            for name in names:
                                archive.write(os.path.join(base, name))


                def archive_name(folder: str) -> str:
                    return os.path.join(folder, os.path.basename(folder) + ".zip")
            """,
            "app/routes.py": """
                from fastapi import APIRouter

                from app.archive import archive_name, zip_folder

                router = APIRouter()


                @router.post("/exports/{folder}")
                async def export(folder: str):
                    target = archive_name(folder)
                    zip_folder(folder, target)
                    return {"file": target}
            """,
        },
    )
    reached = project_findings(root, "ASY108")
    assert [f.span.line for f in reached] == [11]
    assert "`zip_folder` -> `os.walk` (ASY103: sync file I/O)" in reached[0].message


def test_a_dropped_task_is_reported_in_served_code_not_in_tests(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app/main.py": """
                import asyncio

                from fastapi import FastAPI

                app = FastAPI()


                async def warm_cache() -> None:
                    await asyncio.sleep(0)


                @app.on_event("startup")
                async def startup() -> None:
                    asyncio.create_task(warm_cache())
            """,
            "tests/test_main.py": """
                import asyncio

                from app.main import warm_cache


                async def test_warm() -> None:
                    asyncio.create_task(warm_cache())
            """,
        },
    )
    dropped = project_findings(root, "ASY111")
    assert [(f.path, f.span.line) for f in dropped] == [("app/main.py", 14)]
    assert "garbage-collected" in dropped[0].message


@pytest.mark.parametrize(
    "statement",
    [
        "asyncio.create_task(job())",
        "asyncio.ensure_future(job())",
        "asyncio.get_event_loop().create_task(job())",
        "asyncio.get_running_loop().create_task(job())",
        "asyncio.create_task(job()).add_done_callback(print)",
    ],
)
def test_each_dropped_form_triggers_wherever_it_is_written(statement: str) -> None:
    for wrapper in ("async def start(job):\n    {}\n", "def start(job):\n    {}\n", "{}\n"):
        text = "import asyncio\n\njob = None\n\n" + wrapper.format(statement)
        assert len(found(text, "ASY111")) == 1, text


@pytest.mark.parametrize(
    "statement",
    [
        "task = asyncio.create_task(job())",
        "await asyncio.create_task(job())",
        "running.add(asyncio.create_task(job()))",
        "asyncio.get_running_loop().call_soon(print)",
        "asyncio.run_coroutine_threadsafe(job(), loop)",
    ],
)
def test_a_kept_task_does_not_trigger(statement: str) -> None:
    text = f"import asyncio\n\nrunning = set()\n\nasync def start(job, loop):\n    {statement}\n"
    assert found(text, "ASY111") == []
