"""TLG101 legacy-linters-without-ruff: black / isort / autoflake / flake8 configured, ruff
absent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from fastaudit.model import Finding, Severity
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.tooling._shared import (
    FLAKE8_PLUGINS,
    Folder,
    LinterConfigs,
    ruff_hook_block,
    ruff_hook_rev,
)

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# What ruff uses in place of each tool.
_EQUIVALENT = {
    "black": "`ruff format`",
    "isort": 'the `"I"` rules',
    "autoflake": 'the `"F401"`/`"F841"` fixes',
    "flake8": 'the `"E"`, `"F"` and `"W"` rules',
}
_SELECT = {"isort": ("I",), "autoflake": ("F",), "flake8": ("E", "F", "W")}


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
        configs = LinterConfigs(project)
        if configs.ruff_hook:
            return []
        configs.declared_plugins(project)
        findings = []
        block = ""
        for folder_path, folder in sorted(configs.folders.items()):
            if not folder.sightings or configs.ruff_above(folder_path):
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
                message = f"{head}; {covers}. Suggested: {suggestion}"
                finding = project.finding(self, sighting.path, sighting.line, message)
                if sighting.hook_id:
                    # A hook: the entry to put in its place (TLG102's, once ruff is used).
                    block = block or ruff_hook_block(ruff_hook_rev(project))
                    detail = f"{message}.\n\nIn .pre-commit-config.yaml, in its place:\n{block}"
                    finding = replace(finding, detail=detail)
                findings.append(finding)
        return findings

    def _suggestion(self, folder: Folder) -> str:
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
