"""The real ``fastaudit`` in a real terminal (tmux), driven by keys, read off the screen.

Slow (seconds each): selected with ``-m slow``. Skipped only when tmux is not installed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FASTAUDIT = Path(sys.executable).parent / "fastaudit"


class Terminal:
    """One tmux session running a command at a fixed size."""

    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-t", self.name, "-p"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout

    def wait_for(self, check: Callable[[str], bool], timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"not on screen after {timeout:.0f} s:\n{screen}")


@pytest.fixture
def terminal() -> Iterator[Callable[..., Terminal]]:
    names: list[str] = []

    def start(
        root: Path, env: dict[str, str], size: tuple[int, int] = (80, 24), launcher: str = ""
    ) -> Terminal:
        """``launcher``: a command line that runs fastaudit (its path is appended)."""
        name = f"fastaudit-test-{uuid.uuid4().hex[:8]}"
        names.append(name)
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        program = f"{launcher} {shlex.quote(str(FASTAUDIT))}".strip()
        command = f"cd {shlex.quote(str(root))} && env {exports} {program} ."
        width, height = size
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), command],
            check=True,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        return Terminal(name)

    yield start
    for name in names:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)


def wait_until_ready(term: Terminal) -> str:
    """The findings are listed and the project facts computed (the summary shows
    ``deps:``): keys such as `w` and `o` act only from then on (before, they say why not)."""
    return term.wait_for(lambda s: "ASY101" in s and "files ·" in s and "deps:" in s)


def base_env(tmp_path: Path) -> dict[str, str]:
    return {
        "FASTAUDIT_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
    }


def test_a_misspelled_editor_shows_an_error_and_the_app_keeps_answering(
    terminal, shop: Path, tmp_path: Path
):
    env = {**base_env(tmp_path), "EDITOR": "vimmm-not-installed"}
    term = terminal(shop, env)
    wait_until_ready(term)
    # On a loaded machine the first frames can show before the selection is made, and
    # an `o` that early is answered "select a finding": press again until it is the
    # editor's error that shows (what this test is about).
    screen = ""
    for _ in range(3):
        term.keys("o")
        try:
            screen = term.wait_for(lambda s: "not an installed" in s, timeout=10)
            break
        except AssertionError:
            continue
    assert "not an installed" in screen and "vimmm-not-installed" in screen
    term.keys("j", "j")
    term.keys("?")
    term.wait_for(lambda s: "fastaudit — keys" in s)
    term.keys("Escape", "q")
    term.wait_for(lambda s: "ASY101" not in s, timeout=10)


# Run by the tmux server, not by this process: a preexec hook cannot drop root's
# capabilities there, so this launcher does it before exec (see hostile/support.py).
DROP_AND_EXEC = (
    "import ctypes, os, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "last = int(open('/proc/sys/kernel/cap_last_cap').read())\n"
    "for cap in range(last + 1):\n"
    "    libc.prctl(24, cap, 0, 0, 0)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def test_an_unreadable_folder_is_one_warning_and_the_audit_goes_on(
    terminal, shop: Path, tmp_path: Path
):
    from hostile.support import require_unprivileged

    require_unprivileged()
    locked = shop / "pgdata"
    locked.mkdir()
    (locked / "base.py").write_text("x = 1\n")
    locked.chmod(0)
    try:
        # As root, fastaudit runs without capabilities, or the folder would be readable.
        # (Started so from the first: killing a session and reusing its name raced
        # with the tmux server under parallel tests.)
        launcher = (
            f"{shlex.quote(sys.executable)} -c {shlex.quote(DROP_AND_EXEC)}"
            if os.geteuid() == 0
            else ""
        )
        term = terminal(shop, base_env(tmp_path), launcher=launcher)
        screen = wait_until_ready(term)
        assert "The scan failed" not in screen
        for attempt in range(3):
            term.keys("w")
            try:
                screen = term.wait_for(lambda s: "pgdata" in s, timeout=10)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        assert "cannot read folder (permission denied); skipped" in screen
        term.keys("Escape", "q")
    finally:
        locked.chmod(0o755)
