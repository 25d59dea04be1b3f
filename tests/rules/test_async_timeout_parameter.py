"""ASY112: an ``async def`` that enforces its own ``timeout`` parameter; routes,
dependencies (named in ``Depends`` in any file) and fixed signatures are left alone
(small projects written under tmp_path: the dependency check is project-wide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import project_findings, write_tree

RULE = "ASY112"

REPORTED = {
    "wait_for": """
        import asyncio

        async def reserve(sku: str, timeout: float = 5.0) -> bool:
            return await asyncio.wait_for(book(sku), timeout=timeout)
        """,
    "anyio fail_after": """
        import anyio

        async def fetch_all(urls, timeout: float = 10.0):
            with anyio.fail_after(timeout):
                return [await get(url) for url in urls]
        """,
    "asyncio.timeout": """
        import asyncio

        async def drain(queue: asyncio.Queue, *, timeout: float):
            async with asyncio.timeout(timeout):
                while True:
                    await queue.get()
        """,
    "loop deadline": """
        import asyncio

        async def settle(job, timeout: float):
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while loop.time() < deadline and not await job.finished():
                await asyncio.sleep(0.2)
        """,
    "method of a plain class": """
        import asyncio

        class Inventory:
            async def reserve(self, sku: str, timeout: float = 5.0) -> bool:
                return await asyncio.wait_for(self.book(sku), timeout)
        """,
    "method of a plain class inside a function": """
        import asyncio

        def make_inventory():
            class Inventory:
                async def reserve(self, sku: str, timeout: float = 5.0) -> bool:
                    return await asyncio.wait_for(self.book(sku), timeout)
            return Inventory()
        """,
    # Gives up silently and returns nothing: the caller's scope does the same.
    "move_on_after, nothing returned": """
        import anyio

        async def wait_until_built(build, timeout: float | None = None) -> None:
            if build.done:
                return
            with anyio.move_on_after(timeout):
                await build.finished.wait()
        """,
    # Checks the scope and raises: the same as ``fail_after``.
    "move_on_after checked": """
        import anyio

        async def wait_until_built(build, timeout: float = 60.0):
            with anyio.move_on_after(timeout) as scope:
                await build.finished.wait()
            if scope.cancelled_caught:
                raise TimeoutError(f"build not done after {timeout} s")
            return build.result
        """,
    # Only validated, logged or put in a message: still just a deadline.
    "validated and logged": """
        import asyncio
        import logging

        logger = logging.getLogger(__name__)

        async def drain(queue: asyncio.Queue, timeout: float = 5.0):
            if timeout is not None and timeout < 0:
                raise ValueError("timeout cannot be negative")
            logger.debug("draining for %s s", timeout)
            await asyncio.wait_for(queue.join(), max(timeout, 0.1))
        """,
}

LEFT_ALONE = {
    # A route: ``timeout`` is a query parameter of the API.
    "route": """
        import asyncio
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/wait")
        async def wait(timeout: float = 1.0):
            return await asyncio.wait_for(asyncio.sleep(0.1), timeout)
        """,
    "websocket route": """
        import asyncio
        from fastapi import APIRouter, WebSocket
        router = APIRouter()

        @router.websocket("/feed")
        async def feed(ws: WebSocket, timeout: float = 30.0):
            await asyncio.wait_for(ws.receive_text(), timeout)
        """,
    # A dependency named in this file.
    "dependency": """
        import asyncio
        from fastapi import Depends

        async def guard(timeout: float = 1.0) -> None:
            await asyncio.wait_for(asyncio.sleep(0), timeout)

        async def route(ok=Depends(guard)): ...
        """,
    # The signature is a library's.
    "library override": """
        import asyncio
        import httpx

        class Transport(httpx.AsyncBaseTransport):
            async def handle(self, request, timeout: float = 5.0):
                return await asyncio.wait_for(self.inner(request), timeout)
        """,
    "@override": """
        import asyncio
        from typing import override

        class Cache:
            @override
            async def get(self, key: str, timeout: float = 1.0):
                return await asyncio.wait_for(self.load(key), timeout)
        """,
    "__call__ of a dependency class": """
        import asyncio

        class RateLimit:
            async def __call__(self, timeout: float = 1.0):
                await asyncio.wait_for(self.check(), timeout)
        """,
    # Handed on to a library: configuration, not a deadline.
    "handed to a lock": """
        from redis.asyncio.lock import Lock

        async def acquire(redis, name: str, *, timeout: float) -> Lock:
            lock = Lock(redis, name, timeout=timeout)
            await lock.acquire()
            return lock
        """,
    "handed to httpx": """
        import httpx

        async def reachable(url: str, *, timeout: float = 5.0) -> bool:
            async with httpx.AsyncClient(timeout=timeout) as client:
                return (await client.get(url)).is_success
        """,
    # Another name, or a sync function.
    "other name": """
        import asyncio

        async def reserve(sku: str, budget: float = 5.0) -> bool:
            return await asyncio.wait_for(book(sku), budget)
        """,
    "sync function": """
        import concurrent.futures

        def result(future: concurrent.futures.Future, timeout: float = 1.0):
            return future.result(timeout)
        """,
    "method of a subclass defined in a fixture": """
        import asyncio

        import pytest

        from app.queues import JobQueue

        @pytest.fixture
        def queue():
            class RecordingQueue(JobQueue):
                async def pop(self, timeout: float = 1.0):
                    return await asyncio.wait_for(self.items.get(), timeout=timeout)
            return RecordingQueue()
        """,
    # Part of the result: the caller's cancel scope would lose what is returned.
    "timeout of 0 answers at once": """
        import anyio

        async def start_build(api, spec, timeout: float | None = None):
            build = await api.create_build(spec)
            if timeout == 0:
                return build
            with anyio.move_on_after(timeout) as scope:
                while not build.done:
                    await anyio.sleep(1)
                    build = await api.read_build(build.id)
            if scope.cancel_called:
                raise TimeoutError
            return build
        """,
    "returns the job as it stands on timeout": """
        import anyio

        async def settle(api, job_id, timeout: float = 30.0):
            job = await api.read_job(job_id)
            with anyio.move_on_after(timeout):
                while not job.finished:
                    await anyio.sleep(2)
                    job = await api.read_job(job_id)
            return job
        """,
    "also sent to the server": """
        import asyncio

        async def hold_job(api, job_id, timeout: int = 3600):
            await api.suspend_job(job_id, expires_after_seconds=timeout)
            await asyncio.wait_for(api.wait_for_resume(job_id), timeout)
        """,
    # ``wait_for`` with another number: the parameter is something else.
    "unrelated wait_for": """
        import asyncio

        async def lock(name: str, timeout: float = 30.0):
            await asyncio.wait_for(acquire(name, ttl=timeout), 5)
        """,
}


@pytest.mark.parametrize("source", REPORTED.values(), ids=REPORTED.keys())
def test_reported(tmp_path: Path, source: str) -> None:
    found = project_findings(write_tree(tmp_path, {"app/service.py": source}), RULE)
    assert len(found) == 1
    assert "takes `timeout` and enforces it itself" in found[0].message


@pytest.mark.parametrize("source", LEFT_ALONE.values(), ids=LEFT_ALONE.keys())
def test_left_alone(tmp_path: Path, source: str) -> None:
    assert project_findings(write_tree(tmp_path, {"app/service.py": source}), RULE) == []


def test_a_dependency_named_in_another_module_is_left_alone(tmp_path: Path) -> None:
    files = {
        "src/app/deps.py": """
            import asyncio

            async def long_poll(channel: str, timeout: float = 25.0):
                return await asyncio.wait_for(next_message(channel), timeout)
            """,
        "src/app/routes.py": """
            from typing import Annotated
            from fastapi import APIRouter, Depends
            from app import deps

            router = APIRouter()
            Message = Annotated[dict, Depends(deps.long_poll)]

            @router.get("/poll")
            async def poll(message: Message):
                return message
            """,
    }
    assert project_findings(write_tree(tmp_path, files), RULE) == []


def test_the_finding_is_on_the_def_line_and_names_the_deadline(tmp_path: Path) -> None:
    found = project_findings(write_tree(tmp_path, {"app/service.py": REPORTED["wait_for"]}), RULE)
    assert (found[0].span.line, found[0].span.column) == (3, 1)
    assert "`asyncio.wait_for(...)`" in found[0].message
