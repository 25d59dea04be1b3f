"""ASY: blocking calls made directly in the body of an ``async def``.

An ``async def`` route or dependency runs on the event loop. A call that blocks (network,
disk, database, sleep, child processes) stops every other request on that worker until
it returns. Calls inside a nested ``def`` or lambda are not flagged: those run wherever
they are called from (often ``run_in_threadpool`` or ``asyncio.to_thread``).
"""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.sync_sessions import (
    SYNC_DB_HANDLES,
    SYNC_SESSION_PROVIDER,
    note_sync_session_provider,
)
from fastaudit.rules.base import Rule


class BlockingCallRule(Rule):
    """Shared detector: a call whose callee resolves to one of ``blocking``."""

    # Exact qualified callees that block.
    blocking: ClassVar[frozenset[str]] = frozenset()
    # Callees that block when the part before the last dot starts with one of these
    # values (``"sqlalchemy.orm.Session()"``), and the method is in ``methods``.
    receivers: ClassVar[tuple[str, ...]] = ()
    methods: ClassVar[frozenset[str]] = frozenset()
    what: ClassVar[str] = "blocks the event loop"

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not ctx.in_async_body:
            return
        callee = ctx.resolve(node.func)
        if callee is None or not self.matches(callee, node):
            return
        written = ctx.text(node.func)
        shown = f"`{written}`" if written == callee else f"`{written}` (`{callee}`)"
        function = ctx.function
        assert function is not None
        ctx.report(
            node,
            f"{shown} {self.what} inside `{function.kind} {function.name}`",
            fix=self.make_fix(node, ctx),
        )

    def matches(self, callee: str, node: ast.Call) -> bool:
        if callee in self.blocking:
            return True
        if self.receivers:
            receiver, _, method = callee.rpartition(".")
            return method in self.methods and receiver.startswith(self.receivers)
        return False

    def make_fix(self, node: ast.Call, ctx: FileContext):
        return None


class BlockingHttpCall(BlockingCallRule):
    id = "ASY101"
    name = "blocking-http-call-in-async"
    title = "Synchronous HTTP client called in async code"
    severity = Severity.ERROR
    see_also = "ASYNC210"
    rationale = """
    `requests`, `urllib.request` and `http.client` wait for the network on the calling
    thread. In an `async def` route that thread is the event loop, so one slow upstream
    holds up every request the worker is serving. Use an async client
    (`httpx.AsyncClient`) and `await` it, or hand the sync call to
    `run_in_threadpool`.
    """
    dont = """
    import requests
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/weather/{city}")
    async def city_weather(city: str):
        reply = requests.get(f"https://api.weather.test/{city}", timeout=3)
        return reply.json()
    """
    do = """
    import httpx
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/weather/{city}")
    async def city_weather(city: str):
        async with httpx.AsyncClient(timeout=3) as client:
            reply = await client.get(f"https://api.weather.test/{city}")
        return reply.json()
    """
    extra_valid = (
        # Handing the sync call to a thread is the documented way out.
        """
        import requests
        from fastapi.concurrency import run_in_threadpool

        async def fetch(url: str):
            return await run_in_threadpool(requests.get, url)
        """,
        # A sync route runs in the threadpool: blocking there is fine.
        """
        import requests

        def fetch(url: str):
            return requests.get(url)
        """,
        # Only direct calls in the async body count, not a nested helper.
        """
        import requests

        async def fetch(url: str):
            def work():
                return requests.get(url)
            return work
        """,
        # An unrelated object that happens to be called `requests`.
        """
        async def count(requests: list[str]):
            return requests.count("x")
        """,
    )
    extra_invalid = (
        """
        import requests as rq

        async def ping():
            rq.post("https://hooks.test", json={})
        """,
        """
        from urllib.request import urlopen

        async def ping():
            return urlopen("https://status.test").read()
        """,
        """
        import httpx

        async def ping():
            return httpx.get("https://status.test")
        """,
    )

    blocking = frozenset(
        {
            *(
                f"requests.{verb}"
                for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
            ),
            "requests.Session().get",
            "urllib.request.urlopen",
            "urllib.request.urlretrieve",
            *(
                f"httpx.{verb}"
                for verb in (
                    "get",
                    "post",
                    "put",
                    "patch",
                    "delete",
                    "head",
                    "options",
                    "request",
                    "stream",
                )
            ),
            "http.client.HTTPConnection().request",
            "http.client.HTTPConnection().getresponse",
            "http.client.HTTPSConnection().request",
            "http.client.HTTPSConnection().getresponse",
        }
    )
    receivers = ("requests.Session()", "requests.session()", "httpx.Client()")
    methods = frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream"}
    )
    what = "waits for the network on the event loop"


