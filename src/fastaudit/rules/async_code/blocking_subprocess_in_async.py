"""ASY105 (blocking-subprocess-in-async): Synchronous child process in async code."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter
from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingSubprocess(BlockingCallRule):
    id = "ASY105"
    kind = "a child process"
    name = "blocking-subprocess-in-async"
    title = "Synchronous child process in async code"
    severity = Severity.ERROR
    peers = ("ruff ASYNC220", "ruff ASYNC221", "ruff ASYNC222")
    async_alternative = "`asyncio.create_subprocess_exec`"
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
        command = ["convert", f"{image_id}.png", "-thumbnail", "128", "t.jpg"]
        subprocess.run(command, check=True)
        return {"image": image_id}
    """
    dont_fixed = """
    import subprocess

    from fastapi import APIRouter
    from fastapi.concurrency import run_in_threadpool

    router = APIRouter()


    @router.post("/thumbnails/{image_id}")
    async def make_thumbnail(image_id: str):
        command = ["convert", f"{image_id}.png", "-thumbnail", "128", "t.jpg"]
        await run_in_threadpool(subprocess.run, command, check=True)
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

    calls = CallFilter.of(callees=blocking)

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # A started process is waited for, and its pipes read, later on the loop.
        return callee not in ("subprocess.Popen", "os.popen")
