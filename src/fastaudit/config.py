"""``[tool.fastaudit]`` in the audited project's pyproject.toml.

Every problem with the configuration becomes a warning a person can act on; a broken
pyproject.toml never stops an audit, it just means the defaults apply.

Configuration sits below the rules: whether a selector names a real rule is asked of the
caller (``load_config(root, is_known_selector)``, see ``fastaudit.audit.selection``).
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastaudit.model import Safety, Severity
from fastaudit.redirects import canonical, redirect_note

# Files larger than this are not read (``max-file-size`` changes it).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Whether a selector (``ALL``, a rule id, a prefix, a family) names a known rule.
SelectorCheck = Callable[[str], bool]

KNOWN_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "severity",
    "max-file-size",
    "matrix",
    "baseline",
    "extend-safe-fixes",
    "extend-unsafe-fixes",
    "blocking-calls",
}


@dataclass(frozen=True, slots=True)
class FixOverride:
    """A user's word on how far a rule's fixes can be trusted (ruff's
    ``extend-safe-fixes`` / ``extend-unsafe-fixes``)."""

    selector: str  # a rule id, a prefix or ALL
    safety: Safety
    origin: str  # "extend-unsafe-fixes in pyproject.toml", "--extend-safe-fixes"

    @property
    def reason(self) -> str:
        return f"marked {self.safety.value} by {self.origin}"


@dataclass(slots=True)
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_BYTES
    matrix: dict[str, Any] = field(default_factory=dict)
    # Baseline file relative to the project root (``fastaudit baseline`` writes it).
    baseline: str | None = None
    fix_overrides: list[FixOverride] = field(default_factory=list)
    # Calls the project knows block (an internal SDK): fnmatch pattern over the qualified
    # name (``acme_sdk.Client.send``) -> the async alternative to suggest, or "".
    blocking_calls: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source: str = ""  # where the settings came from, for messages

    def ignored_for(self, path: str) -> set[str]:
        """Rule ids (or prefixes) per-file-ignores turns off for a relative path."""
        ignored: set[str] = set()
        for pattern, ids in self.per_file_ignores.items():
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.rstrip("/") + "/*"):
                ignored.update(ids)
        return ignored

    def fix_override(self, rule_id: str) -> FixOverride | None:
        """The override for a rule's fixes: the most specific selector wins (``PIN101``
        over ``PIN`` over ``ALL``); between equally specific ones, unsafe wins (as in
        ruff)."""
        matching = [o for o in self.fix_overrides if matches_selector(o.selector, rule_id)]
        if not matching:
            return None
        return max(
            matching,
            key=lambda o: (
                0 if o.selector == "ALL" else len(o.selector),
                o.safety is Safety.UNSAFE,
            ),
        )


def matches_selector(selector: str, rule_id: str) -> bool:
    selector = selector.upper()
    return selector == "ALL" or rule_id.startswith(selector)


def load_config(root: Path, is_known: SelectorCheck) -> Config:
    config = Config()
    pyproject = root / "pyproject.toml"
    try:
        if not pyproject.is_file():
            return config
        outside = not pyproject.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a root we may not search; a symlink loop
        config.warnings.append(f"pyproject.toml: cannot read it ({exc}); using default settings")
        return config
    if outside:
        # A link out of the project: its target is not the project's to configure us.
        config.warnings.append(
            "pyproject.toml: symlink points outside the project; using default settings"
        )
        return config
    try:
        # utf-8-sig: editors on Windows may save the file with a byte-order mark.
        data = tomllib.loads(pyproject.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        config.warnings.append(f"pyproject.toml: cannot read it ({exc}); using default settings")
        return config
    except tomllib.TOMLDecodeError as exc:
        config.warnings.append(f"pyproject.toml is not valid TOML ({exc}); using default settings")
        return config
    except (RecursionError, MemoryError):
        config.warnings.append(
            "pyproject.toml is too deeply nested to read; using default settings"
        )
        return config
    tool = data.get("tool", {})
    table = tool.get("fastaudit") if isinstance(tool, dict) else None
    if table is None:
        return config
    config.source = "pyproject.toml [tool.fastaudit]"
    if not isinstance(table, dict):
        config.warnings.append("[tool.fastaudit] must be a table; ignoring it")
        return config
    apply_table(config, table, "[tool.fastaudit]", is_known)
    return config


def apply_table(
    config: Config,
    table: dict[str, Any],
    where: str,
    is_known: SelectorCheck,
    file: str = "pyproject.toml",
) -> None:
    for key in table:
        if key not in KNOWN_KEYS:
            config.warnings.append(f"{where}: unknown setting `{key}` (ignored)")

    def accept(selector: str, setting: str) -> str | None:
        """The selector to keep, upper-cased and moved codes redirected; ``None`` (and a
        warning) when it names no rule."""
        if (note := redirect_note(selector)) is not None:
            config.warnings.append(f"{where}: {setting}: {note}")
            return canonical(selector)
        if is_known(selector):
            return selector.upper()
        config.warnings.append(f"{where}: {setting} names unknown rule `{selector}`")
        return None

    def id_list(key: str) -> list[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            config.warnings.append(f"{where}: `{key}` must be a list of rule ids; ignoring it")
            return None
        known = []
        for selector in value:
            if (accepted := accept(selector, f"`{key}`")) is not None:
                known.append(accepted)
        return known

    if (select := id_list("select")) is not None:
        if select or not table["select"]:
            config.select = select
        else:  # nothing known was selected: checking nothing would look like a clean bill
            config.warnings.append(f"{where}: no known rule in `select`; using the default")
    if (extend := id_list("extend-select")) is not None:
        config.extend_select = extend
    if (ignore := id_list("ignore")) is not None:
        config.ignore = ignore
    for key, safety in (("extend-safe-fixes", Safety.SAFE), ("extend-unsafe-fixes", Safety.UNSAFE)):
        for selector in id_list(key) or []:
            config.fix_overrides.append(FixOverride(selector, safety, f"{key} in {file}"))
    for key in ("exclude", "extend-exclude"):
        value = table.get(key)
        if value is None:
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            config.exclude.extend(value)
        else:
            config.warnings.append(f"{where}: `{key}` must be a list of paths or patterns")
    per_file = table.get("per-file-ignores")
    if per_file is not None:
        if isinstance(per_file, dict):
            for pattern, ids in per_file.items():
                if isinstance(ids, list) and all(isinstance(i, str) for i in ids):
                    setting = f"per-file-ignores `{pattern}`"
                    # An unknown id is still kept (and warned about): it may name a rule
                    # of a newer fastaudit that shares this configuration.
                    config.per_file_ignores[pattern] = [
                        accept(i, setting) or i.upper() for i in ids
                    ]
                else:
                    config.warnings.append(
                        f"{where}: per-file-ignores `{pattern}` must be a list of rule ids"
                    )
        else:
            config.warnings.append(f"{where}: `per-file-ignores` must be a table")
    severity = table.get("severity")
    if severity is not None:
        if isinstance(severity, dict):
            for rule_id, level in severity.items():
                if (accepted := accept(rule_id, "`severity`")) is None:
                    continue
                try:
                    config.severity[accepted] = Severity(str(level).lower())
                except ValueError:
                    config.warnings.append(
                        f"{where}: severity of {rule_id} must be error, warning or info, "
                        f"not {level!r}"
                    )
        else:
            config.warnings.append(f"{where}: `severity` must be a table of rule id = level")
    size = table.get("max-file-size")
    if size is not None:
        if isinstance(size, int) and not isinstance(size, bool) and size > 0:
            config.max_file_size = size
        else:
            config.warnings.append(f"{where}: `max-file-size` must be a positive number of bytes")
    matrix = table.get("matrix")
    if isinstance(matrix, dict):
        config.matrix = matrix
    blocking = table.get("blocking-calls")
    if blocking is not None:
        _apply_blocking_calls(config, blocking, where)
    baseline = table.get("baseline")
    if baseline is not None:
        if isinstance(baseline, str) and baseline.strip():
            config.baseline = baseline
        else:
            config.warnings.append(f"{where}: `baseline` must be a file path; ignoring it")


def _apply_blocking_calls(config: Config, value: object, where: str) -> None:
    """``blocking-calls = ["acme_sdk.fetch"]``, or a table of pattern = the async
    alternative to suggest (``"acme_sdk.Client.send" = "acme_sdk.AsyncClient.send"``)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        items: list[tuple[object, object]] = [(v, "") for v in value]
    elif isinstance(value, dict):
        items = list(value.items())
    else:
        config.warnings.append(
            f"{where}: `blocking-calls` must be a list of qualified names or a table of "
            "name = async alternative; ignoring it"
        )
        return
    for pattern, alternative in items:
        if not isinstance(pattern, str) or "." not in pattern:
            config.warnings.append(
                f"{where}: blocking-calls: `{pattern}` is not a qualified name such as "
                "`acme_sdk.fetch` or `acme_sdk.Client.*`; ignoring it"
            )
        elif not isinstance(alternative, str):
            config.warnings.append(
                f"{where}: blocking-calls: the alternative for `{pattern}` must be a string"
            )
        else:
            config.blocking_calls[pattern.strip()] = alternative.strip()


def severity_for(config: Config, rule_id: str, default: Severity) -> Severity:
    """Most specific override wins: ``ASY101`` over ``ASY1`` over ``ASY``."""
    best: tuple[int, Severity] | None = None
    for selector, level in config.severity.items():
        if rule_id.startswith(selector) and (best is None or len(selector) > best[0]):
            best = (len(selector), level)
    return best[1] if best else default
