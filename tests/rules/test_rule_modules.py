"""One rule per module, each in its family's package (issue 13 §3): adding a rule is
adding one module, and a reader finds a rule's code from its id and name alone."""

from __future__ import annotations

import ast
import pkgutil
from collections import defaultdict
from pathlib import Path

import fastaudit.rules
from fastaudit.rules import all_rules
from fastaudit.rules.families import BY_PREFIX, TABLE, prefix_of

RULES_DIR = Path(fastaudit.rules.__file__).parent


def test_each_rule_lives_in_the_module_named_after_it_in_its_family_package() -> None:
    for rule in all_rules().values():
        family = BY_PREFIX[prefix_of(rule.id)]
        expected = f"fastaudit.rules.{family.package}.{rule.name.replace('-', '_')}"
        assert rule.__module__ == expected, f"{rule.id} is in {rule.__module__}, not {expected}"


def test_each_rule_module_holds_exactly_one_rule() -> None:
    by_module: dict[str, list[str]] = defaultdict(list)
    for rule in all_rules().values():
        by_module[rule.__module__].append(rule.id)
    crowded = {module: ids for module, ids in by_module.items() if len(ids) > 1}
    assert crowded == {}


def test_every_public_module_of_a_family_package_is_a_rule() -> None:
    modules = {rule.__module__ for rule in all_rules().values()}
    for family in TABLE:
        package = RULES_DIR / family.package
        assert (package / "__init__.py").is_file(), f"{family.prefix} has no package {package}"
        for info in pkgutil.iter_modules([str(package)]):
            if info.name.startswith("_"):
                continue  # the family's shared helpers
            name = f"fastaudit.rules.{family.package}.{info.name}"
            assert name in modules, f"{name} defines no rule: helpers go in _shared.py"


def test_no_rule_module_imports_another_family() -> None:
    packages = {family.package for family in TABLE}
    for family in TABLE:
        for path in (RULES_DIR / family.package).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if parts[:2] == ["fastaudit", "rules"] and len(parts) > 2:
                        other = parts[2]
                        assert other == family.package or other not in packages, (
                            f"{path.relative_to(RULES_DIR)} imports {node.module}: "
                            "helpers several families share go in rules/_support/"
                        )
