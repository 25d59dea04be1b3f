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

    def start(root: Path, env: dict[str, str], size: tuple[int, int] = (80, 24)) -> Terminal:
        name = f"fastaudit-test-{uuid.uuid4().hex[:8]}"
        names.append(name)
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        command = f"cd {shlex.quote(str(root))} && env {exports} {shlex.quote(str(FASTAUDIT))} ."
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
    term.wait_for(lambda s: "ASY101" in s and "files ·" in s)
    term.keys("o")
    screen = term.wait_for(lambda s: "not an installed" in s)
    assert "vimmm-not-installed" in screen
    term.keys("j", "j")
    term.keys("?")
    term.wait_for(lambda s: "fastaudit — keys" in s)
    term.keys("Escape", "q")
    term.wait_for(lambda s: "ASY101" not in s, timeout=10)
