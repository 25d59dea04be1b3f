"""Rescanning after a fix or an edit: the changed files at once (``refresh_files``), the
project rules after (``run_project_pass`` + ``adopt_project``, the TUI's worker), with the
same findings in the end as a whole scan."""

from __future__ import annotations

from pathlib import Path

from fastaudit.audit.scan import (
    ScanResult,
    adopt_project,
    line_map,
    project_pass,
    refresh,
    refresh_files,
    run_project_pass,
    scan,
)

MAIN = """\
from fastapi import FastAPI

from app.store import load

app = FastAPI()


@app.get("/items")
async def items():
    return load()
"""

STORE = """\
import time


def load():
    time.sleep(1)
    return []
"""


def write_project(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(MAIN)
    (root / "app" / "store.py").write_text(STORE)
    return root


def shown(result: ScanResult, rule: str | None = None) -> list[tuple[str, str, int]]:
    return [
        (f.rule, f.path, f.span.line) for f in result.findings if rule is None or f.rule == rule
    ]


def edit(root: Path, path: str, new: str) -> dict[str, bytes]:
    target = root / path
    before = {path: target.read_bytes()}
    target.write_text(new)
    return before


class TestLineMap:
    def test_lines_below_an_insertion_move_down(self) -> None:
        moved = line_map("a\nb\nc\n", "new\na\nb\nc\n")
        assert [moved(n) for n in (1, 2, 3)] == [2, 3, 4]

    def test_a_rewritten_or_removed_line_has_no_place(self) -> None:
        moved = line_map("a\nb\nc\nd\n", "a\nB\nd\n")
        assert [moved(n) for n in (1, 2, 3, 4)] == [1, None, None, 3]


class TestRefreshFiles:
    def test_a_project_finding_moves_with_its_line_before_the_pass(self, tmp_path: Path) -> None:
        root = write_project(tmp_path)
        result = scan(root, use_cache=False)
        assert shown(result, "ASY108") == [("ASY108", "app/main.py", 10)]
        before = edit(root, "app/main.py", '"""Items."""\n\n' + MAIN)
        refresh_files(result, ["app/main.py"], before)
        # The project rules have not run again: their finding followed its line.
        assert shown(result, "ASY108") == [("ASY108", "app/main.py", 12)]

    def test_a_finding_on_a_changed_line_waits_for_the_pass(self, tmp_path: Path) -> None:
        root = write_project(tmp_path)
        result = scan(root, use_cache=False)
        before = edit(root, "app/main.py", MAIN.replace("return load()", "return load()  # x"))
        refresh_files(result, ["app/main.py"], before)
        assert shown(result, "ASY108") == []
        adopt_project(result, run_project_pass(project_pass(result)))
        assert shown(result, "ASY108") == [("ASY108", "app/main.py", 10)]

    def test_without_the_old_bytes_the_files_project_findings_wait(self, tmp_path: Path) -> None:
        root = write_project(tmp_path)
        result = scan(root, use_cache=False)
        edit(root, "app/main.py", "\n" + MAIN)
        refresh_files(result, ["app/main.py"])
        assert shown(result, "ASY108") == []
        # Other files' findings of the file's own walk are there at once.
        assert ("DOC102", "app/main.py", 9) in shown(result)

    def test_the_pass_then_agrees_with_a_whole_scan(self, tmp_path: Path) -> None:
        root = write_project(tmp_path)
        result = scan(root, use_cache=False)
        # The blocking call goes away: the project finding in another file goes too,
        # but only once the project rules ran.
        before = edit(root, "app/store.py", STORE.replace("time.sleep(1)", "pass"))
        refresh_files(result, ["app/store.py"], before)
        assert shown(result, "ASY108") == [("ASY108", "app/main.py", 10)]
        snapshot = project_pass(result)
        adopt_project(result, run_project_pass(snapshot))
        assert shown(result) == shown(scan(root, use_cache=False))
        assert shown(result, "ASY108") == []

    def test_a_file_refreshed_while_the_pass_ran_keeps_its_new_outcome(
        self, tmp_path: Path
    ) -> None:
        root = write_project(tmp_path)
        result = scan(root, use_cache=False)
        before = edit(root, "app/store.py", STORE.replace("time.sleep(1)", "pass"))
        refresh_files(result, ["app/store.py"], before)
        snapshot = project_pass(result)
        # A second change lands before the pass of the first is adopted.
        before = edit(root, "app/main.py", MAIN.replace("async def items", "def items"))
        refresh_files(result, ["app/main.py"], before)
        adopt_project(result, run_project_pass(snapshot))
        now = scan(root, use_cache=False).files["app/main.py"].digest
        assert result.files["app/main.py"].digest == now
        adopt_project(result, run_project_pass(project_pass(result)))
        assert shown(result) == shown(scan(root, use_cache=False))

    def test_refresh_is_both_halves(self, tmp_path: Path) -> None:
        root = write_project(tmp_path)
        result = scan(root, use_cache=False)
        edit(root, "app/store.py", STORE.replace("time.sleep(1)", "pass"))
        refresh(result, ["app/store.py"])
        assert shown(result) == shown(scan(root, use_cache=False))
