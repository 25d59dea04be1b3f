"""The rule registry: every ``Rule`` subclass in a module of this package, found on import.

Adding a rule is adding a class to a family module (or a new module here); nothing else
needs editing.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from fastaudit.rules.base import FAMILIES, Rule

_ID = re.compile(r"^[A-Z]{3}\d{3}$")
_NOT_RULE_MODULES = {"base"}


@cache
def all_rules() -> dict[str, type[Rule]]:
    """Every rule by id, in id order."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_RULE_MODULES:
            importlib.import_module(f"{__name__}.{module.name}")
    found: dict[str, type[Rule]] = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.id:
            continue  # an abstract helper base
        if not _ID.match(cls.id) or cls.id[:3] not in FAMILIES:
            raise ValueError(f"rule {cls.__name__} has a malformed id {cls.id!r}")
        if cls.id in found and found[cls.id] is not cls:
            raise ValueError(
                f"rule id {cls.id} is used by {found[cls.id].__name__} and {cls.__name__}"
            )
        found[cls.id] = cls
    return dict(sorted(found.items()))


def get_rule(rule_id: str) -> type[Rule] | None:
    return all_rules().get(rule_id.upper())


__all__ = ["FAMILIES", "Rule", "all_rules", "get_rule"]
