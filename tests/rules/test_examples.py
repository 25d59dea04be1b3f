"""Every rule's own examples are its first tests (as in Fixit): the Don't example must
trigger the rule, the Do example must not, and where the rule can fix, fixing the Don't
must give exactly ``dont_fixed``, which parses, no longer triggers, and is stable."""

from __future__ import annotations

import ast
import textwrap

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_project, fix_source
from fastaudit.rules import all_rules
from fastaudit.rules.base import ProjectRule, Rule

from .conftest import project_findings, write_tree

RULES = list(all_rules().values())
FILE_RULES = [r for r in RULES if not issubclass(r, ProjectRule)]


def ids_of(findings):
    return [f.rule for f in findings]


@pytest.mark.parametrize("rule", FILE_RULES, ids=lambda r: r.id)
def test_dont_triggers(rule):
    assert rule.dont, f"{rule.id} has no Don't example"
    assert rule.id in ids_of(check_source(rule.dont, rule_ids=[rule.id]))


@pytest.mark.parametrize("rule", FILE_RULES, ids=lambda r: r.id)
def test_do_is_clean(rule):
    assert rule.do, f"{rule.id} has no Do example"
    assert rule.id not in ids_of(check_source(rule.do, rule_ids=[rule.id]))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_documentation_is_complete(rule):
    assert rule.title and rule.rationale and rule.name, rule.id
    assert rule.name == rule.name.lower() and " " not in rule.name


EXTRA_VALID = [(r, i, ex) for r in RULES for i, ex in enumerate(r.extra_valid)]
EXTRA_INVALID = [(r, i, ex) for r in RULES for i, ex in enumerate(r.extra_invalid)]


@pytest.mark.parametrize(
    ("rule", "index", "example"), EXTRA_VALID, ids=lambda v: getattr(v, "id", str(v))[:12]
)
def test_extra_valid(rule, index, example):
    findings = check_source(textwrap.dedent(example), rule_ids=[rule.id])
    assert rule.id not in ids_of(findings), f"{rule.id} valid example #{index} triggered"


@pytest.mark.parametrize(
    ("rule", "index", "example"), EXTRA_INVALID, ids=lambda v: getattr(v, "id", str(v))[:12]
)
def test_extra_invalid(rule, index, example):
    findings = check_source(textwrap.dedent(example), rule_ids=[rule.id])
    assert rule.id in ids_of(findings), f"{rule.id} invalid example #{index} did not trigger"


@pytest.mark.parametrize("rule", FILE_RULES, ids=lambda r: r.id)
def test_fix_of_dont(rule):
    findings = [f for f in check_source(rule.dont, rule_ids=[rule.id]) if f.rule == rule.id]
    offers_fix = any(f.fix is not None for f in findings)
    if rule.dont_fixed is None:
        assert not offers_fix, f"{rule.id} fixes its Don't example but has no dont_fixed"
        return
    assert offers_fix, f"{rule.id} has dont_fixed but offers no fix for its Don't example"
    fixed = fix_source(rule.dont, [rule.id])
    assert fixed == rule.dont_fixed
    ast.parse(fixed)
    assert rule.id not in ids_of(check_source(fixed, rule_ids=[rule.id]))
    assert fix_source(fixed, [rule.id]) == fixed, "fixing twice changed the code again"


# --------------------------------------------------------------------------- project rules
PROJECT_RULES = [r for r in RULES if issubclass(r, ProjectRule)]


@pytest.mark.parametrize("rule", PROJECT_RULES, ids=lambda r: r.id)
def test_project_rule_examples(rule, tmp_path):
    assert rule.dont_files and rule.do_files, f"{rule.id} needs dont_files and do_files"
    write_tree(tmp_path / "dont", rule.dont_files)
    write_tree(tmp_path / "do", rule.do_files)
    assert project_findings(tmp_path / "dont", rule.id), f"{rule.id}: Don't project not flagged"
    assert not project_findings(tmp_path / "do", rule.id), f"{rule.id}: Do project flagged"


@pytest.mark.parametrize("rule", PROJECT_RULES, ids=lambda r: r.id)
def test_project_rule_fix(rule, tmp_path):
    write_tree(tmp_path, rule.dont_files)
    result = scan(tmp_path, Config(select=[rule.id]))
    offers_fix = any(f.fix is not None for f in result.findings if f.rule == rule.id)
    if rule.dont_fixed_files is None:
        assert not offers_fix, f"{rule.id} fixes its Don't project but has no dont_fixed_files"
        return
    assert offers_fix
    report = fix_project(result, unsafe=True, write=True)
    assert not report.errors
    for rel, expected in rule.dont_fixed_files.items():
        assert (tmp_path / rel).read_text(encoding="utf-8") == expected, rel
    assert not project_findings(tmp_path, rule.id)


def test_a_fixing_rule_without_its_own_do_teaches_its_fixed_dont():
    class _Teaching(Rule):  # id "" keeps it out of the registry
        dont = "\n    x = old()\n"
        dont_fixed = "\n    x = new()\n"

    class _OwnDo(_Teaching):
        do = "x = better()\n"

    assert _Teaching.do == "x = new()\n"
    assert _OwnDo.do == "x = better()\n"