class BlockingSleep(BlockingCallRule):
    id = "ASY102"
    name = "blocking-sleep-in-async"
    title = "`time.sleep` in async code"
    severity = Severity.ERROR
    see_also = "ASYNC251"
    fix_safety = "Safe: the function is already a coroutine, awaiting the sleep keeps its timing."
    rationale = """
    `time.sleep` parks the whole event loop, not just this request: nothing else on the
    worker runs until it returns. `await asyncio.sleep(...)` waits the same time while
    letting other requests proceed.
    """
    dont = """
    import time

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/exports/{export_id}/poll")
    async def poll_export(export_id: int):
        time.sleep(1.5)  # let the exporter catch up
        return {"export": export_id}
    """
    dont_fixed = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/exports/{export_id}/poll")
    async def poll_export(export_id: int):
        await asyncio.sleep(1.5)  # let the exporter catch up
        return {"export": export_id}
    """
    do = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/exports/{export_id}/poll")
    async def poll_export(export_id: int):
        await asyncio.sleep(1.5)
        return {"export": export_id}
    """
    extra_valid = (
        # A project's own coroutine named sleep is not time.sleep.
        """
        async def sleep(seconds: float) -> None:
            ...

        async def wait_a_bit():
            await sleep(1)
        """,
        """
        import time

        def backoff():
            time.sleep(1)
        """,
    )
    extra_invalid = (
        """
        from time import sleep

        async def wait_a_bit():
            sleep(1)
        """,
    )

    blocking = frozenset({"time.sleep"})
    what = "blocks the event loop"

    def make_fix(self, node: ast.Call, ctx: FileContext):
        asyncio_name, import_edit = ctx.ensure_import("asyncio")
        call_text = f"await {asyncio_name}.sleep{ctx.text(node)[len(ctx.text(node.func)) :]}"
        parent = ctx.parent
        # ``await`` binds looser than attribute access, subscription and calls.
        if isinstance(parent, (ast.Attribute, ast.Subscript)) or (
            isinstance(parent, ast.Call) and parent.func is node
        ):
            call_text = f"({call_text})"
        return ctx.fix(
            f"Replace with `await {asyncio_name}.sleep(...)`",
            ctx.replace(node, call_text),
            import_edit,
        )


class BlockingFileIO(BlockingCallRule):
    id = "ASY103"
    name = "blocking-file-io-in-async"
    title = "Synchronous file I/O in async code"
    severity = Severity.WARNING
    see_also = "ASYNC230"
    rationale = """
    Reading or writing a file with `open()` or `Path.read_text()`-style helpers waits on
    the disk on the event loop thread. On a slow or network disk that stalls every
    concurrent request. Use `anyio.Path` / `aiofiles`, or `await asyncio.to_thread(...)`
    for the file work.
    """
    dont = """
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/reports/{name}")
    async def read_report(name: str):
        with open(f"/srv/reports/{name}.csv") as handle:
            return {"rows": handle.read().splitlines()}
    """
    do = """
    import anyio
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/reports/{name}")
    async def read_report(name: str):
        text = await anyio.Path(f"/srv/reports/{name}.csv").read_text()
        return {"rows": text.splitlines()}
    """
    extra_valid = (
        """
        import asyncio
        from pathlib import Path

        async def load(name: str) -> str:
            return await asyncio.to_thread(Path(name).read_text)
        """,
        # A project function that happens to be called open.
        """
        def open(door: str) -> str:
            return door

        async def enter():
            return open("front")
        """,
    )
    extra_invalid = (
        """
        from pathlib import Path

        async def load(name: str) -> str:
            return Path(name).read_text()
        """,
        """
        from pathlib import Path

        async def save(data: bytes) -> None:
            target = Path("/tmp/out.bin")
            target.write_bytes(data)
        """,
    )

    blocking = frozenset(
        {
            "builtins.open",
            "io.open",
            "os.read",
            "os.write",
            "shutil.copyfile",
            "shutil.copy",
            "shutil.copytree",
            "shutil.rmtree",
            "shutil.move",
        }
    )
    receivers = (
        "pathlib.Path()",
        "pathlib.PurePath()",
        "pathlib.PosixPath()",
        "pathlib.WindowsPath()",
    )
    methods = frozenset(
        {
            "read_text",
            "write_text",
            "read_bytes",
            "write_bytes",
            "open",
            "unlink",
            "mkdir",
            "rmdir",
            "touch",
            "rename",
            "replace",
            "iterdir",
            "glob",
            "rglob",
            "exists",
            "stat",
        }
    )
    what = "does file I/O on the event loop"


