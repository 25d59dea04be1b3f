"""The rule families: the one table every reader of families uses.

A rule id is its family prefix plus three digits. The registry checks each id against
this table; ``fastaudit rules``, ``explain`` and the reports show a family's name from it;
the TUI groups and counts findings by family in its order; ``fastaudit learn`` puts each
rule in its family's learn area unless the rule names another one (``Rule.learn_area``).

Data only: this module imports no rule module, so any layer can read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    prefix: str
    name: str  # shown in listings, reports and the TUI tree
    # The package under ``fastaudit.rules`` holding the family's rules, one per module.
    package: str
    # The key of the `fastaudit learn` area its rules belong to; "" when the family has
    # no area of its own and each rule names its area (or, for SCN, none applies).
    learn_area: str


# In the order families are shown: the TUI tree and the summary bar follow it.
TABLE: tuple[Family, ...] = (
    # Scan problems (a file that does not parse or cannot be read) teach no practice.
    Family("SCN", "Scan", "scan", ""),
    Family("ASY", "Async", "async_code", "async"),
    Family("SEC", "Security", "security", "security"),
    Family("DEP", "Dependencies", "dependencies", "dependencies"),
    # Library choices span areas (auth, database, tests): each LIB rule names its area.
    Family("LIB", "Libraries", "libraries", ""),
    Family("PYD", "Pydantic", "pydantic", "pydantic"),
    Family("RTE", "Routes", "routes", "docs"),
    Family("PIN", "Dependency pins", "pins", "tooling"),
    Family("STR", "Structure", "structure", "layout"),
    Family("SET", "Settings", "settings", "tooling"),
    Family("DBS", "Database", "database", "database"),
    Family("MIG", "Migrations", "migrations", "migrations"),
    Family("DOC", "API docs", "api_docs", "docs"),
    Family("TST", "Tests", "testing", "tests"),
    Family("TLG", "Tooling", "tooling", "tooling"),
)

BY_PREFIX: dict[str, Family] = {family.prefix: family for family in TABLE}

# Family prefix -> display name, in table order.
FAMILIES: dict[str, str] = {family.prefix: family.name for family in TABLE}

_RANK: dict[str, int] = {family.prefix: index for index, family in enumerate(TABLE)}


def prefix_of(rule_id: str) -> str:
    """The family prefix of a rule id: ``ASY102`` -> ``ASY``."""
    return rule_id[:3]


def name_of(prefix: str) -> str:
    """A family's display name; an unknown prefix stands for itself."""
    family = BY_PREFIX.get(prefix)
    return family.name if family is not None else prefix


def rank(prefix: str) -> int:
    """Where a family is shown among the others; unknown prefixes come last."""
    return _RANK.get(prefix, len(_RANK))
