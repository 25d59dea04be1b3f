"""Helpers the rule tests share: source as written in a test, a small project written to a
folder, and the findings or fix of the rules under test. Test modules import them
(``from .conftest import ...``), as the TUI tests do with theirs."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Collection
from pathlib import Path

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_source
from fastaudit.model import Finding


def code(text: str) -> str:
    """A triple-quoted source in a test as a file holds it: dedented, its first line the
    one after the opening quotes."""
    return textwrap.dedent(text).lstrip("\n")


def _ids(rules: str | Collection[str]) -> list[str]:
    return [rules] if isinstance(rules, str) else list(rules)


def found(text: str, rules: str | Collection[str], path: str = "example.py") -> list[Finding]:
    """The findings of ``rules`` (one id or several) in ``text`` read as the file ``path``."""
    ids = _ids(rules)
    return [f for f in check_source(code(text), path, ids) if f.rule in ids]


def fixed(text: str, rules: str | Collection[str], *, unsafe: bool = True) -> str:
    """``text`` after the fixes of ``rules`` (unsafe ones too unless told otherwise, as
    ``fix_source`` does); the result must still parse."""
    result = fix_source(code(text), _ids(rules), unsafe=unsafe)
    ast.parse(result)
    return result


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (each text through :func:`code`)."""
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code(text), encoding="utf-8")
    return root


def project_findings(root: Path, rule: str) -> list[Finding]:
    """The findings of one rule when the project at ``root`` is scanned for it alone."""
    return [f for f in scan(root, Config(select=[rule])).findings if f.rule == rule]
