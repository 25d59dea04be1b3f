"""`fastaudit` on the command line, as a user and a CI job run it."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fastaudit.cli import main
from fastaudit.rules.async_code.blocking_sleep_in_async import BlockingSleep

APP = (
    "import time\n"
    "\n"
    "import requests\n"
    "\n"
    "\n"
    "async def list_items():\n"
    "    time.sleep(1)\n"
    '    return requests.get("https://api.test/items").json()\n'
)
# The new import takes the place of the one the fix leaves unused.
FIXED = APP.replace("import time\n", "import asyncio\n").replace(
    "time.sleep(1)", "await asyncio.sleep(1)"
)
# Only the families this suite is about: other families' rules may look at the same code.
OURS = ["--select", "ASY,SCN"]


def project(root: Path, files: dict[str, str] | None = None) -> Path:
    for rel, text in (files or {"app/main.py": APP}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rules_in_json(out: str) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"]]


# --------------------------------------------------------------------- exit codes
def test_clean_project_exits_0(tmp_path, capsys):
    root = project(tmp_path, {"app/main.py": "async def ok():\n    return 1\n"})
    code, out, _ = run(capsys, "check", str(root), *OURS)
    assert code == 0
    assert "No problems found in 1 files." in out


def test_findings_exit_1(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(project(tmp_path)), *OURS)
    assert code == 1
    assert "app/main.py:7:5: ASY102 [error]" in out
    assert "Found 2 problems in 1 of 1 files (2 errors)." in out


def test_exit_zero(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(project(tmp_path)), *OURS, "--exit-zero")
    assert code == 0
    assert "Found 2 problems" in out


def test_missing_path_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "check", str(tmp_path / "nope"))
    assert code == 2
    assert f"error: {tmp_path / 'nope'} does not exist" in err


def test_a_file_given_is_audited_and_reported_on_its_own(tmp_path, capsys):
    # Like ruff (and pre-commit's pass_filenames): a file names what to report on.
    files = {
        "pyproject.toml": "[project]\nname = 'shop'\n",
        "app/main.py": APP,
        "app/other.py": APP,
    }
    project(tmp_path, files)
    code, out, _ = run(capsys, "check", str(tmp_path / "app" / "main.py"), *OURS)
    assert code == 1
    assert "app/main.py:7:5: ASY102 [error]" in out
    assert "app/other.py" not in out
    assert "Found 2 problems in 1 of 1 files (2 errors)." in out


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_rule_exits_2(tmp_path, capsys, option):
    code, _, err = run(capsys, "check", str(project(tmp_path)), option, "ASY999,XYZ")
    assert code == 2
    assert f"{option}: unknown rule or family ASY999, XYZ" in err


def test_internal_error_exits_2_not_1(tmp_path, capsys, monkeypatch):
    import fastaudit.audit.scan as engine

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "scan", broken)
    code, _, err = run(capsys, "check", str(project(tmp_path)))
    assert code == 2
    assert "internal error: RuntimeError: disk on fire" in err


def test_real_process_exit_codes(tmp_path):
    root = project(tmp_path)

    def status(*args: str) -> int:
        command = [sys.executable, "-m", "fastaudit", "check", *args]
        return subprocess.run(command, capture_output=True, timeout=120, check=False).returncode

    assert status(str(root), *OURS) == 1
    assert status(str(root), *OURS, "--exit-zero") == 0
    assert status(str(root), "--select", "ASY105") == 0
    assert status(str(tmp_path / "missing")) == 2
    assert status(str(root), "--select", "NOPE") == 2


# ---------------------------------------------------------------------- selection
def test_select_by_id(tmp_path, capsys):
    code, out, _ = run(
        capsys, "check", str(project(tmp_path)), "--select", "ASY102", "--format", "json"
    )
    assert code == 1
    assert rules_in_json(out) == [("ASY102", "app/main.py", 7)]


def test_select_by_family_and_ignore_by_id(tmp_path, capsys):
    root = project(tmp_path)
    _, out, _ = run(
        capsys, "check", str(root), "--select", "asy", "--ignore", "ASY102", "--format", "json"
    )
    assert rules_in_json(out) == [("ASY101", "app/main.py", 8)]


def test_ignore_a_whole_family(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(project(tmp_path)), *OURS, "--ignore", "ASY")
    assert code == 0
    assert "No problems found" in out


def test_extend_select_adds_to_the_configured_selection(tmp_path, capsys):
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('[tool.fastaudit]\nselect = ["ASY101"]\n')
    _, out, _ = run(capsys, "check", str(root), "--extend-select", "ASY102", "--format", "json")
    assert sorted(rules_in_json(out)) == [
        ("ASY101", "app/main.py", 8),
        ("ASY102", "app/main.py", 7),
    ]


def test_statistics(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(project(tmp_path)), *OURS, "--statistics")
    assert code == 1
    assert "1  ASY102  ✓        `time.sleep` in async code" in out
    assert "1  ASY101  ✓        Synchronous HTTP client called in async code" in out
    assert "time.sleep(1)" not in out


# -------------------------------------------------------------------------- fixes
def test_fix_changes_the_file_exactly_and_the_rule_is_then_clean(tmp_path, capsys):
    root = project(tmp_path)
    code, out, _ = run(capsys, "check", str(root), *OURS, "--fix")
    assert (root / "app" / "main.py").read_text() == FIXED
    assert "Fixed 1 problem(s)." in out
    assert "ASY102" not in out.split("Found")[0]
    assert code == 1  # ASY101 has no automatic fix and remains
    code, out, _ = run(capsys, "check", str(root), "--select", "ASY102")
    assert code == 0
    assert "No problems found" in out


def test_diff_writes_nothing_and_prints_an_applicable_patch(tmp_path, capsys):
    root = project(tmp_path)
    code, out, err = run(capsys, "check", str(root), *OURS, "--diff")
    assert (root / "app" / "main.py").read_text() == APP
    assert code == 1
    expected = "".join(
        difflib.unified_diff(
            APP.splitlines(keepends=True),
            FIXED.splitlines(keepends=True),
            fromfile="a/app/main.py",
            tofile="b/app/main.py",
        )
    )
    assert out == expected
    assert "1 fix(es) would be applied to 1 file(s)." in err


@pytest.fixture
def sleep_fix_is_unsafe(monkeypatch):
    """ASY102's fix, marked unsafe (no ASY fix is unsafe today)."""
    original = BlockingSleep.make_fix

    def unsafe(self, node, ctx):
        fix = original(self, node, ctx)
        return ctx.fix(fix.description, *fix.edits, safe=False, note="testing")

    monkeypatch.setattr(BlockingSleep, "make_fix", unsafe)


