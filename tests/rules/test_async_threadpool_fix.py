"""The unsafe ``await run_in_threadpool(...)`` fix of the blocking-call rules (ASY101-105,
ASY109) and of ASY108: each expression context, each place it is refused, the import it
reuses, and that ``--fix`` leaves it to ``--unsafe-fixes``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fastaudit.model import Safety

from .conftest import code, fixed, found, write_tree

BLOCKING = ["ASY101", "ASY102", "ASY103", "ASY104", "ASY105", "ASY109"]
IMPORT = "from fastapi.concurrency import run_in_threadpool"


def body_after_fix(setup: str, body: str, rules: list[str] = BLOCKING) -> str:
    """The fixed text of ``async def handler(...)`` whose body is ``body``."""
    text = f"{setup}\n\n\nasync def handler(url, path, args, kwargs, items):\n    {body}\n"
    return fixed(text, rules)


@pytest.mark.parametrize(
    ("setup", "body", "expected"),
    [
        # A statement, an assignment, keyword arguments.
        ("import requests", "requests.post(url)", "await run_in_threadpool(requests.post, url)"),
        (
            "import requests",
            "reply = requests.get(url, timeout=3)",
            "reply = await run_in_threadpool(requests.get, url, timeout=3)",
        ),
        # ``await`` binds looser than attribute access, subscription and calls.
        (
            "import requests",
            "return requests.get(url).json()",
            "return (await run_in_threadpool(requests.get, url)).json()",
        ),
        (
            "from pathlib import Path",
            "return Path(path).read_text()[:10]",
            "return (await run_in_threadpool(Path(path).read_text))[:10]",
        ),
        # ... but not than operators, ``not`` or an argument.
        (
            "import requests",
            "return -requests.head(url).status_code + len(requests.get(url).text)",
            "return -(await run_in_threadpool(requests.head, url)).status_code"
            " + len((await run_in_threadpool(requests.get, url)).text)",
        ),
        (
            "import bcrypt",
            "return not bcrypt.checkpw(url, path)",
            "return not await run_in_threadpool(bcrypt.checkpw, url, path)",
        ),
        # A method of an object, with no arguments.
        (
            "from sqlalchemy.orm import Session\n\ndb = Session()",
            "db.commit()",
            "await run_in_threadpool(db.commit)",
        ),
        # Star arguments pass through.
        (
            "import requests",
            "requests.post(*args, **kwargs)",
            "await run_in_threadpool(requests.post, *args, **kwargs)",
        ),
        # A list comprehension in an ``async def`` may await (in order, as before).
        (
            "import requests",
            "return [requests.get(u).status_code for u in items]",
            "return [(await run_in_threadpool(requests.get, u)).status_code for u in items]",
        ),
        (
            "import subprocess",
            "subprocess.run(['ls'], check=True)",
            "await run_in_threadpool(subprocess.run, ['ls'], check=True)",
        ),
    ],
)
def test_each_expression_context(setup: str, body: str, expected: str) -> None:
    result = body_after_fix(setup, body)
    assert IMPORT in result
    assert f"    {expected}\n" in result, result


def test_a_call_over_several_lines_keeps_its_arguments_and_comments() -> None:
    result = fixed(
        """
        import requests
        from fastapi.concurrency import run_in_threadpool


        async def notify(url, data):
            requests.post(  # the hook
                url,
                json=data,  # as sent
            )
        """,
        "ASY101",
    )
    assert result.endswith(
        "    await run_in_threadpool(requests.post,  # the hook\n"
        "        url,\n        json=data,  # as sent\n    )\n"
    ), result


REFUSED = [
    # ``await`` in a generator expression makes an async generator: sum() would break.
    ("import requests", "return sum(requests.get(u).status_code for u in items)"),
    ("import time", "return list(time.sleep(x) for x in items)"),
    # A class body is no coroutine.
    ("import requests", "class Reply:\n        body = requests.get(url)"),
    ("import requests", 'return f"{requests.get(url).text}"'),
    ("import requests", "return await requests.get(url)"),
    # Entering and leaving would stay on the loop.
    ("import requests", "with requests.get(url) as reply:\n        return reply.text"),
    # Meant ``to_thread(requests.get, url)``: the call already runs here.
    ("import asyncio\nimport requests", "return await asyncio.to_thread(requests.get(url))"),
    ("import requests", "return requests.request('GET', url, func=print)"),
    # Handles whose later use blocks unseen, or is bound to its thread.
    ("", "handle = open(path)"),
    ("from pathlib import Path", "handle = Path(path).open()"),
    ("import subprocess", "process = subprocess.Popen(['ls'])"),
    ("import sqlite3", "return sqlite3.connect(path)"),
    # A query reads its rows later, in ``.all()``, which would stay on the loop.
    ("from sqlalchemy.orm import Session\n\ndb = Session()", "return db.query(url).all()"),
    ("from sqlalchemy.orm import Session\n\ndb = Session()", "rows = db.query(url)"),
    ("import requests", "reply = requests.get(url, stream=True)"),
    # Lazy iterators: the walk happens as the caller iterates, back on the loop.
    ("from pathlib import Path", "for found in Path(path).rglob('*'):\n        print(found)"),
    ("from pathlib import Path", "return [p.name for p in Path(path).iterdir()]"),
    ("from pathlib import Path", "return sorted(Path(path).glob('*.csv'))"),
    ("from pathlib import Path", "return list(Path(path).walk())"),
    ("import os", "for root, dirs, files in os.walk(path):\n        print(files)"),
    ("import os", "entries = os.scandir(path)"),
    ("import os", "return list(os.fwalk(path))"),
    ("import glob", "return list(glob.iglob(path))"),
    ("import os", "handle = os.fdopen(3)"),
]


@pytest.mark.parametrize(("setup", "body"), REFUSED)
def test_refused_where_await_cannot_go_or_would_mislead(setup: str, body: str) -> None:
    text = f"{setup}\n\n\nasync def handler(url, path, items):\n    {body}\n"
    findings = found(text, BLOCKING)
    assert findings, "the call is still reported"
    assert all(f.fix is None for f in findings)


@pytest.mark.parametrize(
    ("setup", "body", "expected"),
    [
        (
            "import glob",
            "return glob.glob(path)",
            "return await run_in_threadpool(glob.glob, path)",
        ),
        (
            "import os",
            "return os.listdir(path)",
            "return await run_in_threadpool(os.listdir, path)",
        ),
    ],
)
def test_a_folder_read_whole_is_still_wrapped(setup: str, body: str, expected: str) -> None:
    """``glob.glob`` and ``os.listdir`` return lists: the thread does the whole read."""
    assert expected in body_after_fix(setup, body)


def test_a_nested_sync_def_or_lambda_is_not_reported_at_all() -> None:
    text = """
    import requests


    async def handler(url):
        def later():
            return requests.get(url)

        return later, lambda: requests.get(url)
    """
    assert not found(text, "ASY101")


@pytest.mark.parametrize(
    ("imports", "name"),
    [
        ("from starlette.concurrency import run_in_threadpool", "run_in_threadpool"),
        ("from fastapi.concurrency import run_in_threadpool as in_thread", "in_thread"),
    ],
)
def test_an_existing_import_is_reused(imports: str, name: str) -> None:
    result = fixed(
        f"""
        import requests
        {imports}


        async def handler(url):
            return requests.get(url)
        """,
        "ASY101",
    )
    assert result.count("import run_in_threadpool") == 1
    assert f"return await {name}(requests.get, url)" in result


def test_a_local_named_run_in_threadpool_is_left_alone() -> None:
    result = fixed(
        """
        import requests


        async def handler(url, run_in_threadpool):
            return requests.get(url)
        """,
        "ASY101",
    )
    assert "return await fastapi.concurrency.run_in_threadpool(requests.get, url)" in result
    assert "import fastapi.concurrency\n" in result


def test_the_import_sits_with_the_other_fastapi_imports_of_an_unsorted_block() -> None:
    result = fixed(
        """
        from fastapi import APIRouter
        import requests


        async def handler(url):
            return requests.get(url)
        """,
        "ASY101",
    )
    assert result.startswith(f"from fastapi import APIRouter\n{IMPORT}\nimport requests\n")


@pytest.mark.parametrize(
    ("rule", "setup", "body", "alternative"),
    [
        ("ASY101", "import requests", "requests.get(url)", "`httpx.AsyncClient`"),
        ("ASY103", "import shutil", "shutil.rmtree(url)", "`anyio.Path` or `aiofiles`"),
        (
            "ASY104",
            "from sqlalchemy.orm import Session\n\ndb = Session()",
            "db.flush()",
            "AsyncSession",
        ),
        ("ASY105", "import os", "os.system(url)", "asyncio.create_subprocess_exec"),
        ("ASY109", "import bcrypt", "bcrypt.hashpw(url, url)", "no async form"),
    ],
)
def test_the_fix_is_unsafe_and_names_the_async_alternative(
    rule: str, setup: str, body: str, alternative: str
) -> None:
    text = f"{setup}\n\n\nasync def handler(url):\n    {body}\n"
    (finding,) = found(text, rule)
    assert finding.fix is not None
    assert finding.fix.safety is Safety.UNSAFE
    assert "worker thread" in finding.fix.note and "another thread" in finding.fix.note
    assert alternative in finding.fix.description


def test_asy102_keeps_its_safe_asyncio_sleep() -> None:
    text = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
    (finding,) = found(text, "ASY102")
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    assert "asyncio.sleep" in fixed(text, "ASY102")


def test_an_untyped_session_from_a_sync_provider_is_wrapped_too(tmp_path: Path) -> None:
    from .conftest import project_findings

    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlalchemy.orm import Session


                def get_db() -> Session:
                    ...
                """,
            "app/routes.py": """
                from fastapi import Depends

                from app.db import get_db


                async def rename(db=Depends(get_db)):
                    db.commit()
                """,
        },
    )
    (finding,) = project_findings(tmp_path, "ASY104")
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE


