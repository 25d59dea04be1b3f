"""ASY108: blocking calls reached from async code through the project's own sync
functions, across modules (small projects written under tmp_path)."""

from __future__ import annotations

from pathlib import Path

from fastaudit.model import Finding

from .conftest import project_findings, write_tree

RULE = "ASY108"

ROUTER_HEAD = """
    from fastapi import APIRouter

    router = APIRouter()
"""


def findings(root: Path, files: dict[str, str]) -> list[Finding]:
    return project_findings(write_tree(root, files), RULE)


def helpers(depth: int) -> str:
    """``h1`` calls ``h2`` ... calls ``h<depth>``, which calls ``time.sleep``."""
    lines = ["import time", ""]
    for level in range(1, depth):
        lines += [f"def h{level}():", f"    return h{level + 1}()", ""]
    lines += [f"def h{depth}():", "    time.sleep(1)", ""]
    return "\n".join(lines)


ROUTE = """
    from fastapi import APIRouter

    from app.helpers import h1

    router = APIRouter()


    @router.get("/")
    async def index():
        return h1()
"""


def test_chains_of_depth_one_to_four_are_reported(tmp_path: Path) -> None:
    for depth in range(1, 5):
        root = tmp_path / str(depth)
        found = findings(root, {"app/helpers.py": helpers(depth), "app/routes.py": ROUTE})
        assert [(f.path, f.span.line) for f in found] == [("app/routes.py", 10)], depth
        chain = " -> ".join(f"`h{n}`" for n in range(1, depth + 1))
        assert f"`index` calls {chain} -> `time.sleep` (ASY102" in found[0].message


def test_a_chain_of_depth_five_is_not_reported(tmp_path: Path) -> None:
    assert findings(tmp_path, {"app/helpers.py": helpers(5), "app/routes.py": ROUTE}) == []


def test_the_shortest_chain_wins_once_per_call_site(tmp_path: Path) -> None:
    files = {
        "app/helpers.py": """
            import time

            import requests


            def h1():
                h2()
                return fetch()


            def h2():
                time.sleep(1)


            def fetch():
                return requests.get("https://x.test", timeout=1)
            """,
        "app/routes.py": ROUTE,
    }
    found = findings(tmp_path, files)
    assert len(found) == 1
    # Both are one step away; the first written wins.
    assert "`h1` -> `h2` -> `time.sleep`" in found[0].message


def test_a_cycle_between_helpers_terminates_and_still_reports(tmp_path: Path) -> None:
    files = {
        "app/helpers.py": """
            import subprocess


            def h1(n):
                return h2(n - 1) if n else 0


            def h2(n):
                if n > 5:
                    subprocess.run(["true"])
                return h1(n)
            """,
        "app/routes.py": ROUTE,
    }
    found = findings(tmp_path, files)
    assert len(found) == 1
    assert "`h1` -> `h2` -> `subprocess.run` (ASY105: a child process)" in found[0].message


def test_a_cycle_with_no_blocking_call_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/helpers.py": """
            def h1(n):
                return h2(n - 1) if n else 0


            def h2(n):
                return h1(n)
            """,
        "app/routes.py": ROUTE,
    }
    assert findings(tmp_path, files) == []


REPOSITORY = """
    from sqlalchemy.orm import Session


    class OrderRepo:
        def save(self, session: Session, order) -> None:
            session.add(order)
            self._flush(session)

        def _flush(self, session: Session) -> None:
            session.commit()
