"""A fix killed at any moment leaves the old file or the new one, never a mix.

A real ``fastaudit check --fix`` process is killed with SIGKILL after varying delays
while it rewrites a large file; each time the file must hold exactly the old bytes or
exactly the fixed bytes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

HANDLERS = 4000  # enough code that writing the fixed file takes a while


def big_module() -> str:
    parts = ["import time\n\n"]
    for index in range(HANDLERS):
        parts.append(
            f"\nasync def handler_{index}():\n    time.sleep(0.{index % 9 + 1})  # pause\n"
        )
    return "".join(parts)


def fix_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "fastaudit", "check", str(root), "--fix", "--select", "ASY102"]


@pytest.fixture
def fixed_bytes(tmp_path: Path) -> tuple[bytes, bytes]:
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "app.py").write_text(big_module(), encoding="utf-8")
    old = (reference / "app.py").read_bytes()
    env = {**os.environ, "FASTAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run(fix_command(reference), env=env, capture_output=True, check=False)
    new = (reference / "app.py").read_bytes()
    assert new != old and b"await asyncio.sleep" in new
    return old, new


def test_sigkill_during_fix_never_leaves_a_mix(tmp_path: Path, fixed_bytes) -> None:
    old, new = fixed_bytes
    env = {**os.environ, "FASTAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    outcomes = set()
    # Delays spread from "before anything is written" to "after it is done".
    for attempt, delay in enumerate([0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0, 3.0]):
        root = tmp_path / f"run{attempt}"
        root.mkdir()
        (root / "app.py").write_bytes(old)
        process = subprocess.Popen(
            fix_command(root), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = (root / "app.py").read_bytes()
        assert current in (old, new), f"attempt {attempt}: file is neither old nor new"
        outcomes.add("new" if current == new else "old")
        shutil.rmtree(root)
    # Not required, but the spread of delays should have caught both sides.
    assert outcomes


def _processes_mentioning(marker: str) -> list[int]:
    """Live processes whose command line holds ``marker`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
def test_killed_fix_leaves_no_worker_processes(tmp_path: Path) -> None:
    """Enough files for the worker pool; the parent is killed while they analyse."""
    root = tmp_path / "many"
    (root / "app").mkdir(parents=True)
    body = big_module().replace("import time\n\n", "import time\n\n", 1)[:60_000]
    for index in range(400):
        (root / "app" / f"m{index}.py").write_text(body, encoding="utf-8")
    env = {**os.environ, "FASTAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [*fix_command(root), "--no-cache"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Wait until the workers exist (forked, so their command line is the parent's).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_processes_mentioning(str(root))) < 2:
        time.sleep(0.05)
    assert len(_processes_mentioning(str(root))) >= 2, "the worker pool never started"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _processes_mentioning(str(root)):
        time.sleep(0.05)
    assert _processes_mentioning(str(root)) == []


def test_a_leftover_temporary_file_is_reported_then_removed_by_fix(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "app.py").write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
    leftover = root / ".app.py.k3j9x2.fastaudit-tmp"
    leftover.write_text("half a file")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    env = {**os.environ, "FASTAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    check = subprocess.run(
        [sys.executable, "-m", "fastaudit", "check", str(root)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        "warning: .app.py.k3j9x2.fastaudit-tmp: temporary file left by an interrupted fix; "
        "`fastaudit check --fix` removes it"
    ) in check.stdout
    assert leftover.exists(), "a plain check writes nothing"
    fixed = subprocess.run(
        [*fix_command(root)], env=env, capture_output=True, text=True, check=False
    )
    assert (
        "note: .app.py.k3j9x2.fastaudit-tmp: removed a temporary file left by an interrupted fix"
        in fixed.stderr
    )
    assert not leftover.exists()
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