@pytest.mark.parametrize(
    "provider",
    [
        # A factory bound at module level, the session yielded.
        "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n\n\n"
        "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n"
        "    finally:\n        db.close()\n",
        # The class through the module it is defined in.
        "from sqlalchemy.orm import session as orm_session\n\n\n"
        "def get_db():\n    return orm_session.Session(bind=None)\n",
    ],
    ids=["module-level-factory", "defining-module"],
)
def test_a_sync_session_provider_is_known_however_it_makes_the_session(
    tmp_path: Path, provider: str
) -> None:
    from .conftest import project_findings

    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": provider,
            "app/routes.py": """
                from fastapi import Depends

                from app.db import get_db


                async def rename(db=Depends(get_db)):
                    db.commit()
                """,
        },
    )
    (finding,) = project_findings(tmp_path, "ASY104")
    assert finding.path == "app/routes.py"


# ------------------------------------------------------------------------------- ASY108
REACH_HELPER = """
    import requests


    def fetch_rates(currency):
        return requests.get(currency, timeout=3).json()
    """


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "return {'rates': fetch_rates(currency)}",
            "await run_in_threadpool(fetch_rates, currency)",
        ),
        (
            "return fetch_rates(currency).get('EUR')",
            "(await run_in_threadpool(fetch_rates, currency)).get('EUR')",
        ),
        ("return sum(fetch_rates(c) for c in currency)", None),
    ],
)
def test_asy108_wraps_the_call_in_the_async_function(
    tmp_path: Path, body: str, expected: str | None
) -> None:
    from fastaudit.audit.scan import scan
    from fastaudit.config import Config
    from fastaudit.fixes.runner import fix_project

    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/rates.py": REACH_HELPER,
            "app/routes.py": f"""
                from app.rates import fetch_rates


                async def prices(currency):
                    {body}
                """,
        },
    )
    result = scan(tmp_path, Config(select=["ASY108"]))
    (finding,) = [f for f in result.findings if f.rule == "ASY108"]
    if expected is None:
        assert finding.fix is None
        return
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    fix_project(result, unsafe=True, write=True)
    routes = (tmp_path / "app/routes.py").read_text()
    assert expected in routes
    assert IMPORT in routes