"""


def test_self_method_chains_inside_a_class(tmp_path: Path) -> None:
    files = {
        "app/repo.py": REPOSITORY,
        "app/routes.py": """
            from fastapi import APIRouter

            from app.repo import OrderRepo

            router = APIRouter()
            repo = OrderRepo()


            @router.post("/orders")
            async def create_order(session, order: dict):
                OrderRepo().save(session, order)
            """,
    }
    found = findings(tmp_path, files)
    assert [f.span.line for f in found] == [11]
    assert found[0].message.startswith(
        "`create_order` calls `OrderRepo.save` -> `OrderRepo._flush` -> `session.commit` "
        "(ASY104: a sync database call) on the event loop"
    )


def test_an_async_method_calling_a_sync_method_through_self(tmp_path: Path) -> None:
    files = {
        "app/service.py": """
            import time


            class Service:
                def _wait(self) -> None:
                    time.sleep(1)

                async def run(self) -> None:
                    self._wait()

                @classmethod
                async def build(cls) -> None:
                    cls.prepare()

                @classmethod
                def prepare(cls) -> None:
                    time.sleep(1)
            """,
    }
    found = findings(tmp_path, files)
    assert [(f.span.line, f.message.split(" on ")[0]) for f in found] == [
        (9, "`Service.run` calls `Service._wait` -> `time.sleep` (ASY102: a blocking sleep)"),
        (13, "`Service.build` calls `Service.prepare` -> `time.sleep` (ASY102: a blocking sleep)"),
    ]


def test_a_typed_dependency_parameter_is_followed(tmp_path: Path) -> None:
    files = {
        "app/repo.py": REPOSITORY,
        "app/routes.py": """
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from app.repo import OrderRepo

            router = APIRouter()


            @router.post("/orders")
            async def create_order(repo: Annotated[OrderRepo, Depends()], session, order: dict):
                repo.save(session, order)
            """,
    }
    assert [f.span.line for f in findings(tmp_path, files)] == [12]


def test_helpers_in_another_module_through_from_import_and_module_import(tmp_path: Path) -> None:
    files = {
        "app/mail.py": """
            import smtplib

            import requests


            def notify(user: str) -> None:
                requests.post("https://hooks.test", json={"user": user}, timeout=3)
            """,
        "app/routes.py": """
            from fastapi import APIRouter

            import app.mail
            from app import mail
            from app.mail import notify as tell

            router = APIRouter()


            @router.post("/signup")
            async def signup(user: str):
                tell(user)
                mail.notify(user)
                app.mail.notify(user)
            """,
    }
    found = findings(tmp_path, files)
    assert [f.span.line for f in found] == [12, 13, 14]
    assert all("-> `requests.post` (ASY101: a sync HTTP call)" in f.message for f in found)


def test_a_src_layout_matches_callees(tmp_path: Path) -> None:
    files = {
        "src/app/helpers.py": helpers(2),
        "src/app/routes.py": ROUTE,
    }
    assert [f.path for f in findings(tmp_path, files)] == ["src/app/routes.py"]


def test_threadpool_wrappers_are_not_reported(tmp_path: Path) -> None:
    files = {
        "app/helpers.py": helpers(1),
        "app/routes.py": """
            import asyncio
            import functools

            import anyio
            from fastapi import APIRouter
            from fastapi.concurrency import run_in_threadpool
            from starlette.concurrency import run_in_threadpool as starlette_pool

            from app.helpers import h1

            router = APIRouter()


            @router.get("/")
            async def index():
                await run_in_threadpool(h1)
                await starlette_pool(h1)
                await asyncio.to_thread(h1)
                await anyio.to_thread.run_sync(h1)
                await asyncio.get_running_loop().run_in_executor(None, h1)
                await asyncio.to_thread(lambda: h1())
                await run_in_threadpool(functools.partial(h1))
            """,
    }
    assert findings(tmp_path, files) == []


def test_a_call_written_inside_a_wrapper_still_runs_on_the_loop(tmp_path: Path) -> None:
    # `run_in_threadpool(h1())` calls h1 here, then hands its result to the thread.
    files = {
        "app/helpers.py": helpers(1),
        "app/routes.py": """
            from fastapi import APIRouter
            from fastapi.concurrency import run_in_threadpool

            from app.helpers import h1

            router = APIRouter()


            @router.get("/")
            async def index():
                return await run_in_threadpool(h1())
            """,
    }
    found = findings(tmp_path, files)
    assert [(f.path, f.span.line) for f in found] == [("app/routes.py", 11)]
    assert "`index` calls `h1`" in found[0].message


def test_a_plain_def_route_calling_the_helper_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/helpers.py": helpers(2),
        "app/routes.py": """
            from fastapi import APIRouter

            from app.helpers import h1

            router = APIRouter()


            @router.get("/")
            def index():
                return h1()


            async def outer():
                def inner():
                    return h1()

                return inner
            """,
    }
    assert findings(tmp_path, files) == []


def test_helpers_that_only_call_async_or_pure_code_are_not_reported(tmp_path: Path) -> None:
    files = {
        "app/helpers.py": """
            import asyncio
            import json


            async def fetch():
                await asyncio.sleep(1)


            def start():
                return fetch()


            def encode(data: dict) -> str:
                return json.dumps(data)
            """,
        "app/routes.py": """
            import time

            from fastapi import APIRouter

            from app.helpers import encode, fetch, start

            router = APIRouter()


            @router.get("/")
            async def index():
                await start()
                await fetch()
                unknown_helper()
                return encode({})


            @router.get("/direct")
            async def direct():
                time.sleep(1)
            """,
    }
    assert findings(tmp_path, files) == []


def test_scripts_and_tests_are_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/helpers.py": helpers(1),
        "app/main.py": """
            from fastapi import FastAPI

            app = FastAPI()
            """,
        "scripts/seed.py": """
            import asyncio

            from app.helpers import h1


            async def main():
                h1()


            asyncio.run(main())
            """,
        "tests/test_helpers.py": """
            from app.helpers import h1


            async def test_h1():
                h1()
            """,
    }
    assert findings(tmp_path, files) == []


def test_the_detail_shows_each_link_with_its_file_and_line(tmp_path: Path) -> None:
    files = {
        "app/repo.py": REPOSITORY,
        "app/service.py": """
            from app.repo import OrderRepo


            def place(session, order):
                OrderRepo().save(session, order)
            """,
        "app/routes.py": """
            from fastapi import APIRouter

            from app.service import place

            router = APIRouter()


            @router.post("/orders")
            async def create_order(session, order: dict):
                place(session, order)
            """,
    }
    (finding,) = findings(tmp_path, files)
    assert finding.severity.value == "warning"
    assert finding.message.startswith(
        "`create_order` calls `place` -> `OrderRepo.save` -> `OrderRepo._flush` -> "
        "`session.commit` (ASY104: a sync database call) on the event loop"
    )
    chain = finding.detail.split("The chain, from the event loop to the blocking call:\n")[1]
    assert chain.splitlines()[:4] == [
        "  app/routes.py:10  `create_order` calls `place`",
        "  app/service.py:5  `place` calls `OrderRepo.save`",
        "  app/repo.py:7  `OrderRepo.save` calls `OrderRepo._flush`",
        "  app/repo.py:10  `OrderRepo._flush` calls `session.commit` "
        "(ASY104: a sync database call)",
    ]


def test_a_value_typed_by_a_project_function_s_return_annotation_or_its_return(
    tmp_path: Path,
) -> None:
    files = {
        "app/database.py": """
            from sqlalchemy.orm import Session, sessionmaker

            SessionLocal = sessionmaker()


            def open_session(tenant: str) -> Session:
                return SessionLocal()


            def untyped_session(tenant: str):
                return SessionLocal()
            """,
        "app/handlers.py": """
            from app.database import open_session, untyped_session


            class Handler:
                def handle(self) -> None:
                    open_session("t").commit()


            def get_handler(tenant: str) -> Handler:
                session = open_session(tenant)
                session.query(tenant)
                return Handler()


            def untyped(tenant: str):
                untyped_session(tenant).commit()


            def build_handler() -> Handler:
                return Handler()
            """,
        "app/routes.py": """
            from fastapi import APIRouter

            from app.handlers import build_handler, get_handler, untyped

            router = APIRouter()


            @router.post("/events")
            async def events(tenant: str):
                get_handler(tenant)
                untyped(tenant)
                handler = build_handler()
                handler.handle()
            """,
    }
    found = findings(tmp_path, files)
    assert [(f.span.line, f.message.split(" on the")[0]) for f in found] == [
        (10, "`events` calls `get_handler` -> `session.query` (ASY104: a sync database call)"),
        # No annotation: ``untyped_session`` returns ``SessionLocal()`` on every path.
        (
            11,
            "`events` calls `untyped` -> `untyped_session(tenant).commit` "
            "(ASY104: a sync database call)",
        ),
        (
            13,
            '`events` calls `Handler.handle` -> `open_session("t").commit` '
            "(ASY104: a sync database call)",
        ),
    ]


def test_an_attribute_of_a_function_is_not_its_return_value(tmp_path: Path) -> None:
    files = {
        "app/tasks.py": """
            from sqlalchemy.orm import Session


            def session_for() -> Session: ...


            def enqueue() -> None:
                session_for.commit()
            """,
        "app/routes.py": """
            from app.tasks import enqueue


            async def route():
                enqueue()
            """,
    }
    assert findings(tmp_path, files) == []


# --------------------------------------------------------------- values other files settle
STORE = """
    from sqlalchemy.orm import Session, sessionmaker

    SessionLocal = sessionmaker()


    class Store:
        def __init__(self, session: Session) -> None:
            self.session = session

        def put(self, item) -> None:
            self.session.add(item)
            self.session.commit()


    def get_store():
        session = SessionLocal()
        try:
            yield Store(session)
        finally:
            session.close()
