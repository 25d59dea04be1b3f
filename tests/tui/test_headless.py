"""The TUI's headless helpers: grouping, editor command, imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastaudit.audit.scan import check_source
from fastaudit.model import Finding
from fastaudit.tui.editor import editor_command
from fastaudit.tui.grouping import Grouping, build_groups, finding_key, matches

ASYNC_SLEEP = "import time\n\n\nasync def wait():\n    {body}\n"


def sleep_finding(text: str) -> Finding:
    (finding,) = check_source(text, rule_ids=["ASY102"])
    return finding


class TestGrouping:
    def findings(self) -> list[Finding]:
        text = ASYNC_SLEEP.format(body="time.sleep(1)\n    time.sleep(2)")
        return check_source(text, "app/x.py", rule_ids=["ASY102"])

    def test_family_rule_file_finding(self):
        (family,) = build_groups(self.findings())
        assert (family.kind, family.name, len(family.findings)) == ("family", "ASY", 2)
        (rule,) = family.children
        (file,) = rule.children
        assert [leaf.kind for leaf in file.children] == ["finding", "finding"]

    def test_file_grouping_keeps_finding_keys(self):
        by_rule = build_groups(self.findings())
        by_file = build_groups(self.findings(), Grouping.FILE)
        leaves = by_rule[0].children[0].children[0].children
        assert [g.key for g in leaves] == [g.key for g in by_file[0].children]
        assert leaves[0].key == finding_key(self.findings()[0])

    def test_filter_matches_every_word(self):
        finding = self.findings()[0]
        assert matches(finding, "asy102 app/x")
        assert matches(finding, "SLEEP event")
        assert not matches(finding, "sleep orders")


def test_editor_command_styles():
    path = Path("/p/app/x.py")
    assert editor_command(path, 3, 5, {"EDITOR": "nvim"}) == ["nvim", "+3", "/p/app/x.py"]
    assert editor_command(path, 3, 5, {"VISUAL": "code -w", "EDITOR": "vi"}) == [
        "code",
        "-w",
        "--goto",
        "/p/app/x.py:3:5",
    ]
    assert editor_command(path, 3, 5, {}) == ["vi", "+3", "/p/app/x.py"]


def test_headless_helpers_do_not_import_textual():
    code = (
        "import sys\n"
        "import fastaudit.fixes.session, fastaudit.fixes.noqa, fastaudit.tui.grouping\n"
        "import fastaudit.tui.editor, fastaudit.tui.deps, fastaudit.tui.structure\n"
        "import fastaudit.cli, fastaudit.report.formats\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