def test_unsafe_fixes_only_with_the_flag(tmp_path, capsys, sleep_fix_is_unsafe):
    root = project(tmp_path)
    args = ["check", str(root), "--select", "ASY102", "--no-cache"]
    code, out, _ = run(capsys, *args)
    assert "fix (unsafe): Replace with `await asyncio.sleep(...)` — testing" in out
    assert "0 fixable with `fastaudit check --fix` (1 more with `--unsafe-fixes`)." in out
    code, out, _ = run(capsys, *args, "--fix")
    assert (root / "app" / "main.py").read_text() == APP
    assert "Fixed 0 problem(s)." in out
    assert code == 1
    code, out, _ = run(capsys, *args, "--fix", "--unsafe-fixes")
    assert (root / "app" / "main.py").read_text() == FIXED
    assert "Fixed 1 problem(s)." in out
    assert code == 0


def test_fix_failure_is_reported_and_exits_2(tmp_path, capsys):
    root = project(tmp_path, {"a.py": APP, "b.py": APP})
    (root / "b.py").chmod(0o444)
    try:
        code, out, err = run(capsys, "check", str(root), "--select", "ASY102", "--fix")
        assert code == 2
        assert "fix failed: b.py: is read-only; nothing was written" in err
        assert (root / "a.py").read_text() == FIXED
        assert (root / "b.py").read_text() == APP
        assert "b.py:7:5: ASY102" in out
    finally:
        (root / "b.py").chmod(0o644)


# ------------------------------------------------------------------------- output
def test_output_file(tmp_path, capsys):
    root = project(tmp_path / "proj")
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", str(root), *OURS, "--format", "json", "-o", str(target))
    assert code == 1
    assert out == ""
    assert rules_in_json(target.read_text()) == [
        ("ASY102", "app/main.py", 7),
        ("ASY101", "app/main.py", 8),
    ]


