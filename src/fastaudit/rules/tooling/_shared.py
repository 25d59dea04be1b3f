"""What a project configures for linting and formatting, folder by folder: the legacy
tools (black, isort, autoflake, flake8 and its plugins) and ruff. TLG101 and TLG102
read the same scan, so a configuration is judged by one of them only."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from packaging.version import Version

from fastaudit.project.deps.model import normalize
from fastaudit.rules._support.config_files import Hook, read_ini, read_pre_commit_hooks

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

LEGACY_TOOLS = ("black", "isort", "autoflake", "flake8")

# flake8 plugins (as named in additional_dependencies) and the ruff prefix replacing them.
FLAKE8_PLUGINS = {
    "flake8-bugbear": "B",
    "flake8-comprehensions": "C4",
    "flake8-simplify": "SIM",
    "pep8-naming": "N",
    "flake8-bandit": "S",
    "flake8-docstrings": "D",
    "flake8-quotes": "Q",
    "flake8-print": "T20",
    "flake8-pytest-style": "PT",
    "flake8-annotations": "ANN",
    "flake8-builtins": "A",
    "flake8-return": "RET",
    "flake8-tidy-imports": "TID",
    "flake8-debugger": "T10",
    "flake8-eradicate": "ERA",
    "flake8-commas": "COM",
    "flake8-errmsg": "EM",
    "flake8-pie": "PIE",
    "flake8-use-pathlib": "PTH",
    "flake8-async": "ASYNC",
    "flake8-isort": "I",
    "flake8-fixme": "FIX",
    "flake8-2020": "YTT",
    "flake8-blind-except": "BLE",
    "flake8-boolean-trap": "FBT",
    "flake8-datetimez": "DTZ",
    "flake8-implicit-str-concat": "ISC",
    "flake8-import-conventions": "ICN",
    "flake8-logging-format": "G",
    "flake8-no-pep420": "INP",
    "flake8-pyi": "PYI",
    "flake8-raise": "RSE",
    "flake8-self": "SLF",
    "flake8-slots": "SLOT",
    "flake8-todos": "TD",
    "flake8-unused-arguments": "ARG",
    "flake8-executable": "EXE",
    "flake8-django": "DJ",
    "pandas-vet": "PD",
    "tryceratops": "TRY",
}
# flake8 plugins ruff does not implement, with the code prefix each reports under: a
# flake8 that runs them is replaced by ruff only in part.
UNCOVERED_PLUGINS = {
    "wemake-python-styleguide": "WPS",
    "flake8-rst-docstrings": "RST",
    "darglint": "DAR",
    "flake8-cognitive-complexity": "CCR",
    "flake8-expression-complexity": "ECE",
    "flake8-variables-names": "VNE",
}
_UNCOVERED_PREFIX = {prefix: plugin for plugin, prefix in UNCOVERED_PLUGINS.items()}
_CODE_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "per-file-ignores",
    "extend-per-file-ignores",
    "enable-extensions",
)
# flake8 codes ruff does not implement (or only in preview): not carried over.
_NOT_IN_RUFF = frozenset({"W503", "W504", "E203"})

HOOK_TOOLS = {
    "black": "black",
    "black-jupyter": "black",
    "isort": "isort",
    "flake8": "flake8",
    "autoflake": "autoflake",
}
RUFF_HOOKS = frozenset({"ruff", "ruff-format", "ruff-check"})


def runs_ruff(hook: Hook) -> bool:
    """A hook of ruff's own repository (or a mirror), or a local one whose entry runs
    ruff (``entry: uv run ruff check``)."""
    return hook.hook_id in RUFF_HOOKS or "ruff" in hook.repo or hook.command == "ruff"


def legacy_tool(hook: Hook) -> str | None:
    """The legacy tool a hook runs: by its id, or for a local hook, by its entry."""
    tool = HOOK_TOOLS.get(hook.hook_id)
    if tool is None and hook.repo == "local":
        tool = HOOK_TOOLS.get(hook.command)
    return tool


_INI_SECTIONS = {
    "setup.cfg": {
        "flake8": "flake8",
        "isort": "isort",
        "tool:isort": "isort",
        "autoflake": "autoflake",
    },
    "tox.ini": {"flake8": "flake8", "isort": "isort", "tool:isort": "isort"},
    ".flake8": {"flake8": "flake8"},
    ".isort.cfg": {"settings": "isort", "isort": "isort"},
}
_RUFF_REQUIREMENT = re.compile(r"^\s*ruff\b", re.MULTILINE)
_TOML_RUFF_DEPENDENCY = re.compile(r"""["']ruff\b|^\s*ruff\s*=""", re.MULTILINE)


@dataclass(slots=True)
class Sighting:
    tool: str
    path: str
    line: int
    where: str  # "[tool.black]", "hook `flake8`"
    hook_id: str = ""  # the pre-commit hook's id, when the sighting is a hook


