"""Helpers for the dependency-pin tests: write a project, audit it with the PIN rules,
apply fixes and compare exactly what changed."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fastaudit.audit.scan import ScanResult, scan
from fastaudit.audit.selection import is_known_selector
from fastaudit.config import load_config
from fastaudit.fixes.runner import fix_project


@dataclass
class Project:
    root: Path
    written: dict[str, str] = field(default_factory=dict)

    def write(self, files: dict[str, str | bytes]) -> Project:
        for rel, text in files.items():
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                text = textwrap.dedent(text).lstrip("\n")
                target.write_text(text, encoding="utf-8")
                self.written[rel] = text
        return self

    def scan(self, select: str = "PIN") -> ScanResult:
        config = load_config(
            self.root, is_known_selector
        )  # the project's [tool.fastaudit.matrix] applies
        config.select = [select]
        return scan(self.root, config)

    def findings(self, select: str = "PIN") -> list[tuple[str, str, int]]:
        return sorted((f.rule, f.path, f.line) for f in self.scan(select).findings)

    def messages(self, select: str = "PIN") -> dict[tuple[str, str, int], str]:
        return {(f.rule, f.path, f.line): f.message for f in self.scan(select).findings}

    def fix(self, *, unsafe: bool = False, select: str = "PIN") -> dict[str, str]:
        """Apply the fixes; return {path: new text} of the files that changed."""
        result = self.scan(select)
        report = fix_project(result, unsafe=unsafe, write=True)
        assert not report.errors, report.errors
        return {c.path: (self.root / c.path).read_text(encoding="utf-8") for c in report.changed}

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def changed_lines(self, rel: str) -> list[tuple[str, str]]:
        """(old line, new line) for each line of ``rel`` that differs from what was
        written; fixes never add or remove lines."""
        old_lines, new_lines = self.written[rel].split("\n"), self.read(rel).split("\n")
        assert len(old_lines) == len(new_lines), "a fix added or removed lines"
        return [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)
