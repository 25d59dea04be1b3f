"""``extend-safe-fixes`` / ``extend-unsafe-fixes`` (pyproject.toml and the command line):
which files ``fastaudit check --fix`` changes, and what the report says about why."""

from __future__ import annotations

import json
from pathlib import Path

from fastaudit.cli import main

# PIN101 (raise a lower bound) is safe on its own; PIN106 (remove black when ruff is
# declared) is unsafe on its own.
REQUIREMENTS = "fastapi>=0.100\nblack>=24\nruff>=0.6\n"
RAISED = "fastapi>=0.115\nblack>=24\nruff>=0.6\n"
REMOVED = "fastapi>=0.100\nruff>=0.6\n"
BOTH = "fastapi>=0.115\nruff>=0.6\n"


def project(root: Path, table: str = "") -> Path:
    (root / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")
    if table:
        (root / "pyproject.toml").write_text(f"[tool.fastaudit]\n{table}", encoding="utf-8")
    return root


def check(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["check", str(root), "--select", "PIN", "--no-cache", "--no-color", *args])
    out, err = capsys.readouterr()
    return code, out, err


def requirements(root: Path) -> str:
    return (root / "requirements.txt").read_text(encoding="utf-8")


def fixes(capsys, root: Path, *args: str) -> dict[str, dict]:
    _, out, _ = check(capsys, root, "--format", "json", *args)
    return {f["rule"]: f["fix"] for f in json.loads(out)["findings"]}


def test_without_overrides_only_the_safe_fix_applies(tmp_path, capsys) -> None:
    root = project(tmp_path)
    check(capsys, root, "--fix")
    assert requirements(root) == RAISED


def test_extend_unsafe_fixes_keeps_a_safe_fix_out_of_fix(tmp_path, capsys) -> None:
    root = project(tmp_path, 'extend-unsafe-fixes = ["PIN101"]\n')
    found = fixes(capsys, root)
    assert found["PIN101"]["safety"] == "unsafe"
    assert found["PIN101"]["note"] == "marked unsafe by extend-unsafe-fixes in pyproject.toml"
    _, out, _ = check(capsys, root, "--fix")
    assert requirements(root) == REQUIREMENTS
    assert "marked unsafe by extend-unsafe-fixes in pyproject.toml" in out
    check(capsys, root, "--fix", "--unsafe-fixes")
    assert requirements(root) == BOTH


def test_extend_safe_fixes_lets_fix_apply_an_unsafe_fix(tmp_path, capsys) -> None:
    root = project(tmp_path, 'extend-safe-fixes = ["PIN106"]\n')
    found = fixes(capsys, root)
    assert found["PIN106"]["safety"] == "safe"
    # The fix's own caveat stays visible next to the user's decision.
    assert found["PIN106"]["note"].endswith("; marked safe by extend-safe-fixes in pyproject.toml")
    check(capsys, root, "--fix")
    assert requirements(root) == BOTH


def test_selectors_are_prefixes_and_the_more_specific_one_wins(tmp_path, capsys) -> None:
    root = project(tmp_path, 'extend-safe-fixes = ["PIN"]\nextend-unsafe-fixes = ["PIN101"]\n')
    found = fixes(capsys, root)
    assert (found["PIN101"]["safety"], found["PIN106"]["safety"]) == ("unsafe", "safe")
    check(capsys, root, "--fix")
    assert requirements(root) == REMOVED


def test_equally_specific_selectors_resolve_to_unsafe(tmp_path, capsys) -> None:
    root = project(tmp_path, 'extend-safe-fixes = ["PIN1"]\nextend-unsafe-fixes = ["PIN1"]\n')
    found = fixes(capsys, root)
    assert (found["PIN101"]["safety"], found["PIN106"]["safety"]) == ("unsafe", "unsafe")
    check(capsys, root, "--fix")
    assert requirements(root) == REQUIREMENTS


def test_command_line_options_work_without_a_pyproject(tmp_path, capsys) -> None:
    root = project(tmp_path)
    found = fixes(capsys, root, "--extend-unsafe-fixes", "PIN101", "--extend-safe-fixes", "PIN106")
    assert found["PIN101"]["note"] == "marked unsafe by --extend-unsafe-fixes"
    assert found["PIN106"]["safety"] == "safe"
    check(capsys, root, "--fix", "--extend-unsafe-fixes", "PIN101", "--extend-safe-fixes", "PIN106")
    assert requirements(root) == REMOVED


def test_diff_follows_the_overrides(tmp_path, capsys) -> None:
    root = project(tmp_path, 'extend-unsafe-fixes = ["PIN"]\n')
    code, out, err = check(capsys, root, "--diff")
    assert code == 0
    assert out == "" and "0 fix(es) would be applied" in err
    assert requirements(root) == REQUIREMENTS


def test_unknown_ids_are_reported(tmp_path, capsys) -> None:
    root = project(tmp_path, 'extend-safe-fixes = ["NOPE1"]\n')
    _, out, _ = check(capsys, root)
    assert "`extend-safe-fixes` names unknown rule `NOPE1`" in out
    code, _, err = check(capsys, root, "--extend-unsafe-fixes", "XYZ9")
    assert code == 2 and "--extend-unsafe-fixes: unknown rule or family XYZ9" in err