class BlockingDatabaseCall(BlockingCallRule):
    id = "ASY104"
    name = "sync-database-call-in-async"
    title = "Synchronous database call in async code"
    severity = Severity.ERROR
    rationale = """
    A sync SQLAlchemy `Session`, a `create_engine()` connection, or a sync driver
    (psycopg2, sqlite3, pymongo...) waits for the database on the event loop. Under
    load this serialises every request behind the slowest query and can starve the
    connection pool. Use `AsyncSession` from `async_sessionmaker`, an async driver, or
    make the route a plain `def` so FastAPI runs it in the threadpool.
    """
    dont = """
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.database import get_session
    from app.orders.models import Order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: Annotated[Session, Depends(get_session)]):
        return session.scalar(select(Order).where(Order.id == order_id))
    """
    do = """
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.database import get_session
    from app.orders.models import Order

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: Annotated[AsyncSession, Depends(get_session)]):
        return await session.scalar(select(Order).where(Order.id == order_id))
    """
    extra_invalid = (
        """
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy import create_engine

        engine = create_engine("sqlite://")
        SessionLocal = sessionmaker(bind=engine)

        async def count_users():
            with SessionLocal() as db:
                return db.execute("select count(*) from user").scalar()
        """,
        """
        import sqlite3

        async def load():
            conn = sqlite3.connect("app.db")
            return conn.execute("select 1").fetchall()
        """,
        """
        import sqlalchemy.orm as orm

        async def rename(db: orm.Session, name: str):
            db.commit()
        """,
    )
    extra_valid = (
        """
        from sqlalchemy.orm import Session

        def rename(db: Session):
            db.commit()
        """,
        """
        from sqlalchemy.ext.asyncio import AsyncSession

        async def rename(db: AsyncSession):
            await db.commit()
        """,
    )

    blocking = frozenset(
        {
            "psycopg2.connect",
            "psycopg.connect",
            "sqlite3.connect",
            "pymysql.connect",
            "mysql.connector.connect",
            "pymongo.MongoClient",
        }
    )
    receivers = SYNC_DB_HANDLES
    methods = frozenset(
        {
            "execute",
            "executemany",
            "scalar",
            "scalars",
            "query",
            "get",
            "commit",
            "flush",
            "refresh",
            "merge",
            "rollback",
            "connect",
            "begin",
            "fetchone",
            "fetchall",
            "fetchmany",
            "find",
            "find_one",
            "insert_one",
            "insert_many",
            "update_one",
            "update_many",
            "delete_one",
            "delete_many",
            "aggregate",
            "count_documents",
            "bulk_save_objects",
            "get_one",
        }
    )
    what = "waits for the database on the event loop"

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        super().visit_Call(node, ctx)
        func = node.func
        if (
            ctx.in_async_body
            and isinstance(func, ast.Attribute)
            and func.attr in self.methods
            and isinstance(func.value, ast.Name)
            and ctx.resolve(func.value) in _UNTYPED
        ):
            # ``session.commit()`` on a parameter with no usable annotation, filled by
            # ``Depends(get_session)``: blocking when ``get_session`` hands out a sync
            # session, which the project index settles once every file is seen.
            provider = _dependency_of(ctx, func.value.id)
            if provider is not None:
                function = ctx.function
                assert function is not None
                ctx.report(
                    node,
                    f"`{ctx.text(func)}` {self.what} inside `{function.kind} {function.name}`: "
                    f"`{func.value.id}` comes from `Depends({provider.rsplit('.', 1)[-1]})`, "
                    "which hands out a sync SQLAlchemy session",
                    when=(SYNC_SESSION_PROVIDER, provider),
                )

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._note_provider(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._note_provider(node, ctx)

    def _note_provider(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
    ) -> None:
        note_sync_session_provider(node, ctx)

    def matches(self, callee: str, node: ast.Call) -> bool:
        if callee in self.blocking:
            return True
        receiver, _, method = callee.rpartition(".")
        if method not in self.methods:
            return False
        for handle in self.receivers:
            if receiver.startswith(handle):
                # A handle, or what a handle hands out (a cursor, a connection, a
                # collection); not the result of a query, so ``db.query(X).get(1)``
                # is reported once, at ``db.query``.
                rest = receiver[len(handle) :]
                for hand_out in (".cursor()", ".connect()", ".begin()"):
                    rest = rest.replace(hand_out, "")
                return "()" not in rest
        return False


# What a parameter resolves to when its annotation says nothing about the value.
_UNTYPED = frozenset({None, "builtins.object()", "typing.Any()"})


def _dependency_of(ctx: FileContext, name: str) -> str | None:
    """The qualified provider ``name`` is filled by, when it is a parameter of the
    enclosing function written ``name=Depends(fn)`` or ``Annotated[..., Depends(fn)]``."""
    function = ctx.function
    if function is None or isinstance(function.node, ast.Lambda):
        return None
    args = function.node.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(args.defaults) :]],
            args.defaults,
            strict=True,
        )
    )
    defaults.update(
        {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None}
    )
    arg = next((a for a in (*positional, *args.kwonlyargs) if a.arg == name), None)
    if arg is None:
        return None
    markers: list[ast.expr] = []
    if name in defaults:
        markers.append(defaults[name])
    annotation = arg.annotation
    if (
        isinstance(annotation, ast.Subscript)
        and ctx.resolve(annotation.value) == "typing.Annotated"
        and isinstance(annotation.slice, ast.Tuple)
    ):
        markers.extend(annotation.slice.elts[1:])
    for marker in markers:
        if (
            isinstance(marker, ast.Call)
            and ctx.resolve(marker.func) == "fastapi.Depends"
            and marker.args
            and isinstance(marker.args[0], (ast.Name, ast.Attribute))
        ):
            target = ctx.resolve(marker.args[0])
            if target is None and isinstance(marker.args[0], ast.Name):
                target = ctx.qualify(marker.args[0].id)
            return target
    return None