"""


def _lines(found: list[Finding]) -> list[tuple[str, int]]:
    return [(f.path, f.span.line) for f in found]


def test_a_depends_parameter_has_the_type_its_provider_yields(tmp_path: Path) -> None:
    """With no annotation, with ``Any``, and with ``Annotated[Any, Depends(...)]``."""
    files = {
        "app/store.py": STORE,
        "app/routes.py": """
            from typing import Annotated, Any

            from fastapi import APIRouter, Depends

            from app.store import get_store

            router = APIRouter()


            @router.post("/a")
            async def bare(item: dict, store=Depends(get_store)):
                store.put(item)


            @router.post("/b")
            async def any_typed(item: dict, store: Any = Depends(get_store)):
                store.put(item)


            @router.post("/c")
            async def annotated(item: dict, store: Annotated[Any, Depends(get_store)]):
                store.put(item)
            """,
    }
    # Three async functions reach ``Store.put``: one finding there, each call related.
    (found,) = findings(tmp_path, files)
    assert (found.path, found.span.line) == ("app/store.py", 12)
    assert found.message.startswith(
        "`Store.put` -> `self.session.commit` (ASY104: a sync database call) runs on the "
        "event loop for 3 async functions"
    )
    sites = [(p.path, p.line, p.label) for p in found.related if p.path == "app/routes.py"]
    assert sites == [
        ("app/routes.py", 12, "`bare` calls `Store.put`"),
        ("app/routes.py", 17, "`any_typed` calls `Store.put`"),
        ("app/routes.py", 22, "`annotated` calls `Store.put`"),
    ]


def test_an_annotated_depends_parameter_follows_its_annotation(tmp_path: Path) -> None:
    files = {
        "app/store.py": STORE,
        "app/routes.py": """
            from typing import Annotated

            from fastapi import Depends

            from app.store import Store, get_store


            async def typed(item: dict, store: Annotated[Store, Depends(get_store)]):
                store.put(item)
            """,
    }
    assert _lines(findings(tmp_path, files)) == [("app/routes.py", 9)]


def test_attributes_set_in_init_and_annotated_on_the_class(tmp_path: Path) -> None:
    files = {
        "app/store.py": STORE,
        "app/service.py": """
            from app.store import SessionLocal, Store


            class OrderService:
                audit: Store

                def __init__(self) -> None:
                    self.store = Store(SessionLocal())

                def place(self, order) -> None:
                    self.store.put(order)

                def log(self, order) -> None:
                    self.audit.put(order)
            """,
        "app/routes.py": """
            from app.service import OrderService


            async def place(order: dict):
                service = OrderService()
                service.place(order)
                service.log(order)
            """,
    }
    found = findings(tmp_path, files)
    assert _lines(found) == [("app/routes.py", 6), ("app/routes.py", 7)]
    assert "`OrderService.place` -> `Store.put` -> `self.session.commit`" in found[0].message
    assert "`OrderService.log` -> `Store.put`" in found[1].message


def test_an_attribute_holding_two_different_values_is_not_followed(tmp_path: Path) -> None:
    files = {
        "app/store.py": STORE,
        "app/service.py": """
            from app.store import Store


            class Quiet:
                def put(self, item) -> None:
                    pass


            class Service:
                def __init__(self, session, quiet: bool) -> None:
                    if quiet:
                        self.store = Quiet()
                    else:
                        self.store = Store(session)

                def place(self, order) -> None:
                    self.store.put(order)
            """,
        "app/routes.py": """
            from app.service import Service


            async def place(order: dict, service: Service):
                service.place(order)
            """,
    }
    assert findings(tmp_path, files) == []


def test_inherited_methods_and_attributes(tmp_path: Path) -> None:
    files = {
        "app/base.py": """
            from sqlalchemy.orm import Session


            class BaseRepo:
                def __init__(self, session: Session) -> None:
                    self.session = session

                def add(self, item) -> None:
                    self.session.add(item)
                    self.session.flush()
            """,
        "app/users.py": """
            from app.base import BaseRepo


            class UserRepo(BaseRepo):
                def rename(self, user, name: str) -> None:
                    user.name = name
                    self.session.commit()
            """,
        "app/routes.py": """
            from app.users import UserRepo


            async def create(user, repo: UserRepo):
                repo.add(user)
                repo.rename(user, "x")
            """,
    }
    found = findings(tmp_path, files)
    assert _lines(found) == [("app/routes.py", 5), ("app/routes.py", 6)]
    assert "`BaseRepo.add` -> `self.session.flush`" in found[0].message
    assert "`UserRepo.rename` -> `self.session.commit`" in found[1].message


def test_an_imported_module_level_instance_written_in_the_async_body(tmp_path: Path) -> None:
    """``pwd_context`` and ``SessionLocal`` live in another module: no per-file rule can
    tell what they are, so ASY108 reports the call with no helper in between."""
    files = {
        "app/security.py": """
            from passlib.context import CryptContext

            pwd_context = CryptContext(schemes=["bcrypt"])
            """,
        "app/db.py": """
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker()
            """,
        "app/routes.py": """
            from app.db import SessionLocal
            from app.security import pwd_context


            async def login(password: str, digest: str):
                ok = pwd_context.verify(password, digest)
                with SessionLocal() as session:
                    session.commit()
                return ok
            """,
    }
    found = findings(tmp_path, files)
    assert _lines(found) == [("app/routes.py", 6), ("app/routes.py", 8)]
    assert found[0].message.startswith(
        "`login` calls `pwd_context.verify` (ASY109: password hashing) on the event loop"
    )
    # Hashing has no async form: the thread is the only remedy offered.
    assert "make the chain async" not in found[0].message
    assert "`session.commit` (ASY104: a sync database call)" in found[1].message
    assert "`passlib.context.CryptContext().verify`" in found[0].detail


def test_a_value_from_an_awaited_project_call_and_a_method_s_return(tmp_path: Path) -> None:
    files = {
        "app/store.py": STORE,
        "app/factory.py": """
            from app.store import SessionLocal, Store


            class Factory:
                def store(self) -> Store:
                    return Store(SessionLocal())


            async def make_store():
                return Store(SessionLocal())
            """,
        "app/routes.py": """
            from app.factory import Factory, make_store


            async def place(order: dict):
                store = await make_store()
                store.put(order)
                Factory().store().put(order)
            """,
    }
    assert _lines(findings(tmp_path, files)) == [("app/routes.py", 6), ("app/routes.py", 7)]


def test_a_depends_session_asy104_reports_is_not_reported_twice(tmp_path: Path) -> None:
    files = {
        "app/db.py": """
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker()


            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()
            """,
        "app/routes.py": """
            from fastapi import Depends

            from app.db import get_db


            async def rename(db=Depends(get_db)):
                db.commit()
            """,
    }
    root = write_tree(tmp_path, files)
    from fastaudit.audit.scan import scan
    from fastaudit.config import Config

    found = scan(root, Config(select=["ASY104", "ASY108"])).findings
    assert [(f.rule, f.span.line) for f in found] == [("ASY104", 7)]


def test_an_async_session_from_depends_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/db.py": """
            from sqlalchemy.ext.asyncio import async_sessionmaker

            SessionLocal = async_sessionmaker()


            async def get_db():
                async with SessionLocal() as session:
                    yield session
            """,
        "app/routes.py": """
            from fastapi import Depends

            from app.db import SessionLocal, get_db


            async def rename(db=Depends(get_db)):
                await db.commit()
                async with SessionLocal() as other:
                    await other.commit()
            """,
    }
    assert findings(tmp_path, files) == []


def test_scripts_under_bin_are_not_reported(tmp_path: Path) -> None:
    """A ``bin/`` home the app never imports (engine/serving.py decides, for every
    serving rule)."""
    files = {
        "app/helpers.py": helpers(1),
        "app/main.py": """
            from fastapi import FastAPI

            app = FastAPI()
            """,
        "bin/warm.py": """
            from app.helpers import h1


            async def main():
                h1()
            """,
    }
    assert findings(tmp_path, files) == []


# ----------------------------------------------- blocking calls the project lists itself
SDK_USERS = {
    "app/reports.py": """
        import acme_sdk
        from acme_sdk.client import Client


        def monthly(month: str):
            return acme_sdk.fetch_report(month)


        def archive(month: str) -> None:
            Client().upload(month)
        """,
    "app/routes.py": """
        import acme_sdk

        from app.reports import archive, monthly


        async def report(month: str):
            archive(month)
            acme_sdk.ping()
            return monthly(month)
        """,
}


def _with_settings(root: Path, toml: str) -> Path:
    write_tree(root, SDK_USERS)
    (root / "pyproject.toml").write_text(f"[tool.fastaudit]\n{toml}\n", encoding="utf-8")
    return root


def configured_findings(root: Path) -> list[Finding]:
    """ASY108's findings with the project's own ``[tool.fastaudit]`` settings."""
    from fastaudit.audit.scan import scan
    from fastaudit.audit.selection import is_known_selector
    from fastaudit.config import load_config

    config = load_config(root, is_known_selector)
    assert config.warnings == []
    config.select = [RULE]
    return [f for f in scan(root, config, use_cache=False).findings if f.rule == RULE]


def test_a_listed_blocking_call_is_followed_like_a_known_one(tmp_path: Path) -> None:
    root = _with_settings(
        tmp_path,
        'blocking-calls = { "acme_sdk.fetch_report" = "acme_sdk.aio.fetch_report",'
        ' "acme_sdk.client.Client.*" = "" }',
    )
    found = configured_findings(root)
    assert [(f.span.line, f.message) for f in found] == [
        (
            7,
            "`report` calls `archive` -> `Client().upload` "
            "(`acme_sdk.client.Client.*` in blocking-calls) on the event loop: "
            "call `archive` through `await run_in_threadpool(...)`",
        ),
        (
            9,
            "`report` calls `monthly` -> `acme_sdk.fetch_report` "
            "(`acme_sdk.fetch_report` in blocking-calls) on the event loop: "
            "use `acme_sdk.aio.fetch_report`, or call `monthly` through "
            "`await run_in_threadpool(...)`",
        ),
    ]


def test_a_listed_call_written_in_the_async_body_and_a_list_form(tmp_path: Path) -> None:
    root = _with_settings(tmp_path, 'blocking-calls = ["acme_sdk.*"]')
    found = configured_findings(root)
    # ``*`` crosses dots, as in fnmatch: the client's methods are listed too.
    assert [f.span.line for f in found] == [7, 8, 9]
    assert found[1].message.startswith(
        "`report` calls `acme_sdk.ping` (`acme_sdk.*` in blocking-calls) on the event loop"
    )


# Names the walk otherwise leaves out: the standard library's and known libraries'.
ARCHIVER = {
    "app/archive.py": """
        import lzma

        import orjson


        def pack(rows: list[dict]) -> bytes:
            return lzma.compress(orjson.dumps(rows), preset=9)
        """,
    "app/routes.py": """
        import lzma

        from sqlalchemy import create_engine

        from app.archive import pack


        async def export(rows: list[dict]) -> bytes:
            create_engine("sqlite://")
            lzma.compress(b"", preset=9)
            return pack(rows)
        """,
}


def test_a_listed_call_on_a_standard_library_or_known_library_name(tmp_path: Path) -> None:
    write_tree(tmp_path, ARCHIVER)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastaudit]\nblocking-calls = ["lzma.compress", "sqlalchemy.create_engine"]\n',
        encoding="utf-8",
    )
    found = configured_findings(tmp_path)
    assert [(f.path, f.span.line, f.message) for f in found] == [
        (
            "app/routes.py",
            9,
            "`export` calls `create_engine` (`sqlalchemy.create_engine` in blocking-calls) "
            "on the event loop: call it through `await run_in_threadpool(...)`",
        ),
        (
            "app/routes.py",
            10,
            "`export` calls `lzma.compress` (`lzma.compress` in blocking-calls) "
            "on the event loop: call it through `await run_in_threadpool(...)`",
        ),
        (
            "app/routes.py",
            11,
            "`export` calls `pack` -> `lzma.compress` (`lzma.compress` in blocking-calls) "
            "on the event loop: call `pack` through `await run_in_threadpool(...)`",
        ),
    ]


def test_listing_a_call_walks_the_cached_files_again(tmp_path: Path) -> None:
    """What the walk notes depends on the setting: a cached outcome walked without it
    must not be reused once the project lists a standard-library call."""
    from fastaudit.audit.scan import scan
    from fastaudit.config import Config

    root = write_tree(tmp_path, ARCHIVER)
    assert [f for f in scan(root, Config(select=[RULE])).findings if f.rule == RULE] == []
    listed = Config(select=[RULE], blocking_calls={"lzma.compress": ""})
    again = scan(root, listed)
    assert again.cache_hits == 0
    assert [f.span.line for f in again.findings if f.rule == RULE] == [10, 11]
    assert scan(root, listed).cache_hits == len(ARCHIVER)  # and kept under the new key


def test_without_the_setting_library_calls_are_not_reported(tmp_path: Path) -> None:
    assert configured_findings(_with_settings(tmp_path, "")) == []


def test_a_warm_rescan_after_one_edit_walks_only_that_file(tmp_path: Path) -> None:
    """The reach facts are cached with each file's outcome: after editing one helper,
    only it is walked again and the project pass joins it with the cached facts."""
    from fastaudit.audit.scan import scan
    from fastaudit.config import Config

    files = {
        "app/helpers.py": helpers(2),
        "app/routes.py": ROUTE,
        **{f"app/other{n}.py": f"def f{n}():\n    return {n}\n" for n in range(5)},
    }
    root = write_tree(tmp_path, files)
    config = Config(select=[RULE])
    first = scan(root, config)
    assert [f.span.line for f in first.findings if f.rule == RULE] == [10]
    again = scan(root, config)
    assert again.cache_hits == len(files)
    assert [f.message for f in again.findings] == [f.message for f in first.findings]

    helper = root / "app/helpers.py"
    helper.write_text(helper.read_text().replace("time.sleep(1)", "pass"), encoding="utf-8")
    edited = scan(root, config)
    assert edited.cache_hits == len(files) - 1
    assert [f for f in edited.findings if f.rule == RULE] == []

    (root / "app/other0.py").write_text("import time\n\ndef h2():\n    time.sleep(1)\n")
    helper.write_text(helpers(2), encoding="utf-8")
    restored = scan(root, config)
    assert restored.cache_hits == len(files) - 2
    assert [f.span.line for f in restored.findings if f.rule == RULE] == [10]


# ------------------------------------------------------------ one finding per helper
LEDGER = """
    import json


    def load_ledger(name):
        with open(f"/var/ledgers/{name}.json") as handle:
            return json.load(handle)


    def balance(name):
        return sum(load_ledger(name)["entries"])