def test_a_machine_format_loads_neither_rich_nor_libcst(tmp_path):
    """A CI check writing JSON or SARIF prints nothing through rich: its import (a sixth
    of a warm run's start-up) is left out, as LibCST's and Textual's are."""
    root = project(tmp_path / "proj")
    target = tmp_path / "report.json"
    probe = (
        "import sys\n"
        "from fastaudit.cli import main\n"
        f"code = main(['check', {str(root)!r}, '--select', 'ASY,SCN', '-o', {str(target)!r},\n"
        "             '--output-format', sys.argv[1]])\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'libcst', 'textual'})\n"
        "print(code, *loaded)\n"
    )
    for name in ("json", "sarif"):
        done = subprocess.run(
            [sys.executable, "-c", probe, name], capture_output=True, text=True, timeout=120
        )
        assert done.stdout.split() == ["1"], done.stderr
        assert "ASY102" in target.read_text()
    # A report for people still prints through rich.
    done = subprocess.run(
        [sys.executable, "-c", probe, "concise"], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["1", "rich"], done.stderr


def test_output_file_in_a_missing_folder_exits_2(tmp_path, capsys):
    root = project(tmp_path)
    code, _, err = run(capsys, "check", str(root), "-o", str(tmp_path / "no" / "such" / "r.txt"))
    assert code == 2
    assert "cannot write the report to" in err


def test_config_warnings_reach_stderr_with_machine_formats(tmp_path, capsys):
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('[tool.fastaudit]\ncolour = "blue"\n')
    _, out, err = run(capsys, "check", str(root), *OURS, "--format", "sarif")
    assert json.loads(out)["version"] == "2.1.0"
    assert "warning: [tool.fastaudit]: unknown setting `colour` (ignored)" in err


# -------------------------------------------------------------- rules and explain
def test_rules_table(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    row = next(line for line in out.splitlines() if "ASY102" in line)
    assert "error" in row and "✓" in row and " on " in row
    assert "SCN001" in out
    opt_in = next(line for line in out.splitlines() if "STR104" in line)
    assert "opt-in" in opt_in
    assert "on by default)" in out.splitlines()[0]
    assert "--extend-select" in out


def test_rules_json(capsys):
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert code == 0
    rules = {rule["id"]: rule for rule in json.loads(out)}
    assert rules["ASY102"]["fixable"] is True
    assert rules["ASY106"]["fixable"] is False
    assert rules["ASY102"]["family"] == "Async"
    assert rules["ASY102"]["severity"] == "error"
    assert rules["ASY102"]["title"] == "`time.sleep` in async code"
    assert rules["ASY102"]["default_enabled"] is True
    assert rules["STR104"]["default_enabled"] is False
    assert rules["RTE101"]["peers"] == ["ruff FAST001"]
    assert rules["ASY104"]["peers"] == []


def test_rules_table_and_explain_name_the_peer_rules(capsys):
    _, out, _ = run(capsys, "rules")
    row = next(line for line in out.splitlines() if "RTE101" in line)
    assert "ruff FAST001" in row.replace("\u00a0", " ")
    _, out, _ = run(capsys, "explain", "DEP101")
    assert "peers ruff FAST002" in out


def test_rules_markdown_is_the_docs_page(capsys):
    code, out, _ = run(capsys, "rules", "--format", "markdown")
    assert code == 0
    assert out == (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")


def test_a_reader_that_goes_away_is_no_internal_error() -> None:
    """``fastaudit rules --format markdown | head -1`` (a page larger than a pipe
    buffer): no traceback, status 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastaudit", "rules", "--format", "markdown"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "internal error" not in err


def test_explain_shows_rationale_and_do_and_dont(capsys):
    code, out, _ = run(capsys, "explain", "asy102")
    assert code == 0
    assert out.startswith("ASY102 `time.sleep` in async code")
    assert "Why it matters" in out
    assert "parks the whole event loop" in out
    assert "Don't" in out and "Do" in out
    assert "time.sleep(1.5)" in out
    assert "await asyncio.sleep(1.5)" in out


def test_explain_unknown_rule_exits_2(capsys):
    code, out, err = run(capsys, "explain", "XYZ999")
    assert code == 2
    assert out == ""
    assert "no rule 'XYZ999'; `fastaudit rules` lists them" in err


@pytest.mark.parametrize("name", ["blocking-sleep-in-async", "Blocking-Sleep-In-Async"])
def test_explain_by_rule_name(capsys, name):
    code, out, _ = run(capsys, "explain", name)
    assert code == 0
    assert out.startswith("ASY102 `time.sleep` in async code  (blocking-sleep-in-async)")


def test_explain_suggests_close_names_on_a_typo(capsys):
    code, out, err = run(capsys, "explain", "blocking-sleep-in-asnyc")
    assert code == 2
    assert out == ""
    assert "no rule 'blocking-sleep-in-asnyc'; did you mean ASY102 (blocking-sleep-in-async)" in err


# --------------------------------------------------------------------------- demo
def test_demo_keep_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("my work\n")
    code, _, err = run(capsys, "demo", "--check", "--keep", str(keep))
    assert code == 2
    assert "already exists and is not empty; give a new or empty folder, or add --force" in err
    assert sorted(p.name for p in keep.iterdir()) == ["notes.txt"]


def test_demo_keep_into_an_empty_folder_or_with_force(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(capsys, "demo", "--check", "--keep", str(empty))[0] == 1
    assert (empty / "src" / "main.py").is_file()
    # --force copies over it again: a reset of a demo that was fixed before.
    (empty / "src" / "main.py").write_text("# edited\n")
    (empty / "notes.txt").write_text("my work\n")
    assert run(capsys, "demo", "--check", "--keep", str(empty), "--force")[0] == 1
    assert (empty / "src" / "main.py").read_text() != "# edited\n"
    assert (empty / "notes.txt").read_text() == "my work\n"


def test_demo_check_exits_like_check(tmp_path):
    command = [sys.executable, "-m", "fastaudit", "demo", "--check", "--keep", str(tmp_path / "d")]
    run_ = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run_.returncode == 1
    assert "Found " in run_.stdout
