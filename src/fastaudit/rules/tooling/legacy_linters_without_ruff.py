"""TLG101 legacy-linters-without-ruff: black / isort / autoflake / flake8 configured, ruff
absent."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastaudit.model import Finding, Severity
from fastaudit.project.deps import collect, normalize
from fastaudit.rules._support.config_files import read_ini, read_pre_commit_hooks
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

LEGACY_TOOLS = ("black", "isort", "autoflake", "flake8")

# What ruff uses in place of each tool.
_EQUIVALENT = {
    "black": "`ruff format`",
    "isort": 'the `"I"` rules',
    "autoflake": 'the `"F401"`/`"F841"` fixes',
    "flake8": 'the `"E"`, `"F"` and `"W"` rules',
}
_SELECT = {"isort": ("I",), "autoflake": ("F",), "flake8": ("E", "F", "W")}

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

_HOOK_TOOLS = {
    "black": "black",
    "black-jupyter": "black",
    "isort": "isort",
    "flake8": "flake8",
    "autoflake": "autoflake",
}
_RUFF_HOOKS = frozenset({"ruff", "ruff-format", "ruff-check"})
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
class _Sighting:
    tool: str
    path: str
    line: int
    where: str  # "[tool.black]", "hook `flake8`"


@dataclass(slots=True)
class _Folder:
    """What one folder (a project root) configures."""

    sightings: list[_Sighting] = field(default_factory=list)
    ruff: bool = False
    line_length: int | None = None
    formatter_line_length: int | None = None
    plugins: set[str] = field(default_factory=set)
    # Plugins ruff does not implement -> what shows flake8 runs them here.
    uncovered: dict[str, list[str]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    complexity: bool = False

    def runs(self, plugin: str, evidence: str) -> None:
        seen = self.uncovered.setdefault(plugin, [])
        if evidence not in seen:
            seen.append(evidence)


def _folder(path: str) -> str:
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


class LegacyLintersWithoutRuff(ProjectRule):
    id = "TLG101"
    name = "legacy-linters-without-ruff"
    title = "black / isort / autoflake / flake8 configured, ruff absent"
    severity = Severity.INFO
    rationale = """
    Ruff replaces black (`ruff format`), isort (the `I` rules), autoflake (`F401`,
    `F841` with fixes) and flake8 with most of its plugins, from one configuration and
    one fast binary, and fixes much of what it reports. Four tools mean four configs to
    keep in step (line length, first-party packages) and slower hooks. Each finding
    points at one place a legacy tool is configured (pyproject.toml, setup.cfg,
    tox.ini, .flake8, .isort.cfg or a pre-commit hook) in a folder where ruff is not
    configured, and proposes the ruff settings that carry the same choices over:
    line length, the rule prefixes of the flake8 plugins in use, and ignored codes.
    When flake8 runs plugins ruff does not implement (wemake-python-styleguide,
    darglint, flake8-rst-docstrings...: seen in `format = wemake`, their codes, the
    declared dependencies or the pre-commit hook), the finding names them: ruff then
    replaces only part of flake8, and their codes are not carried over.
    """
    dont = """
    # pyproject.toml
    [tool.black]
    line-length = 100

    [tool.isort]
    profile = "black"
    """
    do = """
    # pyproject.toml
    [tool.ruff]
    line-length = 100

    [tool.ruff.lint]
    select = ["E", "F", "W", "I"]
    """
    dont_files = {
        "pyproject.toml": """
            [project]
            name = "shop"
            version = "1.0"

            [tool.black]
            line-length = 100

            [tool.isort]
            profile = "black"
            """,
        ".flake8": """
            [flake8]
            max-line-length = 100
            extend-ignore = E203, W503
            """,
    }
    do_files = {
        "pyproject.toml": """
            [project]
            name = "shop"
            version = "1.0"

            [tool.ruff]
            line-length = 100

            [tool.ruff.lint]
            select = ["E", "F", "W", "I"]
            """,
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        folders: dict[str, _Folder] = {}
        ruff_hook = False
        for path in project.other_files:
            name = path.rpartition("/")[2]
            if name == "pyproject.toml":
                self._pyproject(project, path, folders.setdefault(_folder(path), _Folder()))
            elif name in _INI_SECTIONS:
                self._ini(project, path, name, folders.setdefault(_folder(path), _Folder()))
            elif name == ".pre-commit-config.yaml":
                folder = folders.setdefault(_folder(path), _Folder())
                ruff_hook |= self._pre_commit(project, path, folder)
            elif name in ("ruff.toml", ".ruff.toml"):
                folders.setdefault(_folder(path), _Folder()).ruff = True
            elif name.startswith("requirements"):
                source = project.read_text(path)
                if source is not None and _RUFF_REQUIREMENT.search(source.text):
                    folders.setdefault(_folder(path), _Folder()).ruff = True
        if ruff_hook:
            return []
        self._declared_plugins(project, folders)
        findings = []
        for folder_path, folder in sorted(folders.items()):
            if not folder.sightings or self._ruff_above(folder_path, folders):
                continue
            suggestion = self._suggestion(folder)
            for sighting in folder.sightings:
                head = f"{sighting.tool} is configured here ({sighting.where}) and ruff is not"
                if sighting.tool == "flake8" and folder.uncovered:
                    plugins = " and ".join(
                        f"{plugin} ({', '.join(evidence)})"
                        for plugin, evidence in folder.uncovered.items()
                    )
                    them = "it" if len(folder.uncovered) == 1 else "them"
                    # Kept short: past MESSAGE_LIMIT the suggestion moves to the detail.
                    covers = (
                        "ruff replaces only its core checks and the plugins it implements, "
                        f"not {plugins}: keep flake8 for {them} or drop those checks"
                    )
                else:
                    covers = f"ruff covers it with {_EQUIVALENT[sighting.tool]}"
                findings.append(
                    project.finding(
                        self,
                        sighting.path,
                        sighting.line,
                        f"{head}; {covers}. Suggested: {suggestion}",
                    )
                )
        return findings

    # ------------------------------------------------------------ readers
    def _pyproject(self, project: ProjectView, path: str, folder: _Folder) -> None:
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
        for name in LEGACY_TOOLS:
            settings = tool.get(name)
            if not isinstance(settings, dict):
                continue
            line = _header_line(source.text, f"tool.{name}")
            folder.sightings.append(_Sighting(name, path, line, f"`[tool.{name}]`"))
            if name == "black":
                folder.formatter_line_length = _int(settings.get("line-length", 88))
            elif name == "isort":
                folder.line_length = folder.line_length or _int(settings.get("line_length", ""))
            elif name == "flake8":
                self._flake8_settings(folder, {k: str(v) for k, v in settings.items()})

    def _ini(self, project: ProjectView, path: str, name: str, folder: _Folder) -> None:
        source = project.read_text(path)
        if source is None:
            return
        ini = read_ini(source.text)
        for section, tool in _INI_SECTIONS[name].items():
            line = ini.sections.get(section)
            if line is None:
                continue
            folder.sightings.append(_Sighting(tool, path, line, f"`[{section}]` in {name}"))
            values = {e.key: e.full for e in ini.entries if e.section == section}
            if tool == "flake8":
                self._flake8_settings(folder, values)
            elif tool == "isort":
                folder.line_length = folder.line_length or _int(values.get("line_length", ""))
        if name in ("setup.cfg", "tox.ini") and "tool:ruff" in ini.sections:
            folder.ruff = True

    def _flake8_settings(self, folder: _Folder, values: dict[str, str]) -> None:
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

    def _pre_commit(self, project: ProjectView, path: str, folder: _Folder) -> bool:
        source = project.read_text(path)
        if source is None:
            return False
        ruff = False
        for hook in read_pre_commit_hooks(source.text):
            if hook.hook_id in _RUFF_HOOKS or "ruff" in hook.repo:
                ruff = True
                continue
            tool = _HOOK_TOOLS.get(hook.hook_id)
            if tool is None:
                continue
            folder.sightings.append(
                _Sighting(tool, path, hook.line, f"pre-commit hook `{hook.hook_id}`")
            )
            if tool == "flake8":
                for dependency in hook.additional_dependencies:
                    plugin = re.split(r"[=<>~!\[ ]", dependency, maxsplit=1)[0].lower()
                    self._plugin(folder, plugin, f"pre-commit hook `{hook.hook_id}`")
        return ruff

    def _plugin(self, folder: _Folder, name: str, evidence: str) -> None:
        name = normalize(name)
        if name in FLAKE8_PLUGINS:
            folder.plugins.add(name)
        elif name in UNCOVERED_PLUGINS:
            folder.runs(name, evidence)

    def _declared_plugins(self, project: ProjectView, folders: dict[str, _Folder]) -> None:
        """flake8 plugins among the declared (development) dependencies of a folder that
        configures flake8, or of a folder above it."""
        configured = {
            path: f for path, f in folders.items() if any(s.tool == "flake8" for s in f.sightings)
        }
        if not configured:
            return
        deps, _ = collect(project)
        for declaration in deps.declarations:
            file = declaration.where.file
            folder_path = _folder(file)
            for path, folder in configured.items():
                if path == folder_path or not folder_path or path.startswith(folder_path + "/"):
                    self._plugin(folder, declaration.name, f"declared in {file}")

    # ------------------------------------------------------------ results
    def _ruff_above(self, folder_path: str, folders: dict[str, _Folder]) -> bool:
        """Ruff configured in this folder or one it inherits from."""
        current = folder_path
        while True:
            found = folders.get(current)
            if found is not None and found.ruff:
                return True
            if not current:
                return False
            current = current.rpartition("/")[0]

    def _suggestion(self, folder: _Folder) -> str:
        tools = {s.tool for s in folder.sightings}
        select: list[str] = []
        for tool in sorted(tools):
            for prefix in _SELECT.get(tool, ()):
                if prefix not in select:
                    select.append(prefix)
        select = [p for p in ("E", "F", "W", "I") if p in select]
        if "flake8" in tools and folder.complexity:
            select.append("C90")
        for plugin in sorted(folder.plugins):
            prefix = FLAKE8_PLUGINS[plugin]
            if prefix not in select:
                select.append(prefix)
        parts = []
        length = folder.formatter_line_length or folder.line_length
        if length and length != 88:
            parts.append(f"`[tool.ruff] line-length = {length}`")
        if select:
            quoted = ", ".join(f'"{p}"' for p in select)
            # Without flake8, keep ruff's default rules and add to them.
            key = "select" if "flake8" in tools else "extend-select"
            parts.append(f"`[tool.ruff.lint] {key} = [{quoted}]`")
        if folder.ignore:
            quoted = ", ".join(f'"{c}"' for c in folder.ignore)
            parts.append(f"`ignore = [{quoted}]`")
        if "black" in tools:
            parts.append("run `ruff format` instead of black")
        return "; ".join(parts) if parts else "`ruff check` and `ruff format` with defaults"
