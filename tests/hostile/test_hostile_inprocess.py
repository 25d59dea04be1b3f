"""Hostile inputs that a subprocess cannot set up everywhere, run in-process.

Permission errors are simulated by monkeypatching, so they are tested also when the
suite runs as root (which chmod 000 does not stop). Files that change between the scan
and the fix are mutated between ``scan()`` and ``fix_project()``.
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from rich.console import Console

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_project
from fastaudit.report import text

from .support import changed, snapshot, write

SLEEPY = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
SLEEPY_FIXED = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"
DENIED = "Permission denied"


def deny(monkeypatch, names: set[str], folders: set[str] = frozenset()) -> None:
    """Reading a file named in ``names`` or listing a folder in ``folders`` fails the
    way it does for a user without permission."""
    read_bytes, read_text, scandir = Path.read_bytes, Path.read_text, os.scandir

    def guarded_bytes(self: Path) -> bytes:
        if self.name in names:
            raise PermissionError(13, DENIED, str(self))
        return read_bytes(self)

    def guarded_text(self: Path, *args, **kwargs) -> str:
        if self.name in names:
            raise PermissionError(13, DENIED, str(self))
        return read_text(self, *args, **kwargs)

    def guarded_scandir(path=None):
        if path is not None and Path(path).name in folders:
            raise PermissionError(13, DENIED, str(path))
        return scandir(path) if path is not None else scandir()

    monkeypatch.setattr(Path, "read_bytes", guarded_bytes)
    monkeypatch.setattr(Path, "read_text", guarded_text)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


def render(result) -> str:
    out = io.StringIO()
    text.render(result, Console(file=out, no_color=True, width=200, soft_wrap=True))
    return out.getvalue()


# ----------------------------------------------------------- unreadable things
def test_unreadable_files_and_folders(tmp_path, monkeypatch):
    write(tmp_path, "good.py", SLEEPY)
    write(tmp_path, "locked.py", "x = 1\n")
    write(tmp_path, "private/inner.py", SLEEPY)
    write(tmp_path, "requirements.txt", "fastapi>=0.100\n")
    write(tmp_path, "pyproject.toml", '[tool.fastaudit]\nselect = ["ASY"]\n')
    deny(monkeypatch, {"locked.py", "requirements.txt", "pyproject.toml"}, {"private"})
    before = snapshot(tmp_path)

    result = scan(tmp_path, use_cache=False, jobs=1)

    found = [(f.rule, f.path, f.message) for f in result.findings]
    assert ("SCN002", "locked.py", f"cannot read file: {DENIED}") in found
    assert ("ASY102", "good.py") in [(r, p) for r, p, _ in found]
    assert "private/inner.py" not in {p for _, p, _ in found}
    assert "private: cannot read folder (permission denied); skipped" in result.warnings
    # A dependency file that cannot be read is a PIN109 finding, not a warning.
    assert ("PIN109", "requirements.txt", f"cannot read file: {DENIED}") in found
    assert any(
        w.startswith("pyproject.toml: cannot read it") and "using default settings" in w
        for w in result.warnings
    )
    shown = render(result)
    assert f"locked.py:1:1: SCN002 [warning] cannot read file: {DENIED}" in shown
    assert "warning: private: cannot read folder (permission denied); skipped" in shown

    report = fix_project(result)
    assert report.errors == []
    assert [c.path for c in report.changed] == ["good.py"]
    after = snapshot(tmp_path)
    assert changed(before, after) == {"good.py"}


def test_unreadable_files_through_the_cli(tmp_path, monkeypatch, capsys):
    write(tmp_path, "good.py", SLEEPY)
    write(tmp_path, "locked.py", "x = 1\n")
    write(tmp_path, "private/inner.py", SLEEPY)
    deny(monkeypatch, {"locked.py"}, {"private"})

    code = main(["check", str(tmp_path), "--format", "json", "--no-cache", "--jobs", "1"])
    out, err = capsys.readouterr()

    assert code == 1
    assert "Traceback" not in out + err
    payload = json.loads(out)
    assert [(f["rule"], f["path"]) for f in payload["findings"]] == [
        ("ASY102", "good.py"),
        ("SCN002", "locked.py"),
    ]
    assert "private: cannot read folder (permission denied); skipped" in payload["warnings"]

    code = main(["check", str(tmp_path), "--no-cache", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"locked.py:1:1: SCN002 [warning] cannot read file: {DENIED}" in out


def test_file_unreadable_between_scan_and_fix(tmp_path, monkeypatch):
    write(tmp_path, "a.py", SLEEPY)
    write(tmp_path, "b.py", SLEEPY)
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    deny(monkeypatch, {"a.py"})
    report = fix_project(result)
    monkeypatch.undo()
    assert report.errors == [f"a.py: cannot read file: {DENIED}"]
    assert (tmp_path / "a.py").read_text() == SLEEPY
    assert (tmp_path / "b.py").read_text() == SLEEPY_FIXED


# ------------------------------------------------- changed between scan and fix
def test_file_deleted_between_scan_and_fix(tmp_path):
    write(tmp_path, "gone.py", SLEEPY)
    write(tmp_path, "kept.py", SLEEPY)
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (tmp_path / "gone.py").unlink()

    report = fix_project(result)

    assert report.errors == ["gone.py: cannot read file: No such file or directory"]
    assert not (tmp_path / "gone.py").exists(), "a deleted file is never brought back"
    assert (tmp_path / "kept.py").read_text() == SLEEPY_FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.py"]


def test_file_changed_with_the_same_size_and_mtime(tmp_path):
    path = write(tmp_path, "app.py", SLEEPY)
    info = path.stat()
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    edited = SLEEPY.replace("sleep(1)", "sleep(2)")
    path.write_text(edited)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # only the bytes tell

    report = fix_project(result)

    assert report.errors == ["app.py: changed on disk since it was scanned; rescan first"]
    assert path.read_text() == edited


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_file_replaced_by_a_symlink_between_scan_and_fix(tmp_path):
    root, outside = tmp_path / "project", tmp_path / "outside"
    write(root, "app.py", SLEEPY)
    target = write(outside, "app.py", SLEEPY)  # the same bytes: the digest still matches
    result = scan(root, Config(), use_cache=False, jobs=1)
    (root / "app.py").unlink()
    (root / "app.py").symlink_to(target)
    before = snapshot(tmp_path)

    report = fix_project(result, unsafe=True)

    assert report.errors == ["app.py: is a symbolic link; fastaudit does not write through links"]
    assert changed(before, snapshot(tmp_path)) == set()
    assert target.read_text() == SLEEPY


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_folder_replaced_by_a_symlink_between_scan_and_fix(tmp_path):
    root, outside = tmp_path / "project", tmp_path / "outside"
    write(root, "pkg/app.py", SLEEPY)
    target = write(outside, "pkg/app.py", SLEEPY)
    result = scan(root, Config(), use_cache=False, jobs=1)
    (root / "pkg" / "app.py").unlink()
    (root / "pkg").rmdir()
    (root / "pkg").symlink_to(outside / "pkg")
    before = snapshot(tmp_path)

    report = fix_project(result, unsafe=True)

    assert report.errors == [f"pkg/app.py: is outside the project root {root}"]
    assert changed(before, snapshot(tmp_path)) == set()
    assert target.read_text() == SLEEPY


def test_file_replaced_by_a_folder_between_scan_and_fix(tmp_path):
    write(tmp_path, "app.py", SLEEPY)
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (tmp_path / "app.py").unlink()
    (tmp_path / "app.py").mkdir()

    report = fix_project(result)

    assert report.errors == ["app.py: cannot read file: Is a directory"]
    assert list((tmp_path / "app.py").iterdir()) == []


def test_dependency_file_changed_between_scan_and_fix(tmp_path):
    write(tmp_path, "app.py", SLEEPY)
    requirements = write(tmp_path, "requirements.txt", "fastapi>=0.100\n")
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    assert "PIN101" in {f.rule for f in result.findings if f.path == "requirements.txt"}
    requirements.write_text("fastapi>=0.101\n")

    report = fix_project(result)

    assert report.errors == ["requirements.txt: changed on disk since it was scanned; rescan first"]
    assert requirements.read_text() == "fastapi>=0.101\n"
    assert (tmp_path / "app.py").read_text() == SLEEPY_FIXED


# ------------------------------------------------------------------ big files
def test_a_file_over_the_limit_is_never_read(tmp_path, monkeypatch):
    with (tmp_path / "generated.py").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    write(tmp_path, "good.py", SLEEPY)
    reads: list[str] = []
    read_bytes = Path.read_bytes

    def spy(self: Path) -> bytes:
        reads.append(self.name)
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    started = time.monotonic()
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    shown = render(result)
    report = fix_project(result)
    elapsed = time.monotonic() - started

    assert "generated.py" not in reads
    assert "good.py" in reads
    assert ("SCN002", "generated.py") in {(f.rule, f.path) for f in result.findings}
    assert "generated.py:1:1: SCN002 [warning] file is 50.0 MiB, over the 5.0 MiB" in shown
    assert report.errors == []
    assert result.warnings == []  # reported once, as the finding
    assert elapsed < 10
