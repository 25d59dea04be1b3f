"""The TUI's headless helpers: suppression comments, grouping, editor command, imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fastaudit.audit.scan import check_source
from fastaudit.fixes.apply import FixError
from fastaudit.model import Finding
from fastaudit.tui.editor import editor_command
from fastaudit.tui.grouping import Grouping, build_groups, finding_key, matches
from fastaudit.tui.noqa import add_noqa

ASYNC_SLEEP = "import time\n\n\nasync def wait():\n    {body}\n"


def sleep_finding(text: str) -> Finding:
    (finding,) = check_source(text, rule_ids=["ASY102"])
    return finding


class TestNoqa:
    def test_appends_a_comment_at_the_end_of_the_line(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1)   ")
        new = add_noqa(text, sleep_finding(text))
        assert new == ASYNC_SLEEP.format(body="time.sleep(1)  # noqa: ASY102")
        assert check_source(new, rule_ids=["ASY102"]) == []

    def test_keeps_crlf_line_endings(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1)").replace("\n", "\r\n")
        new = add_noqa(text, sleep_finding(text))
        assert new == text.replace("time.sleep(1)\r\n", "time.sleep(1)  # noqa: ASY102\r\n")

    def test_extends_an_existing_noqa_list(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1)  # noqa: E501 (long)")
        new = add_noqa(text, sleep_finding(text))
        assert "time.sleep(1)  # noqa: E501, ASY102 (long)" in new

    def test_refuses_after_a_backslash_continuation(self):
        text = ASYNC_SLEEP.format(body="x = time.sleep(1) + \\\n        1")
        with pytest.raises(FixError, match="backslash"):
            add_noqa(text, sleep_finding(text))

    def test_uses_the_last_line_when_the_first_ends_inside_a_string(self):
        text = ASYNC_SLEEP.format(body='time.sleep(len("""\n    abc"""))')
        finding = sleep_finding(text)
        assert finding.span.end_line == finding.span.line + 1
        new = add_noqa(text, finding)
        assert new.splitlines()[5] == '    abc"""))  # noqa: ASY102'

    def test_refuses_when_every_line_ends_inside_a_string(self):
        text = ASYNC_SLEEP.format(body='time.sleep(1); x = """\n    still a string\n    """')
        finding = sleep_finding(text)
        with pytest.raises(FixError, match="multi-line string"):
            add_noqa(text, finding)


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
        "import fastaudit.tui.session, fastaudit.tui.grouping, fastaudit.tui.noqa\n"
        "import fastaudit.tui.editor, fastaudit.tui.deps\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
