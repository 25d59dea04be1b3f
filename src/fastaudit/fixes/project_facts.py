"""What fixes need to know about the project beyond one file: its import style, and
whether any file names a module attribute in a string (``mock.patch("app.svc.time")``).

Both are read once per scan result and kept beside it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastaudit.audit.scan import ScanResult
from fastaudit.fixes.tidy import DEFAULT_LINE_LENGTH, ImportStyle
from fastaudit.project.source import SourceError, read_bytes
from fastaudit.rules._support.config_files import read_ini, read_pre_commit_hooks

# id(result) -> (the result, its facts). One scan at a time is fixed; keeping the result
# itself in the entry stops a new object from reusing a dead one's id.
_STYLES: dict[int, tuple[ScanResult, ImportStyle]] = {}
_TEXTS: dict[int, tuple[ScanResult, str]] = {}


def import_style(result: ScanResult) -> ImportStyle:
    cached = _STYLES.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    _STYLES.clear()
    style = ImportStyle(first_party=_first_party(result), line_length=_line_length(result.root))
    _STYLES[id(result)] = (result, style)
    return style


# Files that make their folder a project root for ruff (its ``src`` is resolved there).
_PROJECT_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml")


def _first_party(result: ScanResult) -> frozenset[str]:
    """Top-level names importable from a project root or its ``src`` folder (ruff's
    default ``src = [".", "src"]``). Each folder holding a ``pyproject.toml`` or
    ``ruff.toml`` is a project root for the files below it, as for ruff: in a monorepo
    (``server/pyproject.toml``, ``server/polar/...``) ``polar`` is first-party."""
    roots = {""}
    if result.discovery is not None:
        for other in result.discovery.other_files:
            folder, _, name = other.rpartition("/")
            if name in _PROJECT_FILES:
                roots.add(folder)
    for name in (".ruff.toml", "ruff.toml"):
        for found in result.root.glob(f"*/{name}"):
            roots.add(found.parent.name)
    names: set[str] = set()
    for path in result.files:
        for root in roots:
            if root and not path.startswith(root + "/"):
                continue
            parts = path[len(root) + 1 :].split("/") if root else path.split("/")
            names.add(parts[0].removesuffix(".py"))
            if parts[0] == "src" and len(parts) > 1:
                names.add(parts[1].removesuffix(".py"))
    return frozenset(n for n in names if n.isidentifier())


def long_line_limit(result: ScanResult) -> LineLimit | None:
    """The line length the project's linters hold it to (see ``_long_line_limit``), or
    None when none reports long lines. A safe fix must not be what makes a line too
    long."""
    cached = _LIMITS.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    _LIMITS.clear()
    limit = _long_line_limit(result.root)
    _LIMITS[id(result)] = (result, limit)
    return limit


@dataclass(frozen=True, slots=True)
class LineLimit:
    length: int
    checker: str  # what holds the project to it: "ruff E501", "black", ...


_LIMITS: dict[int, tuple[ScanResult, LineLimit | None]] = {}


def flags_password_defaults(result: ScanResult) -> bool:
    """Whether ruff holds this project to S105 (hard-coded password strings): then a
    fix must not turn ``secret: str = Field(default="x")`` into ``secret: str = "x"``,
    which S105 reports and the ``Field`` call hid."""
    cached = _S105.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    _S105.clear()
    selected = ruff_selects(result.root, "S105")
    _S105[id(result)] = (result, selected)
    return selected


_S105: dict[int, tuple[ScanResult, bool]] = {}


def _ruff_tables(root: Path) -> Iterator[dict[str, Any]]:
    """The project's ruff settings tables, in the order ruff looks for them: ruff.toml,
    .ruff.toml, then pyproject's ``[tool.ruff]``."""
    for name, table in (
        ("ruff.toml", ()),
        (".ruff.toml", ()),
        ("pyproject.toml", ("tool", "ruff")),
    ):
        try:
            data = tomllib.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, MemoryError):
            continue
        for key in table:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if isinstance(data, dict) and data:
            yield data


def _long_line_limit(root: Path) -> LineLimit | None:
    """The shortest line length a linter of the project reports long lines past:
    ruff's E501, flake8's E501. Seen on real code (realworld-nsidnev, flake8 at 88
    columns and no ruff): a fix wrote a 101-character line. A formatter's line length
    does not hold a fix back: the formatter re-wraps the line itself
    (``formatter_line_limit``)."""
    limits: list[LineLimit] = []
    if ruff_selects(root, "E501"):
        limits.append(LineLimit(_line_length(root), "ruff E501"))
    flake8 = _flake8_line_length(root)
    if flake8 is not None:
        limits.append(LineLimit(flake8, "flake8 E501"))
    return min(limits, key=lambda limit: limit.length) if limits else None


