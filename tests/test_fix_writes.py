"""Writing fixes never loses data: stale files, links, read-only files and undo."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from fastaudit.audit.scan import scan
from fastaudit.config import Config
from fastaudit.fixes.apply import FixError, atomic_write, restore
from fastaudit.fixes.runner import fix_project

OLD = b"import time\n\n\nasync def handler():\n    time.sleep(1)\n"
NEW = b"import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"


def make(root: Path, rel: str = "app.py", data: bytes = OLD) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_write_replaces_the_file(tmp_path):
    path = make(tmp_path)
    written = atomic_write(tmp_path, "app.py", NEW, OLD)
    assert path.read_bytes() == NEW
    assert written.old_bytes == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"], "no temp file left behind"


def test_refuses_when_the_file_changed_since_the_scan(tmp_path):
    path = make(tmp_path)
    result = scan(tmp_path, Config(), use_cache=False)
    edited = OLD + b"# edited in the editor meanwhile\n"
    path.write_bytes(edited)
    report = fix_project(result)
    assert report.errors == ["app.py: changed on disk since it was scanned; rescan first"]
    assert path.read_bytes() == edited


def test_atomic_write_refuses_unexpected_contents(tmp_path):
    path = make(tmp_path, data=b"something else\n")
    with pytest.raises(FixError, match="changed on disk since it was scanned"):
        atomic_write(tmp_path, "app.py", NEW, OLD)
    assert path.read_bytes() == b"something else\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_refuses_to_write_through_a_symlink(tmp_path):
    target = make(tmp_path, "real.py")
    (tmp_path / "link.py").symlink_to(target)
    with pytest.raises(FixError, match="is a symbolic link"):
        atomic_write(tmp_path, "link.py", NEW, OLD)
    assert target.read_bytes() == OLD
    assert (tmp_path / "link.py").is_symlink()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_refuses_to_write_through_a_symlinked_folder(tmp_path):
    target = make(tmp_path, "src/app.py")
    (tmp_path / "pkg").symlink_to(tmp_path / "src")
    with pytest.raises(FixError, match="reached through a symbolic link"):
        atomic_write(tmp_path, "pkg/app.py", NEW, OLD)
    assert target.read_bytes() == OLD


def test_refuses_to_write_outside_the_root(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    outside = make(tmp_path, "outside.py")
    with pytest.raises(FixError, match="outside the project root"):
        atomic_write(root, "../outside.py", NEW, OLD)
    with pytest.raises(FixError, match="outside the project root"):
        atomic_write(root, str(outside), NEW, OLD)
    assert outside.read_bytes() == OLD


def test_read_only_file_fails_cleanly_and_stays_untouched(tmp_path):
    path = make(tmp_path)
    path.chmod(0o444)
    try:
        result = scan(tmp_path, Config(), use_cache=False)
        report = fix_project(result)
        assert report.errors == ["app.py: is read-only; nothing was written"]
        assert report.written == []
        assert path.read_bytes() == OLD
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        assert [p.name for p in tmp_path.iterdir()] == ["app.py"]
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_permissions_are_preserved(tmp_path):
    path = make(tmp_path)
    path.chmod(0o750)
    atomic_write(tmp_path, "app.py", NEW, OLD)
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == 0o750


def test_restore_gives_back_the_exact_old_bytes(tmp_path):
    old = b"\xef\xbb\xbfimport time\r\n\r\nasync def f():\r\n    time.sleep(1)  # caf\xc3\xa9\r\n"
    path = make(tmp_path, data=old)
    path.chmod(0o640)
    [written] = fix_project(scan(tmp_path, Config(), use_cache=False)).written
    assert path.read_bytes() != old
    restore(written)
    assert path.read_bytes() == old
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_restore_refuses_when_the_file_changed_after_the_fix(tmp_path):
    path = make(tmp_path)
    written = atomic_write(tmp_path, "app.py", NEW, OLD)
    path.write_bytes(NEW + b"# more work\n")
    with pytest.raises(FixError, match="changed since the fix was applied; not undoing"):
        restore(written)
    assert path.read_bytes() == NEW + b"# more work\n"


def test_one_failing_file_leaves_the_others_fixed(tmp_path):
    first, locked, last = make(tmp_path, "a.py"), make(tmp_path, "b.py"), make(tmp_path, "c.py")
    locked.chmod(0o444)
    try:
        report = fix_project(scan(tmp_path, Config(), use_cache=False))
        assert report.errors == ["b.py: is read-only; nothing was written"]
        assert sorted(change.path for change in report.changed) == ["a.py", "c.py"]
        assert first.read_bytes() == NEW
        assert last.read_bytes() == NEW
        assert locked.read_bytes() == OLD
    finally:
        locked.chmod(0o644)


def test_two_fixes_in_one_file_add_the_import_once(tmp_path):
    path = make(tmp_path, data=OLD + b"\n\nasync def other():\n    time.sleep(2)\n")
    report = fix_project(scan(tmp_path, Config(), use_cache=False))
    assert report.fixed_count == 2
    text = path.read_text()
    assert text.count("import asyncio") == 1
    assert "await asyncio.sleep(1)" in text and "await asyncio.sleep(2)" in text


def test_a_file_over_the_fix_size_limit_is_left_with_a_note(tmp_path, monkeypatch):
    """Checking fixes costs several parses of the file; past the limit the fix is not
    attempted, the file stays as it was and the report says why."""
    import fastaudit.fixes.runner as runner

    path = make(tmp_path)
    monkeypatch.setattr(runner, "MAX_FIX_BYTES", len(OLD) - 1)
    report = fix_project(scan(tmp_path, Config(), use_cache=False))
    assert path.read_bytes() == OLD
    assert report.changed == [] and report.errors == []
    assert report.notes == [
        "app.py: not fixed automatically: 0.0 MB is over the 1 MB limit for fixes"
    ]
