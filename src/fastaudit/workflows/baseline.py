"""Baselines: adopt fastaudit on a legacy codebase without drowning in old findings.

``fastaudit baseline`` records the current findings; later runs report only new ones.
``check`` applies the baseline by itself when it is at the project root under its default
name, or where ``[tool.fastaudit] baseline`` says. Entries are keyed by rule, file and
the text of the flagged code (not its line number), so code moving up or down keeps its
entry; the same text flagged twice in one file is told apart by its occurrence order.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastaudit import __version__
from fastaudit.model import Finding
from fastaudit.project.source import SourceError, decode, read_bytes
from fastaudit.redirects import REDIRECTS

FORMAT = 1
DEFAULT_NAME = ".fastaudit-baseline.json"


class BaselineError(Exception):
    """The baseline file cannot be used; the message says why."""


def _code_text(root: Path, finding: Finding, cache: dict[str, list[str] | None]) -> str:
    lines = cache.get(finding.path)
    if finding.path not in cache:
        try:
            lines = decode(read_bytes(root / finding.path)).lines
        except (SourceError, OSError):
            lines = None
        cache[finding.path] = lines
    if not lines:
        return finding.message
    first, last = finding.span.line, finding.span.end_line
    return "\n".join(line.strip() for line in lines[first - 1 : last])


def fingerprints(
    root: Path, findings: list[Finding], renamed: dict[str, str] | None = None
) -> list[str]:
    """One stable key per finding, in the order given. ``renamed`` (current code -> an
    old code) computes the keys a baseline written before those rules moved holds."""
    cache: dict[str, list[str] | None] = {}
    seen: Counter[tuple[str, str, str]] = Counter()
    keys = []
    for finding in findings:
        text = _code_text(root, finding, cache)
        rule = (renamed or {}).get(finding.rule, finding.rule)
        base = (rule, finding.path, text)
        seen[base] += 1
        material = "\x00".join([*base, str(seen[base])])
        keys.append(hashlib.sha256(material.encode("utf-8")).hexdigest()[:24])
    return keys


def write_baseline(root: Path, findings: list[Finding], target: Path) -> int:
    entries = [
        {"key": key, "rule": f.rule, "path": f.path, "line": f.span.line}
        for key, f in zip(fingerprints(root, findings), findings, strict=True)
    ]
    payload = {"version": FORMAT, "tool": f"fastaudit {__version__}", "findings": entries}
    temp = target.with_name(target.name + ".tmp")
    temp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    temp.replace(target)
    return len(entries)


@dataclass(slots=True)
class BaselineResult:
    new: list[Finding]
    known: int  # findings still present and baselined
    fixed: int  # baselined findings no longer present


def apply_baseline(root: Path, findings: list[Finding], baseline: Path) -> BaselineResult:
    try:
        data = json.loads(baseline.read_text(encoding="utf-8"))
        keys = {entry["key"] for entry in data["findings"]}
        if data.get("version") != FORMAT:
            raise BaselineError(f"{baseline}: unsupported baseline version {data.get('version')}")
    except OSError as exc:
        raise BaselineError(f"{baseline}: cannot read it ({exc.strerror})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BaselineError(
            f"{baseline}: not a fastaudit baseline file; write one with `fastaudit baseline`"
        ) from exc
    current = fingerprints(root, findings)
    matched = [key in keys for key in current]
    # A baseline written before a rule moved to another family holds keys made with its
    # old code: those findings are known too.
    for old, moved_to in REDIRECTS.items():
        if any(f.rule == moved_to for f in findings):
            for index, key in enumerate(fingerprints(root, findings, {moved_to: old})):
                if findings[index].rule == moved_to and key in keys and not matched[index]:
                    matched[index] = True
                    current[index] = key
    new = [f for hit, f in zip(matched, findings, strict=True) if not hit]
    still = keys & {key for hit, key in zip(matched, current, strict=True) if hit}
    return BaselineResult(new=new, known=len(still), fixed=len(keys - still))


def default_target(root: Path, configured: str | None) -> Path:
    """Where ``fastaudit baseline`` writes, and where ``check`` looks for it."""
    return root / (configured or DEFAULT_NAME)


def find_baseline(root: Path, configured: str | None) -> tuple[Path | None, str | None]:
    """The baseline ``check`` applies without being told, and a warning if the one
    ``[tool.fastaudit] baseline`` names is missing (a typo must not silently show
    every old finding, nor silently hide them)."""
    path = default_target(root, configured)
    if path.is_file():
        return path, None
    if configured:
        return None, (
            f"[tool.fastaudit] baseline `{configured}` does not exist; "
            "`fastaudit baseline` writes it"
        )
    return None, None