def formatter_line_limit(root: Path, path: str = "") -> LineLimit | None:
    """The line length of the formatter the project uses for ``path``, if any; its
    ``checker`` names the command. The settings are the nearest folder's above the file
    (a monorepo's ``server/pyproject.toml``), up to the root: ``ruff format`` where a
    ``[format]`` table, a ``ruff-format`` pre-commit hook, or a task or Makefile running
    ``ruff format`` says so (polar runs it from a task in ``server/pyproject.toml``);
    black where ``[tool.black]`` or a black hook does."""
    hooks = _pre_commit_hook_ids(root)
    folder = (root / path).parent if path else root
    while True:
        found = _folder_formatter(folder, root, hooks)
        if found is not None or folder == root or root not in folder.parents:
            return found
        folder = folder.parent


def _folder_formatter(folder: Path, root: Path, hooks: set[str]) -> LineLimit | None:
    """The formatter the settings in ``folder`` give (None: none there)."""
    texts = []
    for name in ("pyproject.toml", "Makefile", "justfile", "tox.ini", "noxfile.py"):
        try:
            texts.append((folder / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    runs_ruff_format = any("ruff format" in text for text in texts)
    has_ruff = next(_ruff_tables(folder), None) is not None
    if (has_ruff or folder == root) and (
        runs_ruff_format or _ruff_format_table(folder) or "ruff-format" in hooks
    ):
        return LineLimit(_line_length(folder), "ruff format")
    black = _black_line_length(folder, hooks if folder == root else set())
    if black is not None:
        return LineLimit(black, "black")
    return None


def _pre_commit_hook_ids(root: Path) -> set[str]:
    try:
        text = (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {hook.hook_id for hook in read_pre_commit_hooks(text)}


def _ruff_format_table(root: Path) -> bool:
    """Whether the ruff settings configure its formatter (``[format]``)."""
    data = next(_ruff_tables(root), None)
    return isinstance(data, dict) and isinstance(data.get("format"), dict)


def _black_line_length(root: Path, hooks: set[str]) -> int | None:
    """black's line length where the project uses black: a ``[tool.black]`` table or
    a black pre-commit hook (its default is 88)."""
    table = _pyproject_tool(root, "black")
    if table is None and not hooks & {"black", "black-jupyter"}:
        return None
    value = (table or {}).get("line-length", (table or {}).get("line_length"))
    return value if isinstance(value, int) and value > 0 else 88


def _pyproject_tool(root: Path, name: str) -> dict[str, Any] | None:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, MemoryError):
        return None
    table = data.get("tool", {}).get(name)
    return table if isinstance(table, dict) else None


def _flake8_line_length(root: Path) -> int | None:
    """flake8's ``max-line-length`` (79 unless set) where a ``[flake8]`` section exists
    (``.flake8``, ``setup.cfg``, ``tox.ini``, the first that has one, as flake8 reads
    them) and E501 is not ignored there."""
    for name in (".flake8", "setup.cfg", "tox.ini"):
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        ini = read_ini(text)
        if "flake8" not in ini.sections:
            continue
        ignored = " ".join(
            entry.full
            for key in ("ignore", "extend-ignore", "extend_ignore")
            if (entry := ini.get("flake8", key)) is not None
        )
        if any(code in ignored.replace(",", " ").split() for code in ("E501", "E50", "E5", "E")):
            return None
        for key in ("max-line-length", "max_line_length"):
            entry = ini.get("flake8", key)
            if entry is not None and entry.value.strip().isdigit():
                return int(entry.value.strip())
        return 79
    return None


def ruff_selects(root: Path, code: str) -> bool:
    """Whether the project's ruff settings select ``code`` (itself, a prefix of it, or
    ``ALL``) and do not ignore it. The first settings table found is ruff's, as ruff
    reads them; per-file ignores are not read (a fix is held back the more often)."""
    data = next(_ruff_tables(root), None)
    if data is None:
        return False
    lint = data.get("lint", {})
    lint = lint if isinstance(lint, dict) else {}
    chosen: list[str] = []
    ignored: list[str] = []
    for source in (data, lint):
        for key, into in (("select", chosen), ("extend-select", chosen), ("ignore", ignored)):
            value = source.get(key, [])
            if isinstance(value, list):
                into.extend(str(v) for v in value)
    return any(c == "ALL" or code.startswith(c) for c in chosen) and not any(
        code.startswith(c) for c in ignored
    )


def _line_length(root: Path) -> int:
    """ruff's ``line-length`` where the project sets it (ruff.toml, .ruff.toml or
    pyproject's ``[tool.ruff]``), else ruff's default."""
    for data in _ruff_tables(root):
        value = data.get("line-length")
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_LINE_LENGTH


def mentioned_in_project(result: ScanResult, dotted: str) -> bool:
    """Whether some Python file of the project holds ``dotted`` (a ``mock.patch``
    target, an import string). Files that cannot be read are out of the audit and are
    not searched either."""
    cached = _TEXTS.get(id(result))
    if cached is None or cached[0] is not result:
        _TEXTS.clear()
        chunks: list[str] = []
        for other in result.files:
            try:
                data = read_bytes(result.root / other, result.config.max_file_size)
            except SourceError:
                continue
            chunks.append(data.decode("utf-8", "replace"))
        cached = _TEXTS[id(result)] = (result, "\n".join(chunks))
    return dotted in cached[1]
