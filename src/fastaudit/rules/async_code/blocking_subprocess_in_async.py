"""ASY105 (blocking-subprocess-in-async): Synchronous child process in async code."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingSubprocess(BlockingCallRule):
    id = "ASY105"
    kind = "a child process"
    name = "blocking-subprocess-in-async"
    title = "Synchronous child process in async code"
    severity = Severity.ERROR
    peers = ("ruff ASYNC220", "ruff ASYNC221", "ruff ASYNC222")
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
