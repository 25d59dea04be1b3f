"""Inline suppressions: what a user writes in a comment, and what the audit then says."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastaudit.audit.scan import scan
from fastaudit.config import Config

HEAD = "import time\nimport requests\n\n\nasync def handler():\n"


def audit(tmp_path: Path, body: str):
    (tmp_path / "app.py").write_text(HEAD + body, encoding="utf-8")
    result = scan(tmp_path, Config(), use_cache=False)
    return [(f.rule, f.line) for f in result.findings], result.warnings


def test_noqa_with_the_rule_id_silences_that_rule_only(tmp_path):
    found, warnings = audit(
        tmp_path,
        "    time.sleep(1)  # noqa: ASY102\n"
        '    requests.get("https://x.test"); time.sleep(2)  # noqa: ASY102\n',
    )
    assert found == [("ASY101", 7)]
    assert warnings == []


def test_noqa_with_an_explanation_after_the_id(tmp_path):
    found, warnings = audit(tmp_path, "    time.sleep(1)  # noqa: ASY102 async shim, see #12\n")
    assert found == []
    assert warnings == []


def test_bare_noqa_silences_everything_on_the_line(tmp_path):
    found, _ = audit(
        tmp_path,
        '    requests.get("https://x.test"); time.sleep(1)  # noqa\n    time.sleep(2)\n',
    )
    assert found == [("ASY102", 7)]


def test_fastaudit_ignore_comment(tmp_path):
    found, _ = audit(
        tmp_path,
        "    time.sleep(1)  # fastaudit: ignore[ASY102]\n"
        '    requests.get("https://x.test")  # fastaudit: ignore[ASY102]\n',
    )
    assert found == [("ASY101", 7)]


def test_family_prefix_in_a_suppression(tmp_path):
    found, _ = audit(tmp_path, '    requests.get("u"); time.sleep(1)  # noqa: ASY\n')
    assert found == []


def test_suppression_on_the_last_line_of_a_multi_line_call(tmp_path):
    found, _ = audit(tmp_path, "    time.sleep(\n        1,\n    )  # noqa: ASY102\n")
    assert found == []


def test_skip_file(tmp_path):
    found, _ = audit(tmp_path, "    time.sleep(1)\n# fastaudit: skip-file\n")
    assert found == []


def test_noqa_text_inside_a_string_does_not_suppress(tmp_path):
    found, _ = audit(
        tmp_path,
        '    time.sleep(1); note = "# noqa: ASY102"\n'
        '    time.sleep(2); other = "# fastaudit: ignore[ASY102]"\n'
        '    skip = "# fastaudit: skip-file"\n',
    )
    assert found == [("ASY102", 6), ("ASY102", 7)]


def test_unknown_id_in_a_comment_is_a_warning(tmp_path):
    found, warnings = audit(
        tmp_path,
        "    time.sleep(1)  # noqa: ASY999\n    time.sleep(2)  # fastaudit: ignore[XYZ1]\n",
    )
    assert found == [("ASY102", 6), ("ASY102", 7)]
    assert warnings == [
        "app.py:6: suppression names unknown rule `ASY999`",
        "app.py:7: suppression names unknown rule `XYZ1`",
    ]


def test_other_tools_codes_are_ignored_silently(tmp_path):
    found, warnings = audit(
        tmp_path,
        "    time.sleep(1)  # noqa: E501\n    time.sleep(2)  # noqa: E501, ASY102\n",
    )
    assert found == [("ASY102", 6)]
    assert warnings == []


def test_an_unknown_id_warns_on_a_line_without_findings(tmp_path):
    found, warnings = audit(tmp_path, "    total = 1  # noqa: ASY999\n    time.sleep(1)\n")
    assert found == [("ASY102", 7)]
    assert warnings == ["app.py:6: suppression names unknown rule `ASY999`"]


def test_a_comment_after_a_string_holding_a_hash_still_suppresses(tmp_path):
    found, _ = audit(
        tmp_path,
        '    time.sleep(1); url = "https://x.test/#top"  # noqa: ASY102\n    time.sleep(2)\n',
    )
    assert found == [("ASY102", 7)]
    # The string's marker names another tool's code; the comment's names ours.
    found, _ = audit(tmp_path, '    time.sleep(1); note = "# noqa: E501"  # noqa: ASY102\n')
    assert found == []


@pytest.mark.parametrize(
    "body",
    [
        # ``str.splitlines`` breaks lines at a form feed; Python's parser does not.
        pytest.param("    total = 1  # page\x0cbreak\n    time.sleep(1)  # noqa\n", id="form-feed"),
        pytest.param("    total = 1\r    time.sleep(1)  # noqa\n", id="lone-carriage-return"),
    ],
)
def test_lines_are_numbered_as_the_parser_numbers_them(tmp_path, body):
    found, _ = audit(tmp_path, body)
    assert found == []
