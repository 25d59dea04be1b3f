"""Helpers for the hostile-input suite: the real CLI in a subprocess, and snapshots of
every file's bytes and mode so a run that changes anything it should not is caught."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Above this size a file's bytes are compared by digest (the 50 MB case).
_DIGEST_OVER = 1 << 20


@dataclass(frozen=True)
class Entry:
    kind: str  # "file", "dir", "link", "other"
    mode: int
    content: bytes | str | None  # bytes (or their digest), a link's target
    mtime_ns: int


def _content(path: Path, size: int) -> bytes | str | None:
    try:
        if size > _DIGEST_OVER:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            return digest.hexdigest()
        return path.read_bytes()
    except OSError:
        return None  # unreadable for this user: mode and mtime still count


def snapshot(top: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, Entry]:
    """Every entry under ``top`` (links not followed): kind, mode, bytes, mtime."""
    entries: dict[str, Entry] = {}
    skipped = {p.resolve() for p in skip}
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = folder / name
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode) and path.resolve() in skipped:
                continue
            rel = path.relative_to(top).as_posix()
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISLNK(info.st_mode):
                entries[rel] = Entry("link", mode, os.readlink(path), 0)
            elif stat.S_ISDIR(info.st_mode):
                # A folder's mtime moves when anything is created or removed in it,
                # temp files included.
                entries[rel] = Entry("dir", mode, None, info.st_mtime_ns)
                stack.append(path)
            elif stat.S_ISREG(info.st_mode):
                entries[rel] = Entry("file", mode, _content(path, info.st_size), info.st_mtime_ns)
            else:
                entries[rel] = Entry("other", mode, None, info.st_mtime_ns)
    return entries


def changed(before: dict[str, Entry], after: dict[str, Entry]) -> set[str]:
    """Paths added, removed or different in kind, mode, bytes or mtime."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)

    def findings(self) -> list[tuple[str, str, str]]:
        return [(f["rule"], f["path"], f["message"]) for f in self.json["findings"]]


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI run whose home and caches live under ``home``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS", "PYTHONPATH"}
    }
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "xdg-cache"),
        FASTAUDIT_CACHE_DIR=str(home / "fastaudit-cache"),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        **extra,
    )
    return env


def run_cli(*args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 60) -> Run:
    [run] = run_together([list(args)], env=[env], cwd=cwd, timeout=timeout)
    return run


def run_together(
    commands: list[list[str]],
    *,
    env: list[dict[str, str]],
    cwd: Path | None = None,
    timeout: float = 60,
) -> list[Run]:
    """``fastaudit`` with each argument list, the processes running side by side."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "fastaudit", *args],
            env=environment,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for args, environment in zip(commands, env, strict=True)
    ]
    runs = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=timeout)
            runs.append(
                Run(
                    process.returncode,
                    out.decode("utf-8", "replace"),
                    err.decode("utf-8", "replace"),
                )
            )
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return runs


def assert_no_traceback(run: Run) -> None:
    for stream in (run.out, run.err):
        assert "Traceback" not in stream, stream[-3000:]
        assert "internal error" not in stream, stream[-3000:]


def write(root: Path, rel: str, data: str | bytes, mode: int | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    if mode is not None:
        path.chmod(mode)
    return path


def blocks_reading(path: Path) -> bool:
    """Whether permissions stop this process (root ignores a 000 mode)."""
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            path.read_bytes()
    except PermissionError:
        return True
    return False
