"""The rule registry: every ``Rule`` subclass in a module of this package, found on import.

Adding a rule is adding a module (a class) to its family's package; nothing else needs
editing, unless it starts a new family: that is a row in ``families.py``. Modules are found
at any depth, so a family can be a package of one-rule modules.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from fastaudit.redirects import canonical
from fastaudit.rules.base import Rule
from fastaudit.rules.families import FAMILIES, prefix_of

_ID = re.compile(r"^[A-Z]{3}\d{3}$")
_NOT_RULE_MODULES = {f"{__name__}.base", f"{__name__}.families"}


@cache
def all_rules() -> dict[str, type[Rule]]:
    """Every rule by id, in id order."""
    for module in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        if module.name not in _NOT_RULE_MODULES:
            importlib.import_module(module.name)
    found: dict[str, type[Rule]] = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.id:
            continue  # an abstract helper base
        if not _ID.match(cls.id) or prefix_of(cls.id) not in FAMILIES:
            raise ValueError(f"rule {cls.__name__} has a malformed id {cls.id!r}")
        if cls.id in found and found[cls.id] is not cls:
            raise ValueError(
                f"rule id {cls.id} is used by {found[cls.id].__name__} and {cls.__name__}"
            )
        found[cls.id] = cls
    return dict(sorted(found.items()))


def get_rule(rule_id: str) -> type[Rule] | None:
    """A rule by its id or its name (``ASY102``, ``blocking-sleep-in-async``), in any
    case, as ruff's ``rule`` command accepts both. A code that moved (``DOC105``) finds
    the rule under its new code."""
    rules = all_rules()
    key = rule_id.strip()
    if found := rules.get(canonical(key)):
        return found
    by_name = {rule.name: rule for rule in rules.values()}
    return by_name.get(key.lower().replace("_", "-"))


def similar_rules(query: str, limit: int = 3) -> list[type[Rule]]:
    """Rules whose id or name is close to a mistyped ``query``, closest first."""
    import difflib

    rules = all_rules()
    keys = {r.id.lower(): r for r in rules.values()} | {r.name: r for r in rules.values()}
    key = query.strip().lower().replace("_", "-")
    matches = difflib.get_close_matches(key, list(keys), n=limit * 2, cutoff=0.6)
    chosen: list[type[Rule]] = []
    for match in matches:
        if keys[match] not in chosen:
            chosen.append(keys[match])
    return chosen[:limit]


__all__ = ["FAMILIES", "Rule", "all_rules", "get_rule", "similar_rules"]
