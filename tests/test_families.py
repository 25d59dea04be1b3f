"""The family table and the learn areas built on it.

The membership of every learn area is pinned here, so moving a rule to another area (or
adding a rule that lands in none) is a visible change to this file, not an accident.
"""

from __future__ import annotations

import re

from fastaudit.rules import all_rules
from fastaudit.rules.families import BY_PREFIX, TABLE, prefix_of
from fastaudit.workflows.learn import AREAS, rules_for

# Learn area key -> the ids of its rules, as `fastaudit learn` shows them.
AREA_RULES: dict[str, tuple[str, ...]] = {
    "layout": ("STR101", "STR102", "STR103", "STR104"),
    "async": (
        "ASY101",
        "ASY102",
        "ASY103",
        "ASY104",
        "ASY105",
        "ASY106",
        "ASY107",
        "ASY108",
        "ASY109",
        "ASY110",
        "ASY111",
        "ASY112",
        "ASY113",
        "ASY114",
    ),
    "security": (
        "SEC101",
        "SEC102",
        "SEC103",
        "SEC104",
        "SEC105",
        "SEC106",
        "SEC107",
        "SEC108",
        "SEC109",
        "SEC110",
    ),
    "pydantic": (
        "PYD101",
        "PYD102",
        "PYD103",
        "PYD104",
        "PYD105",
        "PYD106",
        "PYD107",
        "PYD108",
        "PYD109",
        "PYD110",
    ),
    "dependencies": ("DEP101", "DEP102"),
    "auth": ("LIB101", "LIB104"),
    "database": ("DBS101", "DBS102", "DBS103", "DBS104", "DBS105", "LIB103"),
    "migrations": ("MIG101", "MIG102", "MIG103", "MIG104"),
    "docs": (
        "DOC101",
        "DOC102",
        "DOC103",
        "RTE101",
        "RTE102",
        "RTE103",
        "RTE104",
        "RTE105",
        "RTE106",
        "RTE107",
        "RTE108",
        "RTE109",
    ),
    "tests": ("LIB102", "TST101", "TST102", "TST103", "TST104"),
    "tooling": (
        "PIN101",
        "PIN102",
        "PIN103",
        "PIN104",
        "PIN105",
        "PIN106",
        "PIN107",
        "PIN108",
        "PIN109",
        "PIN110",
        "PIN111",
        "SET101",
        "SET102",
        "SET103",
        "TLG101",
        "TLG102",
    ),
}

# Scan problems (a file that does not parse, cannot be read, ...) teach no practice.
IN_NO_AREA = ("SCN001", "SCN002", "SCN003")


def test_every_learn_area_holds_exactly_its_pinned_rules() -> None:
    assert {area.key: tuple(r.id for r in rules_for(area)) for area in AREAS} == AREA_RULES


def test_every_rule_is_in_one_learn_area_except_the_scan_problems() -> None:
    placed = [rule_id for ids in AREA_RULES.values() for rule_id in ids]
    assert len(placed) == len(set(placed))
    assert sorted(placed + list(IN_NO_AREA)) == sorted(all_rules())


def test_every_family_in_the_table_has_rules_and_every_rule_a_family() -> None:
    prefixes = [family.prefix for family in TABLE]
    assert len(prefixes) == len(set(prefixes))
    assert all(re.fullmatch(r"[A-Z]{3}", prefix) for prefix in prefixes)
    assert sorted(prefixes) == sorted({prefix_of(rule_id) for rule_id in all_rules()})


def test_every_rule_names_a_learn_area_that_exists() -> None:
    keys = {area.key for area in AREAS}
    for rule in all_rules().values():
        if prefix_of(rule.id) == "SCN":
            assert rule.learn_area_key() == "", rule.id
        else:
            assert rule.learn_area_key() in keys, rule.id


def test_a_rule_names_its_area_only_when_its_family_has_another() -> None:
    # An override equal to the family's own area would hide which rules really differ.
    for rule in all_rules().values():
        if rule.learn_area:
            assert rule.learn_area != BY_PREFIX[prefix_of(rule.id)].learn_area, rule.id


def test_every_learn_area_a_family_names_exists() -> None:
    keys = {area.key for area in AREAS}
    assert {family.learn_area for family in TABLE} - {""} <= keys
