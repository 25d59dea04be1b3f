"""ASY103 (blocking-file-io-in-async): Synchronous file I/O in async code."""

from __future__ import annotations

import ast

from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingFileIO(BlockingCallRule):
    id = "ASY103"
    kind = "sync file I/O"
    name = "blocking-file-io-in-async"
    title = "Synchronous file I/O in async code"
    severity = Severity.WARNING
    see_also = "ASYNC230"
    async_alternative = "`anyio.Path` or `aiofiles`"
    rationale = """
    Reading or writing a file with `open()` or `Path.read_text()`-style helpers waits on
    the disk on the event loop thread. On a slow or network disk that stalls every
    concurrent request. Use `anyio.Path` / `aiofiles`, or `await asyncio.to_thread(...)`
    for the file work.
    """
    dont = """
    from pathlib import Path

    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/reports/{name}")
    async def read_report(name: str):
        text = Path(f"/srv/reports/{name}.csv").read_text()
        return {"rows": text.splitlines()}
    """
    dont_fixed = """
    from pathlib import Path

    from fastapi import APIRouter
    from fastapi.concurrency import run_in_threadpool

    router = APIRouter()


    @router.get("/reports/{name}")
    async def read_report(name: str):
        text = await run_in_threadpool(Path(f"/srv/reports/{name}.csv").read_text)
        return {"rows": text.splitlines()}
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
        async def read_report(name: str):
            with open(f"/srv/reports/{name}.csv") as handle:
                return {"rows": handle.read().splitlines()}
        """,
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

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # An open file's reads and writes would still run on the loop, unreported.
        return callee not in ("builtins.open", "io.open") and not callee.endswith(".open")
