"""Untrusted text in file names and source code reaches the terminal literally: escape
sequences shown as visible escapes, Rich markup printed as written, never interpreted.
Run through the real CLI, in colour (a terminal as Rich sees it) and in plain text."""

from __future__ import annotations

import os
import re

import pytest

from .support import (
    assert_no_traceback,
    isolated_env,
    run_cli,
    run_together,
    snapshot,
    write,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="such file names need POSIX")

ESC = "\x1b"
# No "/" in a name, so no closing tags there: [/] goes in the source text.
NAME = f"evil{ESC}[2J[bold red]x[reverse].py"
SHOWN_NAME = "evil\\x1b[2J[bold red]x[reverse].py"
FOLDER = "[link=https:\\evil.test]pkg[blink]"
SOURCE = (
    "import time\n"
    "\n"
    "\n"
    "async def handler():\n"
    f"    time.sleep(1)  # {ESC}]0;owned{ESC}\\ [bold red]boom[/] {ESC}[2J\x07 done\n"
)
BROKEN = f"broken{ESC}[31m\r[red].py"
SHOWN_BROKEN = "broken\\x1b[31m\\x0d[red].py"
LOOP = f"loop{ESC}[5m"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours: the only escapes allowed


def test_names_and_code_are_shown_literally(tmp_path):
    root, home = tmp_path / "project", tmp_path / "home"
    home.mkdir()
    write(root, NAME, SOURCE)
    write(root, f"{FOLDER}/{NAME}", SOURCE)
    write(root, BROKEN, "def f(:\n")
    (root / LOOP).symlink_to(root / LOOP)
    before = snapshot(tmp_path, skip=(home,))

    plain, coloured, as_json = run_together(
        [
            ["check", str(root), "--no-cache"],
            ["check", str(root), "--no-cache"],
            ["check", str(root), "--format", "json"],
        ],
        env=[
            isolated_env(home, NO_COLOR="1"),
            isolated_env(home, FORCE_COLOR="1", COLUMNS="200"),
            isolated_env(home),
        ],
    )

    for run in (plain, coloured, as_json):
        assert_no_traceback(run)
        assert run.code == 1
    assert SGR.search(coloured.out), "the colour run must really be styled"
    for run in (plain, coloured):
        out = SGR.sub("", run.out)
        assert ESC not in out and ESC not in run.err
        assert "\x07" not in out and "\r" not in out
        assert f"{SHOWN_NAME}:5:5: ASY102" in out
        assert f"{FOLDER}/{SHOWN_NAME}:5:5: ASY102" in out
        # The code frame shows the comment as written, markup and escapes visible.
        assert "\\x1b]0;owned\\x1b\\ [bold red]boom[/] \\x1b[2J\\x07 done" in out
        assert f"{SHOWN_BROKEN}:1:7: SCN001" in out
        assert "warning: loop\\x1b[5m: symlink loop: skipped" in out
    # JSON keeps the exact names (escaped the JSON way, decoded back exactly).
    paths = {f["path"] for f in as_json.json["findings"]}
    assert paths == {NAME, f"{FOLDER}/{NAME}", BROKEN}
    assert ESC not in as_json.out  # JSON escapes control characters itself
    assert snapshot(tmp_path, skip=(home,)) == before


def test_fix_and_diff_of_a_file_with_such_a_name(tmp_path):
    root, home = tmp_path / "project", tmp_path / "home"
    home.mkdir()
    path = write(root, NAME, SOURCE)
    # One after the other: the diff must see the file before the fix.
    diff = run_cli("check", str(root), "--diff", env=isolated_env(home, FORCE_COLOR="1"))
    assert path.read_bytes() == SOURCE.encode()
    fixed = run_cli("check", str(root), "--fix", "--no-cache", env=isolated_env(home))
    for run in (diff, fixed):
        assert_no_traceback(run)
    out = SGR.sub("", diff.out)
    assert ESC not in out and "\x07" not in out
    assert f"+++ b/{SHOWN_NAME}" in out
    assert "Fixed 1 problem(s)." in fixed.out
    assert ESC not in fixed.out
    data = path.read_bytes()
    assert data.startswith(b"import asyncio\n\n\nasync def handler")
    assert f"    await asyncio.sleep(1)  # {ESC}]0;owned".encode() in data
