"""Which rules a configuration selects, and which selectors name real rules.

Here rather than in ``config``: the answer needs the rule registry, and configuration
sits below the rules (``load_config`` takes ``is_known_selector`` as its check).
"""

from __future__ import annotations

from fastaudit.config import Config, matches_selector
from fastaudit.rules import FAMILIES, all_rules


def enabled_rules(config: Config) -> list[str]:
    """Ids of the rules that run, after select / extend-select / ignore."""
    rules = all_rules()
    chosen = {
        rule_id
        for rule_id, rule in rules.items()
        if any(matches_selector(sel, rule_id) for sel in config.select)
        and (rule.default_enabled or any(sel == rule_id for sel in config.select))
    }
    chosen |= {r for r in rules if any(matches_selector(sel, r) for sel in config.extend_select)}
    chosen -= {r for r in rules if any(matches_selector(sel, r) for sel in config.ignore)}
    # Scan problems (unreadable files) are always worth knowing about unless
    # explicitly ignored.
    chosen |= {
        r
        for r in rules
        if r.startswith("SCN") and not any(matches_selector(sel, r) for sel in config.ignore)
    }
    return sorted(chosen)


def is_known_selector(selector: str) -> bool:
    """Whether ``selector`` (``ALL``, a rule id, a prefix of one, a family) names a rule."""
    selector = selector.upper()
    if selector == "ALL":
        return True
    return any(rule_id.startswith(selector) for rule_id in all_rules()) or selector in FAMILIES