class BlockingSubprocess(BlockingCallRule):
    id = "ASY105"
    name = "blocking-subprocess-in-async"
    title = "Synchronous child process in async code"
    severity = Severity.ERROR
    see_also = "ASYNC221"
    rationale = """
    `subprocess.run`, `os.system` and friends wait for the child process on the event
    loop. Use `asyncio.create_subprocess_exec` and await it, or move the work to a
    background worker if it takes long.
    """
    dont = """
    import subprocess

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/thumbnails/{image_id}")
    async def make_thumbnail(image_id: str):
        subprocess.run(["convert", f"{image_id}.png", "-thumbnail", "128", "t.jpg"], check=True)
        return {"image": image_id}
    """
    do = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/thumbnails/{image_id}")
    async def make_thumbnail(image_id: str):
        process = await asyncio.create_subprocess_exec(
            "convert", f"{image_id}.png", "-thumbnail", "128", "t.jpg"
        )
        await process.wait()
        return {"image": image_id}
    """
    extra_invalid = (
        """
        import os

        async def restart():
            os.system("systemctl restart worker")
        """,
    )

    blocking = frozenset(
        {
            "subprocess.run",
            "subprocess.call",
            "subprocess.check_call",
            "subprocess.check_output",
            "subprocess.Popen",
            "subprocess.getoutput",
            "subprocess.getstatusoutput",
            "os.system",
            "os.popen",
            "os.spawnv",
            "os.spawnl",
        }
    )
    what = "waits for a child process on the event loop"
