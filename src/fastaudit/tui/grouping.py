"""How findings are grouped in the tree: family -> rule -> file -> finding, or file -> finding.

Headless: builds plain ``Group`` values the tree widget renders. Every group has a stable
``key`` so expansion and the cursor survive a rebuild (after a fix, a rescan, a filter).
A finding's key is the same in both groupings, so switching keeps the selection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from fastaudit.model import Finding, Safety, Severity
from fastaudit.rules import all_rules
from fastaudit.rules.families import name_of, prefix_of, rank

Key = tuple[str, ...]


class Grouping(StrEnum):
    RULE = "rule"  # family -> rule -> file -> finding
    FILE = "file"  # file -> finding

    def toggled(self) -> Grouping:
        return Grouping.FILE if self is Grouping.RULE else Grouping.RULE


@dataclass(slots=True)
class Group:
    key: Key
    kind: str  # "family", "rule", "file" or "finding"
    name: str  # family prefix, rule id, path, or "" for a finding
    findings: list[Finding] = field(default_factory=list)
    children: list[Group] = field(default_factory=list)

    @property
    def finding(self) -> Finding | None:
        return self.findings[0] if self.kind == "finding" else None

    @property
    def worst(self) -> Severity:
        return min((f.severity for f in self.findings), key=lambda s: s.rank, default=Severity.INFO)

    @property
    def safe_fixes(self) -> list[Finding]:
        return [f for f in self.findings if f.fix is not None and f.fix.safety is Safety.SAFE]


def finding_key(finding: Finding) -> Key:
    span = finding.span
    return (
        "finding",
        finding.rule,
        finding.path,
        str(span.line),
        str(span.column),
        finding.message,
    )


def family_of(finding: Finding) -> str:
    return finding.family or prefix_of(finding.rule)


def rule_title(rule_id: str) -> str:
    rule = all_rules().get(rule_id)
    return rule.title if rule is not None else ""


def matches(finding: Finding, query: str) -> bool:
    """Every word of ``query`` appears in the rule, its title, the path or the message."""
    words = query.lower().split()
    if not words:
        return True
    family = family_of(finding)
    haystack = " ".join(
        (
            finding.rule,
            finding.title or rule_title(finding.rule),
            family,
            name_of(family),
            finding.path,
            finding.message,
        )
    ).lower()
    return all(word in haystack for word in words)


def _leaf(finding: Finding) -> Group:
    return Group(finding_key(finding), "finding", "", [finding])


def _by_file(findings: list[Finding], parent: Key) -> list[Group]:
    files: dict[str, list[Finding]] = {}
    for finding in findings:
        files.setdefault(finding.path, []).append(finding)
    groups = []
    for path in sorted(files):
        items = sorted(files[path], key=lambda f: (f.span.line, f.span.column, f.rule))
        groups.append(
            Group((*parent, "file", path), "file", path, items, [_leaf(f) for f in items])
        )
    return groups


def build_groups(
    findings: Iterable[Finding], grouping: Grouping = Grouping.RULE, query: str = ""
) -> list[Group]:
    """The top-level groups for ``findings`` that match ``query``."""
    selected = [f for f in findings if matches(f, query)]
    if grouping is Grouping.FILE:
        return _by_file(selected, ())
    families: dict[str, dict[str, list[Finding]]] = {}
    for finding in selected:
        families.setdefault(family_of(finding), {}).setdefault(finding.rule, []).append(finding)
    groups = []
    for family in sorted(families, key=lambda p: (rank(p), p)):
        rules = families[family]
        family_key: Key = ("family", family)
        children = []
        for rule_id in sorted(rules):
            rule_key = (*family_key, "rule", rule_id)
            items = rules[rule_id]
            children.append(Group(rule_key, "rule", rule_id, items, _by_file(items, rule_key)))
        every = [f for child in children for f in child.findings]
        groups.append(Group(family_key, "family", family, every, children))
    return groups


def walk(groups: Iterable[Group]) -> Iterable[Group]:
    for group in groups:
        yield group
        yield from walk(group.children)
