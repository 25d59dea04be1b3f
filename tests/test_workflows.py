"""The three everyday flows, run through the real CLI: pre-review self-audit
(--since, markdown), adoption on legacy code (baseline), onboarding (learn)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from fastaudit.cli import main

APP = """\
import time

from fastapi import APIRouter

router = APIRouter()


@router.get("/old")
async def old_route() -> dict:
    time.sleep(1)
    return {}
"""

NEW_ROUTE = """

@router.get("/new")
async def new_route() -> dict:
    time.sleep(2)
    return {}
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=dev@example.com", "-c", "user.name=Dev", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "svc"
    root.mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    return root


def check_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_since_reports_only_changed_lines(repo: Path, capsys) -> None:
    with (repo / "app.py").open("a", encoding="utf-8") as handle:
        handle.write(NEW_ROUTE)  # uncommitted change
    code, report = check_json(capsys, str(repo), "--since", "HEAD")
    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("ASY102", 16)]


def test_since_counts_untracked_files_as_changed(repo: Path, capsys) -> None:
    (repo / "extra.py").write_text(APP, encoding="utf-8")
    code, report = check_json(capsys, str(repo), "--since", "HEAD")
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"extra.py"}


def test_since_with_nothing_changed_is_clean(repo: Path, capsys) -> None:
    code, report = check_json(capsys, str(repo), "--since", "HEAD")
    assert code == 0 and report["findings"] == []


def test_since_missing_ref_in_shallow_clone_explains(repo: Path, tmp_path: Path, capsys) -> None:
    (repo / "app.py").write_text(APP + NEW_ROUTE, encoding="utf-8")
    git(repo, "commit", "-qam", "second")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    code = main(["check", str(clone), "--since", "HEAD~1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "was not found" in err and "shallow clone" in err


def test_since_outside_git_is_a_clear_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    assert main(["check", str(tmp_path), "--since", "main"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_markdown_report_is_ready_for_a_pull_request(repo: Path, capsys) -> None:
    main(["check", str(repo), "--format", "markdown"])
    out = capsys.readouterr().out
    assert "| `ASY102` |" in out
    assert "> 10 |     time.sleep(1)" in out
    assert out.count("<summary><code>ASY102</code>") == 1  # Do/Don't once per rule
    assert "**Don't**" in out and "**Do**" in out


def test_baseline_survives_line_shifts_and_counts_fixed(repo: Path, capsys) -> None:
    assert main(["baseline", str(repo)]) == 0
    capsys.readouterr()
    baseline = repo / ".fastaudit-baseline.json"
    assert baseline.is_file()
    # Shift the old finding down and add a new one: only the new one is reported.
    (repo / "app.py").write_text("# header\n\n" + APP + NEW_ROUTE, encoding="utf-8")
    code, report = check_json(capsys, str(repo), "--baseline", str(baseline))
    assert code == 1
    assert [f["line"] for f in report["findings"]] == [18]
    # Fix the old one by hand: the text report says a baselined finding was fixed.
    text = (repo / "app.py").read_text(encoding="utf-8").replace("time.sleep(1)", "pass", 1)
    (repo / "app.py").write_text(text, encoding="utf-8")
    main(["check", str(repo), "--baseline", str(baseline), "--no-color"])
    assert "1 baselined finding(s) fixed since" in capsys.readouterr().out


def test_bad_baseline_file_is_a_usage_error(repo: Path, capsys) -> None:
    broken = repo / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["check", str(repo), "--baseline", str(broken)]) == 2
    assert "not a fastaudit baseline" in capsys.readouterr().err


def test_learn_walks_every_area_with_the_projects_own_code(repo: Path, capsys) -> None:
    assert main(["learn", str(repo), "--all"]) == 0
    out = capsys.readouterr().out
    assert "Step 1/11" in out and "Step 11/11" in out
    assert "1 place(s) in your code" in out and "app.py:10" in out


def test_learn_progress_is_kept_between_runs(repo: Path, capsys) -> None:
    assert main(["learn", str(repo), "--done", "async"]) == 0
    capsys.readouterr()
    assert main(["learn", str(repo), "--step", "async"]) == 0
    assert "(async, ✓ done)" in capsys.readouterr().out
    assert main(["learn", str(repo), "--undone", "async"]) == 0
    main(["learn", str(repo), "--step", "async"])
    assert "not done yet" in capsys.readouterr().out


def test_learn_unknown_area(repo: Path, capsys) -> None:
    assert main(["learn", str(repo), "--step", "astrology"]) == 2
    assert "areas: layout, async" in capsys.readouterr().out


async def test_tui_since_shows_only_changed_lines(repo: Path) -> None:
    from fastaudit.tui.app import create_app
    from fastaudit.tui.screens.main import MainScreen

    with (repo / "app.py").open("a", encoding="utf-8") as handle:
        handle.write(NEW_ROUTE)
    app = create_app(repo, testing=True, since="HEAD")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(6):
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert [(f.rule, f.span.line) for f in screen.findings] == [("ASY102", 16)]
        assert "changes since HEAD" in app.sub_title


def test_tui_since_with_a_missing_ref_says_so_before_opening(repo: Path, capsys) -> None:
    assert main(["tui", str(repo), "--since", "no-such-branch"]) == 2
    assert "was not found" in capsys.readouterr().err
    assert main([str(repo), "--since", "no-such-branch"]) == 2


def test_baseline_is_picked_up_without_being_named(repo: Path, capsys) -> None:
    # Adopting on an old code base is one command: `fastaudit baseline`.
    assert main(["baseline", str(repo)]) == 0
    assert "`fastaudit check` now reports only new ones." in capsys.readouterr().out
    assert main(["check", str(repo), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "No problems found" in out
    assert "0 new finding(s), 1 baselined finding(s) hidden (--no-baseline shows them)" in out
    with (repo / "app.py").open("a", encoding="utf-8") as handle:
        handle.write(NEW_ROUTE)
    code, report = check_json(capsys, str(repo))
    assert code == 1 and [f["line"] for f in report["findings"]] == [16]
    code, report = check_json(capsys, str(repo), "--no-baseline")
    assert code == 1 and [f["line"] for f in report["findings"]] == [10, 16]


def test_baseline_named_in_pyproject(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.fastaudit]\nbaseline = "audit/known.json"\n', encoding="utf-8"
    )
    assert main(["check", str(repo), "--no-color"]) == 1
    out = capsys.readouterr().out
    assert (
        "warning: [tool.fastaudit] baseline `audit/known.json` does not exist; "
        "`fastaudit baseline` writes it" in out
    )
    (repo / "audit").mkdir()
    assert main(["baseline", str(repo)]) == 0
    capsys.readouterr()
    assert (repo / "audit" / "known.json").is_file()
    assert not (repo / ".fastaudit-baseline.json").exists()
    code, report = check_json(capsys, str(repo))
    assert code == 0 and report["findings"] == []


def test_baseline_from_a_subfolder_lands_at_the_project_root(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "svc"\n', encoding="utf-8")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text(APP, encoding="utf-8")
    assert main(["baseline", str(repo / "pkg")]) == 0
    capsys.readouterr()
    assert (repo / ".fastaudit-baseline.json").is_file()
    code, report = check_json(capsys, str(repo / "pkg"))
    assert code == 0 and report["findings"] == []