def test_asy108_offers_no_thread_to_a_function_that_asks_for_the_running_loop(
    tmp_path: Path,
) -> None:
    """``pick_client`` keeps one client per event loop (it asks which loop runs, two
    calls down): in a worker thread there is none, so the wrap would change what it
    returns. The blocking call is still reported, with no thread offered."""
    from fastaudit.audit.scan import scan
    from fastaudit.config import Config

    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": """
                import asyncio

                import requests

                CLIENTS = {}


                def current_loop():
                    try:
                        return asyncio.get_running_loop()
                    except RuntimeError:
                        return None


                def warm_up():
                    requests.get("https://api.test/health", timeout=3)


                def pick_client():
                    loop = current_loop()
                    if loop not in CLIENTS:
                        warm_up()
                        CLIENTS[loop] = object()
                    return CLIENTS[loop]
                """,
            "app/routes.py": """
                from app.clients import pick_client, warm_up


                async def status():
                    client = pick_client()
                    warm_up()
                    return {"client": id(client)}
                """,
        },
    )
    result = scan(tmp_path, Config(select=["ASY108"]), use_cache=False)
    findings = {f.line: f for f in result.findings if f.rule == "ASY108"}
    assert sorted(findings) == [5, 6]
    assert findings[5].fix is None
    assert "`pick_client` or a function it calls asks for the running event loop" in (
        findings[5].message
    )
    assert "run_in_threadpool" not in findings[5].message
    # ``warm_up`` asks for nothing: its wrap stays.
    assert findings[6].fix is not None


# --------------------------------------------------------------------- --fix and ruff
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")

PROJECT = {
    "pyproject.toml": """
        [project]
        name = "shop"
        version = "1.0"
        requires-python = ">=3.11"
        dependencies = ["fastapi>=0.115", "requests>=2.31"]

        [tool.ruff.lint]
        select = ["I", "F"]
        """,
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.routes import router

        app = FastAPI()
        app.include_router(router)
        """,
    "app/routes.py": """
        import requests
        from fastapi import APIRouter

        from app.settings import HOOK_URL

        router = APIRouter()


        @router.post("/orders")
        async def create_order():
            requests.post(HOOK_URL, json={}, timeout=3)
            return {"ok": True}
        """,
    "app/settings.py": """
        HOOK_URL = "https://hooks.test"
        """,
}


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*args], cwd=root, capture_output=True, text=True, check=False, timeout=120
    )


def test_fix_leaves_the_wrap_to_unsafe_fixes_and_ruff_stays_clean(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    fastaudit = [sys.executable, "-m", "fastaudit", "check", "--no-cache", "--select", "ASY101"]
    routes = tmp_path / "app/routes.py"
    before = routes.read_text()
    _run(tmp_path, *fastaudit, "--fix", ".")
    assert routes.read_text() == before, "--fix applied an unsafe fix"
    _run(tmp_path, *fastaudit, "--fix", "--unsafe-fixes", ".")
    after = routes.read_text()
    assert "    await run_in_threadpool(requests.post, HOOK_URL, json={}, timeout=3)\n" in after
    assert after.startswith(f"import requests\nfrom fastapi import APIRouter\n{IMPORT}\n\n")
    if RUFF is not None:
        ruff = _run(tmp_path, RUFF, "check", "--no-cache", "--output-format", "concise", ".")
        assert ruff.returncode == 0, ruff.stdout
    assert code(PROJECT["app/settings.py"]) == (tmp_path / "app/settings.py").read_text()
