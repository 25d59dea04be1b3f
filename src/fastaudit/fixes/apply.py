"""Turning fixes into new file contents, and writing them without ever losing data.

Edits are character ranges of the decoded text, so everything outside them (comments,
formatting, line endings) stays byte-identical. Several fixes in one file are applied
together when their edits do not overlap; an overlapping one waits for the next round
(the file is re-scanned in between), as ruff does.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastaudit.engine.edits import apply_edits
from fastaudit.project.discovery import TEMP_SUFFIX
from fastaudit.project.source import digest_bytes

__all__ = ["FixError", "Written", "apply_edits", "atomic_write", "ensure_inside", "restore"]


class FixError(Exception):
    """A fix that was refused; the message says why, and nothing was written."""


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


@dataclass(frozen=True, slots=True)
class Written:
    """What a write replaced: enough to undo it exactly."""

    path: Path
    old_bytes: bytes
    new_digest: str
    mode: int


def ensure_inside(root: Path, path: Path) -> Path:
    """The real path of ``path``, refusing anything that leaves ``root`` or is a symlink."""
    root = root.resolve()
    candidate = root / path if not path.is_absolute() else path
    if candidate.is_symlink():
        raise FixError(f"{path}: is a symbolic link; fastaudit does not write through links")
    real = candidate.resolve()
    if not real.is_relative_to(root):
        raise FixError(f"{path}: is outside the project root {root}")
    if real != Path(os.path.normpath(candidate)):
        # A folder on the way is a link: the write would land somewhere else.
        raise FixError(f"{path}: is reached through a symbolic link; fastaudit does not write")
    return real


def atomic_write(root: Path, rel_path: str, new: bytes, expected_old: bytes) -> Written:
    """Replace a file's contents atomically: temp file in the same folder, fsync, rename.

    The file is re-read just before the rename; if it no longer holds ``expected_old``
    the write is refused. Permissions are kept. A crash at any point leaves either the
    old or the new file, never a mix.
    """
    path = ensure_inside(root, Path(rel_path))
    try:
        info = path.stat()
        current = path.read_bytes()
    except OSError as exc:
        raise FixError(f"{rel_path}: cannot read it ({exc.strerror})") from exc
    if current != expected_old:
        raise FixError(f"{rel_path}: changed on disk since it was scanned; rescan first")
    mode = stat.S_IMODE(info.st_mode)
    # Checked on the mode bits too: os.access() says yes to root for any file, and a
    # file someone made read-only is not ours to replace.
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise FixError(f"{rel_path}: is read-only; nothing was written")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise FixError(f"{rel_path}: cannot write next to it ({exc.strerror})") from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        if hasattr(os, "getuid") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            # Keep the owner too (possible only for root).
            with contextlib.suppress(OSError):
                os.chown(temp, info.st_uid, info.st_gid)
        os.replace(temp, path)
    except FixError:
        temp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise FixError(f"{rel_path}: write failed ({exc.strerror}); the file is unchanged") from exc
    _fsync_dir(path.parent)
    return Written(path=path, old_bytes=expected_old, new_digest=digest_bytes(new), mode=mode)


def restore(written: Written) -> None:
    """Undo a write, refusing if the file changed since fastaudit wrote it."""
    try:
        current = written.path.read_bytes()
    except OSError as exc:
        raise FixError(f"{written.path}: cannot read it ({exc.strerror})") from exc
    if digest_bytes(current) != written.new_digest:
        raise FixError(f"{written.path}: changed since the fix was applied; not undoing")
    root = written.path.parent
    atomic_write(root, written.path.name, written.old_bytes, current)
    os.chmod(written.path, written.mode)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# A temporary file younger than this may belong to a fix running right now.
LEFTOVER_AGE = 60.0


def remove_leftovers(root: Path, paths: list[str]) -> list[str]:
    """Delete the temporary files interrupted fixes left (found by discovery); one line
    each saying what was done."""
    import time

    done: list[str] = []
    now = time.time()
    for rel in paths:
        path = root / rel
        try:
            if now - path.lstat().st_mtime < LEFTOVER_AGE:
                continue
            path.unlink()
        except OSError as exc:
            done.append(
                f"{rel}: cannot remove a temporary file left by an interrupted fix ({exc.strerror})"
            )
            continue
        done.append(f"{rel}: removed a temporary file left by an interrupted fix")
    return done
