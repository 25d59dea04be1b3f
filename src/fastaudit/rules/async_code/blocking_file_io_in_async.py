"""ASY103 (blocking-file-io-in-async): Synchronous file I/O in async code."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter
from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule

# ``os.path`` functions that ask the file system about a file. The rest of ``os.path``
# (join, basename, dirname, splitext, normpath, abspath, relpath, ...) is string work.
# ``realpath`` is left out on purpose, like ``Path.resolve`` below.
_OS_PATH_IO = (
    "exists", "lexists", "isfile", "isdir", "islink", "ismount", "isjunction",
    "getsize", "getmtime", "getatime", "getctime", "samefile", "sameopenfile",
)  # fmt: skip
# ``os`` functions that read, write or change the file system.
_OS_IO = (
    "open", "fdopen", "read", "write", "listdir", "scandir", "walk", "fwalk", "stat",
    "lstat", "statvfs", "access", "remove", "unlink", "rmdir", "removedirs", "mkdir",
    "makedirs", "rename", "renames", "replace", "chmod", "chown", "link", "symlink",
    "readlink", "truncate", "utime", "fsync",
)  # fmt: skip
_SHUTIL_IO = (
    "copyfile", "copyfileobj", "copy", "copy2", "copymode", "copystat", "copytree",
    "rmtree", "move", "disk_usage", "make_archive", "unpack_archive",
)  # fmt: skip
# Calls returning an open file, or an iterator that reads the folder as it is iterated.
_HANDLES = frozenset({"builtins.open", "io.open", "os.fdopen"})
_LAZY = frozenset({"os.scandir", "os.walk", "os.fwalk", "glob.iglob"})
_PATH_LAZY = frozenset({"iterdir", "glob", "rglob", "walk"})
# A concrete path as a value: what ``Path(...)`` and friends return.
_PATHS = (
    "pathlib.Path()",
    "pathlib.PosixPath()",
    "pathlib.WindowsPath()",
    "pathlib.Path.cwd()",
    "pathlib.Path.home()",
)
# Steps from a path to another path (``Path(__file__).parent.joinpath("x")``); string
# attributes such as ``name``, ``stem`` or ``suffix`` are not paths, so
# ``path.stem.replace(...)`` is string work, not ``Path.replace``.
_PATH_STEPS = frozenset(
    {
        "parent", "with_name()", "with_stem()", "with_suffix()", "with_segments()",
        "joinpath()", "relative_to()", "absolute()", "expanduser()", "resolve()",
    }
)  # fmt: skip
# ``Path`` methods that touch the file system. Not here: the pure-path methods
# (``joinpath``, ``with_suffix``, ``match``, ``relative_to``, ...), ``absolute`` and
# ``expanduser`` (the working directory, the environment), and ``resolve``: it reads
# links on the way, but a few cached metadata reads to compute a path, mostly the
# containment check that guards against path traversal (calibration: every one seen
# was), which no one should be told to move to a thread.
_PATH_IO = frozenset(
    {
        "open", "read_text", "read_bytes", "write_text", "write_bytes", "touch", "mkdir",
        "unlink", "rmdir", "rename", "replace", "symlink_to", "hardlink_to", "link_to",
        "readlink", "chmod", "lchmod", "stat", "lstat", "owner", "group", "exists",
        "is_file", "is_dir", "is_symlink", "is_mount", "is_junction", "is_socket",
        "is_fifo", "is_block_device", "is_char_device", "samefile", "iterdir", "glob",
        "rglob", "walk", "copy", "copy_into", "move", "move_into",
    }
)  # fmt: skip


def is_path(value: str) -> bool:
    """Whether a resolved value is a concrete ``pathlib`` path: a path built by one of
    ``_PATHS``, then any number of path-to-path steps."""
    for base in _PATHS:
        if value == base:
            return True
        if value.startswith(base + "."):
            return all(step in _PATH_STEPS for step in value[len(base) + 1 :].split("."))
    return False


class BlockingFileIO(BlockingCallRule):
    id = "ASY103"
    kind = "sync file I/O"
    name = "blocking-file-io-in-async"
    title = "Synchronous file I/O in async code"
    severity = Severity.WARNING
    peers = ("ruff ASYNC230", "ruff ASYNC240")
    async_alternative = "`anyio.Path` or `aiofiles`"
    rationale = """
    Reading or writing a file with `open()`, `Path.read_text()`-style helpers, `os` and
    `shutil` calls, and even asking whether a file exists (`os.path.exists`,
    `Path.is_file()`, `os.listdir`) waits on the disk on the event loop thread. On a slow
    or network disk that stalls every concurrent request. Use `anyio.Path` / `aiofiles`,
    or `await asyncio.to_thread(...)` for the file work. Building paths is not I/O:
    `os.path.join`, `Path(__file__).parent / "static"` and `path.suffix` are left alone,
    and so are `Path.resolve()` and `os.path.realpath`, whose few cached reads mostly
    serve a path-traversal check.
    ruff's ASYNC230 (`open`) and ASYNC240 (`os.path` and `pathlib`) overlap with this
    rule; it also follows a path bound to a name or typed as a parameter.
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
        # Building paths and reading their parts touches no file.
        """
        import os
        from pathlib import Path

        STATIC = Path(__file__).parent / "static"

        async def describe(name: str, upload: Path):
            target = os.path.join("/srv", os.path.basename(name))
            stem, ext = os.path.splitext(target)
            folder = os.path.dirname(os.path.abspath(os.path.normpath(target)))
            label = upload.stem.replace("_", " ").title()
            return {
                "dir": folder,
                "ext": ext,
                "label": label,
                "under_static": upload.with_suffix(".txt").is_relative_to(STATIC),
                "parts": Path(stem).parent.joinpath("x").as_posix(),
            }
        """,
        # Resolving a path to check where it points: a guard, not file work.
        """
        import os
        from pathlib import Path

        ROOT = Path("/srv/public")

        async def inside(name: str) -> bool:
            target = (ROOT / name).resolve()
            real = os.path.realpath(os.path.join("/srv/public", name))
            return target.is_relative_to(ROOT.resolve()) and real.startswith("/srv/public")
        """,
        # The async path types, awaited.
        """
        import aiofiles.os
        import anyio

        async def present(name: str) -> bool:
            return await anyio.Path(name).exists() or await aiofiles.os.path.isfile(name)
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
        """
        import os

        async def has_avatar(user_id: int) -> bool:
            return os.path.exists(f"/srv/avatars/{user_id}.png")
        """,
        """
        from os import path

        async def size(name: str) -> int:
            return path.getsize(name)
        """,
        """
        import os

        async def uploads() -> list[str]:
            os.makedirs("/srv/uploads", exist_ok=True)
            return sorted(os.listdir("/srv/uploads"))
        """,
        # A path handed in as a typed parameter.
        """
        from pathlib import Path

        async def is_report(candidate: Path) -> bool:
            return candidate.is_file()
        """,
        # Through path-to-path steps.
        """
        from pathlib import Path

        async def templates() -> list[str]:
            return [p.name for p in Path(__file__).resolve().parent.glob("*.html")]
        """,
    )

    blocking = frozenset(
        {
            "builtins.open",
            "io.open",
            "glob.glob",
            "glob.iglob",
            *(f"os.path.{name}" for name in _OS_PATH_IO),
            *(f"os.{name}" for name in _OS_IO),
            *(f"shutil.{name}" for name in _SHUTIL_IO),
        }
    )
    receivers = _PATHS
    methods: ClassVar[frozenset[str]] = _PATH_IO
    what = "does file I/O on the event loop"

    calls = CallFilter.of(callees=blocking, tails=_PATH_IO)

    def matches(self, callee: str, node: ast.Call) -> bool:
        if callee in self.blocking:
            return True
        receiver, _, method = callee.rpartition(".")
        return method in _PATH_IO and is_path(receiver)

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # An open file's reads and writes would still run on the loop, unreported; so
        # would a lazy walk of a folder, done as the caller iterates what the thread
        # handed back. ``list(...)`` in the thread would change when the folder is read
        # (entries the loop body creates or removes), so no fix is offered.
        if callee in _HANDLES or callee in _LAZY:
            return False
        receiver, _, method = callee.rpartition(".")
        return method != "open" and not (method in _PATH_LAZY and is_path(receiver))
