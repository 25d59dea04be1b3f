"""docs/rules.md is generated from the rules (``make docs``): it lists every rule with
its peers, and the committed page matches the code."""

from __future__ import annotations

from pathlib import Path

from fastaudit.report.rules_doc import render_rules_markdown
from fastaudit.rules import all_rules

PAGE = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_the_committed_page_is_what_the_rules_generate() -> None:
    expected = render_rules_markdown(all_rules().values())
    assert PAGE.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `make docs` and commit it"
    )


def test_the_page_lists_each_rule_with_its_peers() -> None:
    page = render_rules_markdown(all_rules().values())
    for rule in all_rules().values():
        assert f"### {rule.id} {rule.name}" in page
    assert "| ruff FAST001 |" in page  # RTE101's row
    assert "peers: ruff ASYNC251, Fixit UseAsyncSleepInAsyncDef" in page  # ASY102's section
