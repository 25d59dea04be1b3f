"""Which project `fastaudit check` audits, and what it reports on: settings found upward
from the path given or the current folder, files and folders as the scope, nothing to
audit, `fastaudit --since`, and the pre-commit hooks on a real git repository."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from fastaudit.cli import main
from fastaudit.project.discovery import INTERESTING_NAMES

SLEEPY = "import time\n\n\nasync def handler():\n    time.sleep(1)\n    return open('x').read()\n"
FIXED = SLEEPY.replace("import time\n", "import asyncio\n").replace(
    "time.sleep(1)", "await asyncio.sleep(1)"
)
CONFIG = """\
[project]
name = "shop"

[tool.fastaudit]
select = ["ASY"]
ignore = ["ASY103"]
exclude = ["legacy/"]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write(
        tmp_path / "shop",
        {
            "pyproject.toml": CONFIG,
            "src/orders/api.py": SLEEPY,
            "src/users/api.py": SLEEPY,
            "legacy/old.py": SLEEPY,
        },
    )


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, run from ``cwd`` as a user or pre-commit runs it."""
    return subprocess.run(
        [sys.executable, "-m", "fastaudit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def finding_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: [A-Z]{3}\d{3}", line)]


# ------------------------------------------------------- settings found upward
def test_check_of_a_subfolder_uses_the_projects_settings(shop: Path) -> None:
    run = cli(shop, "check", "src/orders", "--output-format", "concise")
    assert run.returncode == 1, run.stderr
    # ignore = ["ASY103"] applies; paths stay relative to the project root; the other
    # folder is not reported.
    assert finding_lines(run.stdout) == [
        "src/orders/api.py:5:5: ASY102 [*] `time.sleep` blocks the event loop inside "
        "`async def handler`"
    ]
    assert "Found 1 problem in 1 of 1 files (1 error)." in run.stdout


def test_check_from_a_subfolder_uses_the_projects_settings(shop: Path, monkeypatch, capsys):
    monkeypatch.chdir(shop / "src")
    code = main(["check", "--output-format", "concise", "--no-color"])
    out = capsys.readouterr().out
    assert code == 1
    assert [line.split(": ")[0:2] for line in finding_lines(out)] == [
        [
            "src/orders/api.py:5:5",
            "ASY102 [*] `time.sleep` blocks the event loop inside `async def handler`",
        ],
        [
            "src/users/api.py:5:5",
            "ASY102 [*] `time.sleep` blocks the event loop inside `async def handler`",
        ],
    ]


def test_an_excluded_folder_has_nothing_to_audit(shop: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(shop / "legacy")
    code = main(["check"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "warning: No Python files found under ." in err


def test_several_files_are_reported_on_together(shop: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(shop)
    code = main(["check", "src/orders/api.py", "src/users/api.py", "--output-format", "concise"])
    out = capsys.readouterr().out
    assert code == 1
    assert [line.split(":")[0] for line in finding_lines(out)] == [
        "src/orders/api.py",
        "src/users/api.py",
    ]
    assert "Found 2 problems in 2 of 2 files" in out


# --------------------------------------------------------------- nothing to audit
def test_a_folder_without_python_files_warns_and_exits_2(tmp_path: Path) -> None:
    write(tmp_path, {"docs/index.md": "# docs\n"})
    run = cli(tmp_path, "check", "docs")
    assert run.returncode == 2
    assert "warning: No Python files found under docs" in run.stderr
    assert "No problems found" not in run.stdout


def test_only_excluded_files_named_warns_but_passes(shop: Path) -> None:
    # pre-commit hands over whatever was staged; a commit touching only excluded files
    # must not be blocked.
    run = cli(shop, "check", "legacy/old.py")
    assert run.returncode == 0
    assert "warning: No Python files found under legacy/old.py" in run.stderr


def test_a_missing_path_exits_2(shop: Path) -> None:
    run = cli(shop, "check", "src/nope.py")
    assert run.returncode == 2
    assert "error: src/nope.py does not exist" in run.stderr


# ----------------------------------------------------------- fastaudit --since
def test_since_without_a_command_is_the_auditor(shop: Path, monkeypatch, capsys) -> None:
    # `fastaudit --since REF`, as the README shows: the auditor, checking the ref first.
    monkeypatch.chdir(shop)
    assert main(["--since", "origin/main"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


# ------------------------------------------------------------------ pre-commit
def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "core.hooksPath=/dev/null", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(shop: Path) -> Path:
    git(shop, "init", "-q")
    git(shop, "config", "user.email", "dev@example.com")
    git(shop, "config", "user.name", "Dev")
    git(shop, "add", ".")
    git(shop, "commit", "-qm", "first")
    return shop


def hooks() -> dict[str, dict[str, Any]]:  # YAML values of any shape
    text = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    return {hook["id"]: hook for hook in yaml.safe_load(text)}


def test_hooks_are_given_the_files_being_committed() -> None:
    for hook in hooks().values():
        assert hook["pass_filenames"] is True
        assert hook["entry"].startswith("fastaudit check")
    assert "--skip-unstaged" in hooks()["fastaudit-fix"]["entry"]


@pytest.mark.parametrize(
    "path",
    [
        *sorted(INTERESTING_NAMES),
        *(f"svc/{name}" for name in sorted(INTERESTING_NAMES)),
        "app/main.py",
        "requirements.txt",
        "requirements-dev.txt",
        "dev-requirements.txt",
        "constraints.txt",
        "requirements/base.txt",
        "requirements/base.in",
    ],
)
def test_hooks_run_on_every_file_fastaudit_reads(path: str) -> None:
    for hook in hooks().values():
        assert re.search(str(hook["files"]), path), (hook["id"], path)


@pytest.mark.parametrize("path", ["README.md", "notes.txt", "static/app.js", "setup.cfg.bak"])
def test_hooks_skip_files_fastaudit_does_not_read(path: str) -> None:
    for hook in hooks().values():
        assert not re.search(str(hook["files"]), path), (hook["id"], path)


def test_fix_hook_never_edits_files_with_unstaged_changes(repo: Path) -> None:
    orders, users = repo / "src/orders/api.py", repo / "src/users/api.py"
    # orders: a staged change. users: a staged change plus an unstaged one on top.
    orders.write_text(SLEEPY + "\n# staged\n", encoding="utf-8")
    users.write_text(SLEEPY + "\n# staged\n", encoding="utf-8")
    git(repo, "add", ".")
    users.write_text(SLEEPY + "\n# staged\n# not staged\n", encoding="utf-8")
    entry = hooks()["fastaudit-fix"]["entry"].split()[1:]
    run = cli(repo, *entry, "src/orders/api.py", "src/users/api.py")
    assert orders.read_text(encoding="utf-8") == FIXED + "\n# staged\n"
    assert users.read_text(encoding="utf-8") == SLEEPY + "\n# staged\n# not staged\n"
    assert (
        "warning: src/users/api.py: has unstaged changes, not fixed (stage or stash them, "
        "then run again)" in run.stderr
    )
    assert "Fixed 1 problem(s)." in run.stdout
    assert run.returncode == 1  # users' finding is still there


def test_untracked_files_are_not_fixed_either(repo: Path) -> None:
    write(repo, {"src/new.py": SLEEPY})
    run = cli(repo, "check", "--fix", "--skip-unstaged", "src/new.py")
    assert (repo / "src/new.py").read_text(encoding="utf-8") == SLEEPY
    assert "src/new.py: has unstaged changes, not fixed" in run.stderr
    assert run.returncode == 1


def test_skip_unstaged_outside_git_is_a_usage_error(shop: Path) -> None:
    run = cli(shop, "check", "--fix", "--skip-unstaged")
    assert run.returncode == 2
    assert "not inside a git repository; --skip-unstaged needs one" in run.stderr
    assert (shop / "src/orders/api.py").read_text(encoding="utf-8") == SLEEPY


def test_skip_unstaged_needs_fix_or_diff(repo: Path) -> None:
    run = cli(repo, "check", "--skip-unstaged")
    assert run.returncode == 2
    assert "--skip-unstaged only applies with --fix or --diff" in run.stderr


def test_the_auditor_from_a_subfolder_opens_the_project(shop: Path, monkeypatch, capsys):
    import fastaudit.tui.app as tui

    opened: list[Path] = []
    monkeypatch.setattr(tui, "run_app", lambda root, since=None: opened.append(root) or 0)
    monkeypatch.chdir(shop / "src" / "orders")
    assert main([]) == 0
    assert opened == [shop.resolve()]
    assert f"Opening the project at {shop.resolve()}" in capsys.readouterr().err
