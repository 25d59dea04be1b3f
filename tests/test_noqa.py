"""Suppression comments: ``add_noqa`` on one finding, and ``fastaudit check --add-noqa``
over a project."""

from __future__ import annotations

import pytest

from fastaudit.engine.scan import check_source
from fastaudit.fixes.apply import FixError
from fastaudit.fixes.noqa import add_noqa
from fastaudit.model import Finding

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
