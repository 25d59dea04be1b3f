"""Helpers for the hostile-input suite: the real CLI in a subprocess, and snapshots of
every file's bytes and mode so a run that changes anything it should not is caught."""

from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
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


def run_cli(
    *args: str,
    env: dict[str, str],
    cwd: Path | None = None,
    timeout: float = 60,
    unprivileged: bool = False,
) -> Run:
    [run] = run_together(
        [list(args)], env=[env], cwd=cwd, timeout=timeout, unprivileged=unprivileged
    )
    return run


def run_together(
    commands: list[list[str]],
    *,
    env: list[dict[str, str]],
    cwd: Path | None = None,
    timeout: float = 60,
    unprivileged: bool = False,
) -> list[Run]:
    """``fastaudit`` with each argument list, the processes running side by side.
    ``unprivileged``: as a user that file permissions apply to (see ``drop_privileges``);
    call ``require_unprivileged`` first."""
    preexec = drop_privileges() if unprivileged else None
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "fastaudit", *args],
            env=environment,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=preexec,
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


# ------------------------------------------------------------ dropping privileges
# Root ignores a 000 mode, so a suite run as root (as in CI containers) would never see a
# permission error. A real other uid cannot be used there either: the interpreter often
# lives under /root (mode 0700) and pytest's tmp_path under /tmp/pytest-of-root (0700),
# so uid 65534 could not even start Python. Instead the child keeps uid 0 but loses every
# capability: without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH the kernel checks mode
# bits for it exactly as for any user, while root's own files stay reachable as their
# owner's (so the interpreter starts).
_PR_CAPBSET_DROP = 24  # <linux/prctl.h>


def _drop_every_capability(last_cap: int) -> None:
    """In the forked child, before exec: empty the capability bounding set. uid 0 then
    execs with no permitted capabilities (the inheritable and ambient sets are empty
    for a root shell; ``require_unprivileged`` checks the result anyway)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(last_cap + 1):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"prctl(PR_CAPBSET_DROP, {cap}) failed")


def drop_privileges() -> Callable[[], None] | None:
    """The ``preexec_fn`` that makes a subprocess subject to file permissions: none when
    not root (permissions already apply), else one that drops every capability."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    last_cap = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    return functools.partial(_drop_every_capability, last_cap)


@functools.cache
def _unprivileged_problem() -> str | None:
    """Why permission errors cannot be produced in a subprocess here, or None."""
    if os.name != "posix":
        return "POSIX permissions"
    try:
        preexec = drop_privileges()
    except (OSError, ValueError) as exc:
        return f"cannot drop root's capabilities here: {exc}"
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder) / "locked"
        locked.write_text("secret")
        locked.chmod(0)
        probe = f"open({str(locked)!r}).read()"
        try:
            run = subprocess.run(
                [sys.executable, "-c", probe],
                preexec_fn=preexec,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"cannot drop privileges here: {exc}"
    if b"PermissionError" not in run.stderr:
        return "cannot drop privileges here: a mode 000 file stays readable"
    return None


def require_unprivileged() -> None:
    """Skip the calling test unless ``run_cli(..., unprivileged=True)`` really runs the
    CLI as a user whom a 000 mode stops (as root: only when capabilities can be dropped)."""
    import pytest

    problem = _unprivileged_problem()
    if problem is not None:
        pytest.skip(problem)