"""


def _routes(*bodies: str) -> str:
    """A router module whose async routes run the given one-line bodies."""
    lines = [
        "from fastapi import APIRouter",
        "",
        "from app.ledger import balance, load_ledger",
        "",
        "router = APIRouter()",
    ]
    for number, body in enumerate(bodies):
        lines += ["", "", f'@router.get("/r{number}")', f"async def route_{number}():"]
        lines += [f"    {body}"]
    return "\n".join(lines) + "\n"


def test_two_async_callers_of_one_helper_keep_a_finding_each(tmp_path: Path) -> None:
    files = {
        "app/ledger.py": LEDGER,
        "app/routes.py": _routes("return load_ledger('a')", "return load_ledger('b')"),
    }
    found = findings(tmp_path, files)
    assert _lines(found) == [("app/routes.py", 10), ("app/routes.py", 15)]
    assert all(f.fix is not None and f.decision for f in found)


def test_three_async_callers_of_one_helper_are_one_finding_at_the_helper(
    tmp_path: Path,
) -> None:
    files = {
        "app/ledger.py": LEDGER,
        "app/routes.py": _routes(
            "return load_ledger('a')",
            "return load_ledger('b')",
            "return [load_ledger('c'), load_ledger('d')]",
        ),
    }
    (found,) = findings(tmp_path, files)
    # At the helper's blocking line: where the one change goes.
    assert (found.path, found.span.line) == ("app/ledger.py", 5)
    assert found.message == (
        "`load_ledger` -> `open` (ASY103: sync file I/O) runs on the event loop for 3 "
        "async functions (`route_0`, `route_1` and 1 more): make `load_ledger` async or "
        "move its blocking part out of it, one change for every caller"
    )
    # No per-call wrap: the remedy is in the helper.
    assert found.fix is None
    assert [(p.path, p.line) for p in found.related] == [
        ("app/ledger.py", 5),
        ("app/routes.py", 10),
        ("app/routes.py", 15),
        ("app/routes.py", 20),
        ("app/routes.py", 20),
    ]
    assert "The 4 calls on the event loop that reach it:" in found.detail


def test_callers_through_another_helper_join_the_deepest_one_async_code_calls(
    tmp_path: Path,
) -> None:
    """``balance`` calls ``load_ledger``; async code calls both: the chains through
    ``balance`` go through ``load_ledger`` too, and one change there settles them."""
    files = {
        "app/ledger.py": LEDGER,
        "app/routes.py": _routes(
            "return load_ledger('a')", "return balance('b')", "return balance('c')"
        ),
    }
    (found,) = findings(tmp_path, files)
    assert (found.path, found.span.line) == ("app/ledger.py", 5)
    labels = [p.label for p in found.related[1:]]
    assert labels == [
        "`route_0` calls `load_ledger`",
        "`route_1` calls `balance` (through `balance`)",
        "`route_2` calls `balance` (through `balance`)",
    ]


def test_one_async_function_calling_a_helper_three_times_keeps_its_findings(
    tmp_path: Path,
) -> None:
    """Three calls from one function are one caller: the grouping counts functions."""
    files = {
        "app/ledger.py": LEDGER,
        "app/routes.py": _routes("return [load_ledger('a'), load_ledger('b'), load_ledger('c')]"),
    }
    assert len(findings(tmp_path, files)) == 3


def test_callers_the_serving_filter_drops_do_not_count(tmp_path: Path) -> None:
    """A command-line program's async functions run on their own loop: with them gone,
    two served callers remain, each reported at its call."""
    files = {
        "app/ledger.py": LEDGER,
        "app/routes.py": _routes("return load_ledger('a')", "return load_ledger('b')"),
        "app/main.py": """
            from fastapi import FastAPI

            from app.routes import router

            app = FastAPI()
            app.include_router(router)
            """,
        "app/cli.py": """
            import asyncio

            import typer

            from app.ledger import load_ledger

            cli = typer.Typer()


            @cli.command()
            def show(name: str) -> None:
                asyncio.run(_show(name))


            async def _show(name):
                print(load_ledger(name))
            """,
    }
    found = findings(tmp_path, files)
    assert _lines(found) == [("app/routes.py", 10), ("app/routes.py", 15)]


def test_a_generator_helper_gets_no_thread_wrap(tmp_path: Path) -> None:
    """In a worker thread, calling a generator function only makes the generator: the
    sleeps run as ``list(...)`` iterates it, back on the loop. The finding stays; the
    wrap is not offered. A plain helper keeps it."""
    generator = (
        "import time\n\n\ndef h1():\n    for n in range(3):\n        time.sleep(1)\n"
        "        yield n\n"
    )
    route = ROUTE.replace("return h1()", "return list(h1())")
    (found,) = findings(tmp_path / "gen", {"app/helpers.py": generator, "app/routes.py": route})
    assert "`h1` -> `time.sleep`" in found.message
    assert found.fix is None
    (plain,) = findings(tmp_path / "plain", {"app/helpers.py": helpers(1), "app/routes.py": ROUTE})
    assert plain.fix is not None


def test_a_yield_from_helper_is_a_generator_too(tmp_path: Path) -> None:
    generator = (
        "import time\n\n\ndef inner():\n    time.sleep(1)\n    return [1]\n\n\n"
        "def h1():\n    yield from inner()\n"
    )
    route = ROUTE.replace("return h1()", "return list(h1())")
    (found,) = findings(tmp_path, {"app/helpers.py": generator, "app/routes.py": route})
    assert found.fix is None