@dataclass(slots=True)
class Folder:
    """What one folder (a project root) configures."""

    sightings: list[Sighting] = field(default_factory=list)
    ruff: bool = False
    line_length: int | None = None
    formatter_line_length: int | None = None
    plugins: set[str] = field(default_factory=set)
    # Plugins ruff does not implement -> what shows flake8 runs them here.
    uncovered: dict[str, list[str]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    complexity: bool = False
    # Ruff's configuration here selects the import-sorting rules (`"I"`, or `"ALL"`).
    ruff_sorts_imports: bool = False

    def runs(self, plugin: str, evidence: str) -> None:
        seen = self.uncovered.setdefault(plugin, [])
        if evidence not in seen:
            seen.append(evidence)


def _selects_imports(ruff: dict[str, object]) -> bool:
    """Whether a ruff configuration (``[tool.ruff]`` or a ``ruff.toml``) selects the
    import-sorting rules: ``"I"``, ``"I001"`` or ``"ALL"`` in ``select`` or
    ``extend-select``, at the top or under ``lint``."""
    tables = [ruff, ruff.get("lint")]
    for table in tables:
        if not isinstance(table, dict):
            continue
        for key in ("select", "extend-select"):
            codes = table.get(key)
            if isinstance(codes, list) and any(
                isinstance(code, str) and (code == "ALL" or code.startswith("I")) for code in codes
            ):
                return True
    return False


def folder_of(path: str) -> str:
    return path.rpartition("/")[0]


def _header_line(text: str, table: str) -> int:
    pattern = re.compile(rf"^[ \t]*\[{re.escape(table)}(?:\.[^\]]*)?\]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _codes(value: str) -> list[str]:
    """The codes of a flake8 list, one or several lines, comments left out."""
    return [
        code
        for line in value.splitlines()
        for code in re.split(r"[\s,]+", line.split("#", 1)[0])
        if code
    ]


def _uncovered(code: str) -> str | None:
    """The plugin ruff lacks that reports ``code`` (``WPS306``), if any."""
    match = re.match(r"[A-Z]+", code)
    return _UNCOVERED_PREFIX.get(match.group()) if match else None


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class LinterConfigs:
    """Every folder's linter configuration (``folders``, keyed by folder path) and
    whether any pre-commit configuration runs a ruff hook."""

    def __init__(self, project: ProjectView) -> None:
        self.folders: dict[str, Folder] = {}
        self.ruff_hook = False
        folders = self.folders
        for path in project.other_files:
            name = path.rpartition("/")[2]
            if name == "pyproject.toml":
                self._pyproject(project, path, folders.setdefault(folder_of(path), Folder()))
            elif name in _INI_SECTIONS:
                self._ini(project, path, name, folders.setdefault(folder_of(path), Folder()))
            elif name == ".pre-commit-config.yaml":
                folder = folders.setdefault(folder_of(path), Folder())
                self.ruff_hook |= self._pre_commit(project, path, folder)
            elif name in ("ruff.toml", ".ruff.toml"):
                folder = folders.setdefault(folder_of(path), Folder())
                folder.ruff = True
                source = project.read_text(path)
                if source is not None:
                    try:
                        data = tomllib.loads(source.text)
                    except (tomllib.TOMLDecodeError, RecursionError, MemoryError):
                        data = {}
                    folder.ruff_sorts_imports |= _selects_imports(data)
            elif name.startswith("requirements"):
                source = project.read_text(path)
                if source is not None and _RUFF_REQUIREMENT.search(source.text):
                    folders.setdefault(folder_of(path), Folder()).ruff = True

    # ------------------------------------------------------------ readers
    def _pyproject(self, project: ProjectView, path: str, folder: Folder) -> None:
        source = project.read_text(path)
        if source is None:
            return
        try:
            data = tomllib.loads(source.text)
        except (tomllib.TOMLDecodeError, RecursionError, MemoryError):
            return
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            return
        if "ruff" in tool or _TOML_RUFF_DEPENDENCY.search(source.text):
            folder.ruff = True
        ruff = tool.get("ruff")
        if isinstance(ruff, dict):
            folder.ruff_sorts_imports |= _selects_imports(ruff)
        for name in LEGACY_TOOLS:
            settings = tool.get(name)
            if not isinstance(settings, dict):
                continue
            line = _header_line(source.text, f"tool.{name}")
            folder.sightings.append(Sighting(name, path, line, f"`[tool.{name}]`"))
            if name == "black":
                folder.formatter_line_length = _int(settings.get("line-length", 88))
            elif name == "isort":
                folder.line_length = folder.line_length or _int(settings.get("line_length", ""))
            elif name == "flake8":
                self._flake8_settings(folder, {k: str(v) for k, v in settings.items()})

    def _ini(self, project: ProjectView, path: str, name: str, folder: Folder) -> None:
        source = project.read_text(path)
        if source is None:
            return
        ini = read_ini(source.text)
        for section, tool in _INI_SECTIONS[name].items():
            line = ini.sections.get(section)
            if line is None:
                continue
            folder.sightings.append(Sighting(tool, path, line, f"`[{section}]` in {name}"))
            values = {e.key: e.full for e in ini.entries if e.section == section}
            if tool == "flake8":
                self._flake8_settings(folder, values)
            elif tool == "isort":
                folder.line_length = folder.line_length or _int(values.get("line_length", ""))
        if name in ("setup.cfg", "tox.ini") and "tool:ruff" in ini.sections:
            folder.ruff = True

    def _flake8_settings(self, folder: Folder, values: dict[str, str]) -> None:
        values = {key.replace("_", "-"): value for key, value in values.items()}
        length = _int(values.get("max-line-length", ""))
        if length:
            folder.line_length = length
        for key in ("extend-ignore", "ignore"):
            for code in _codes(values.get(key, "")):
                # Codes of plugins ruff lacks mean nothing to ruff: not carried over.
                if code not in _NOT_IN_RUFF and code not in folder.ignore and not _uncovered(code):
                    folder.ignore.append(code)
        if values.get("max-complexity"):
            folder.complexity = True
        if values.get("format", "").strip() == "wemake":
            folder.runs("wemake-python-styleguide", "`format = wemake`")
        for key in _CODE_KEYS:
            for code in _codes(values.get(key, "")):
                plugin = _uncovered(code)
                # ``ignore = RST`` turns a whole plugin off; ``ignore = WPS306`` leaves
                # the rest of it running.
                disabled = key.endswith("ignore") and code in _UNCOVERED_PREFIX
                if plugin and not disabled:
                    folder.runs(plugin, f"{UNCOVERED_PLUGINS[plugin]} codes")

    def _pre_commit(self, project: ProjectView, path: str, folder: Folder) -> bool:
        source = project.read_text(path)
        if source is None:
            return False
        ruff = False
        for hook in read_pre_commit_hooks(source.text):
            if runs_ruff(hook):
                ruff = True
                continue
            tool = legacy_tool(hook)
            if tool is None:
                continue
            folder.sightings.append(
                Sighting(tool, path, hook.line, f"pre-commit hook `{hook.hook_id}`", hook.hook_id)
            )
            if tool == "flake8":
                for dependency in hook.additional_dependencies:
                    plugin = re.split(r"[=<>~!\[ ]", dependency, maxsplit=1)[0].lower()
                    self._plugin(folder, plugin, f"pre-commit hook `{hook.hook_id}`")
        return ruff

    def _plugin(self, folder: Folder, name: str, evidence: str) -> None:
        name = normalize(name)
        if name in FLAKE8_PLUGINS:
            folder.plugins.add(name)
        elif name in UNCOVERED_PLUGINS:
            folder.runs(name, evidence)

    def declared_plugins(self, project: ProjectView) -> None:
        """Note the flake8 plugins among the declared (development) dependencies of a
        folder that configures flake8, or of a folder above it."""
        configured = {
            path: f
            for path, f in self.folders.items()
            if any(s.tool == "flake8" for s in f.sightings)
        }
        if not configured:
            return
        from fastaudit.project.deps.collect import collect  # the parsers: a project pass's

        deps, _ = collect(project)
        for declaration in deps.declarations:
            file = declaration.where.file
            folder_path = folder_of(file)
            for path, folder in configured.items():
                if path == folder_path or not folder_path or path.startswith(folder_path + "/"):
                    self._plugin(folder, declaration.name, f"declared in {file}")

    def sorts_imports_above(self, folder_path: str) -> bool:
        """Ruff's configuration in this folder or one it inherits from selects `"I"`."""
        return self._above(folder_path, lambda folder: folder.ruff_sorts_imports)

    def ruff_above(self, folder_path: str) -> bool:
        """Ruff configured in this folder or one it inherits from."""
        return self._above(folder_path, lambda folder: folder.ruff)

    def _above(self, folder_path: str, holds: Callable[[Folder], bool]) -> bool:
        """Whether ``holds`` for this folder or one above it, up to the root."""
        current = folder_path
        while True:
            found = self.folders.get(current)
            if found is not None and holds(found):
                return True
            if not current:
                return False
            current = current.rpartition("/")[0]


# ruff-pre-commit's ``ruff-check`` hook id exists from this tag on; before it the linter
# hook is ``ruff`` (still accepted after).
RUFF_CHECK_ID_SINCE = Version("0.11.10")


def ruff_hook_block(rev: str) -> str:
    """The ``.pre-commit-config.yaml`` entry that runs ruff's linter (with fixes) and
    formatter at ``rev`` (``v0.6.0``), with the linter hook's id that tag knows."""
    try:
        known = Version(rev.lstrip("v")) >= RUFF_CHECK_ID_SINCE
    except ValueError:
        known = False
    check = "ruff-check" if known else "ruff"
    return (
        "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        f"      - id: {check}\n"
        "        args: [--fix]\n"
        "      - id: ruff-format"
    )


def ruff_hook_rev(project: ProjectView) -> str:
    """The tag of ruff-pre-commit to propose: the matrix's ruff minimum (``v0.6.0``)."""
    from fastaudit.project.deps.collect import collect

    _, matrix = collect(project)
    minimum = matrix.minimums.get("ruff")
    version = minimum.version if minimum is not None else Version("0.6")
    return "v" + ".".join(str(part) for part in [*version.release, 0, 0][:3])
