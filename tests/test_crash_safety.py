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
