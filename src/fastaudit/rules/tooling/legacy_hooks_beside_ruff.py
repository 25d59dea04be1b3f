"""TLG102 legacy-hooks-beside-ruff: black / isort / flake8 / autoflake pre-commit hooks in
a project that already uses ruff."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from packaging.version import Version

from fastaudit.model import Finding, Severity
from fastaudit.rules._support.config_files import (
    Hook,
    read_pre_commit_hooks,
    read_pre_commit_repos,
)
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.tooling._shared import (
    FLAKE8_PLUGINS,
    RUFF_HOOKS,
    UNCOVERED_PLUGINS,
    LinterConfigs,
    folder_of,
    legacy_tool,
    ruff_hook_block,
    ruff_hook_rev,
    runs_ruff,
)

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# What does each tool's job in ruff, and which ruff hook runs it.
_REPLACED_BY = {
    "black": ("`ruff format`", "ruff-format"),
    "isort": ('the `"I"` rules of `ruff check --fix`', "check"),
    "autoflake": ("`ruff check --fix` (`F401`, `F841`)", "check"),
    "flake8": ("`ruff check`", "check"),
}
# Repositories that hold those hooks, for telling a file the line reader could not read.
_LEGACY_REPOS = re.compile(
    r"psf/black|ambv/black|black-pre-commit-mirror|pycqa/isort|mirrors-isort|"
    r"pycqa/flake8|/autoflake",
    re.IGNORECASE,
)
_TAG = re.compile(r"^v?\d+(\.\d+){0,2}$")


class LegacyHooksBesideRuff(ProjectRule):
    id = "TLG102"
    name = "legacy-hooks-beside-ruff"
    title = "black / isort / flake8 / autoflake pre-commit hooks where ruff is used"
    severity = Severity.INFO
    rationale = """
    Once a project uses ruff (a ruff pre-commit hook, `[tool.ruff]`, `ruff.toml`, or
    ruff among its dependencies), the black, isort, flake8 and autoflake hooks left in
    `.pre-commit-config.yaml` do again what ruff does: `ruff format` formats as black
    does, the `I` rules sort imports, `ruff check --fix` removes unused imports and
    reports flake8's codes and most plugins'. Each extra hook is another tool to pin
    and configure in step, and two tools doing one job can disagree: isort and ruff's
    `I` rules with different settings rewrite each other's import blocks, and a commit
    never settles. Each finding points at one hook; its detail shows the
    `astral-sh/ruff-pre-commit` entry that takes its place (at the rev of the ruff
    entry already there, else at the minimum of the version matrix). A flake8 hook
    running plugins ruff does not implement (wemake-python-styleguide, darglint...)
    is left alone. A hook of the project's own environment (`repo: local`) counts by
    the program its `entry` runs (`uv run ruff check`, `.venv/bin/black`). Where ruff
    is not used at all, TLG101 reports the same hooks with
    the same entry. There is no automatic fix: ruff's formatter and import sorter do
    not give byte-identical output, so the switch reformats files and is a change to
    review. No peer checks hooks against each other.
    """
    dont = """
    # .pre-commit-config.yaml
    repos:
      - repo: https://github.com/astral-sh/ruff-pre-commit
        rev: v0.6.0
        hooks:
          - id: ruff
            args: [--fix]
      - repo: https://github.com/psf/black
        rev: 24.8.0
        hooks:
          - id: black
      - repo: https://github.com/pycqa/isort
        rev: 5.13.2
        hooks:
          - id: isort
    """
    do = """
    # .pre-commit-config.yaml
    repos:
      - repo: https://github.com/astral-sh/ruff-pre-commit
        rev: v0.6.0
        hooks:
          - id: ruff
            args: [--fix]
          - id: ruff-format
    """
    dont_files = {".pre-commit-config.yaml": dont}
    do_files = {".pre-commit-config.yaml": do}

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        configs: LinterConfigs | None = None
        findings: list[Finding] = []
        for path in project.other_files:
            if path.rpartition("/")[2] != ".pre-commit-config.yaml":
                continue
            source = project.read_text(path)
            if source is None:
                continue
            text = source.text
            hooks = read_pre_commit_hooks(text)
            legacy = [h for h in hooks if legacy_tool(h) is not None and not _uncovered(h)]
            if not legacy:
                match = _LEGACY_REPOS.search(text)
                if match and not any(legacy_tool(h) is not None for h in hooks):
                    line = text.count("\n", 0, match.start()) + 1
                    project.warnings.append(
                        f"{path}:{line}: the hooks of this repository could not be read "
                        "(not block-style YAML?); they were not checked"
                    )
                continue
            configs = configs or LinterConfigs(project)
            here = [h for h in hooks if runs_ruff(h)]
            if not (here or configs.ruff_hook or configs.ruff_above(folder_of(path))):
                continue  # ruff is not used: TLG101's finding
            block = ruff_hook_block(_newer(_rev(text), ruff_hook_rev(project)))
            sorts_imports = configs.sorts_imports_above(folder_of(path))
            for hook in legacy:
                findings.append(self._finding(project, path, hook, here, block, sorts_imports))
        return findings

    def _finding(
        self,
        project: ProjectView,
        path: str,
        hook: Hook,
        here: list[Hook],
        block: str,
        sorts_imports: bool,
    ) -> Finding:
        tool = legacy_tool(hook)
        assert tool is not None  # only legacy hooks are reported
        does, kind = _REPLACED_BY[tool]
        runs = [h for h in here if _runs(h, kind)]
        if runs and tool == "isort" and not (sorts_imports or _selects_imports(runs[0])):
            # Ruff's default rules leave imports alone: the hook runs, the job does not.
            where = (
                f"the `{runs[0].hook_id}` hook on line {runs[0].line} runs ruff, but its "
                'rules leave imports unsorted until `"I"` is selected (`extend-select = '
                '["I"]` under `[tool.ruff.lint]`)'
            )
        elif runs:
            where = f"the `{runs[0].hook_id}` hook on line {runs[0].line} already runs it"
        elif here and here[0].repo == "local":
            command = "ruff format" if kind == "ruff-format" else "ruff check --fix"
            where = (
                f"add a local hook running `{command}` beside the `{here[0].hook_id}` hook "
                f"(line {here[0].line})"
            )
        elif here:
            where = f"add `ruff-format` to the ruff entry of this file (line {here[0].line})"
            if kind == "check":
                where = f"add a `ruff` check hook to the ruff entry (line {here[0].line})"
        else:
            where = "the project already uses ruff: run it from this file"
        message = f"the `{hook.hook_id}` hook runs {tool}, which {does} replaces; {where}"
        if tool == "isort" and not runs:
            message += ' (with `"I"` among the selected rules)'
        elif tool == "flake8" and hook.additional_dependencies:
            prefixes = sorted(
                {
                    FLAKE8_PLUGINS[name]
                    for dependency in hook.additional_dependencies
                    if (name := _name(dependency)) in FLAKE8_PLUGINS
                }
            )
            if prefixes:
                message += f" (select {', '.join(f'`{p}`' for p in prefixes)} for its plugins)"
        finding = project.finding(self, path, hook.line, message)
        detail = (
            f"{message}.\n\nRemove the `{hook.hook_id}` hook; this entry runs ruff's linter "
            f"with fixes and its formatter:\n{block}"
        )
        return replace(finding, detail=detail)


def _runs(hook: Hook, kind: str) -> bool:
    if hook.hook_id in RUFF_HOOKS:
        return (
            hook.hook_id == "ruff-format"
            if kind == "ruff-format"
            else hook.hook_id != "ruff-format"
        )
    if hook.command != "ruff":
        return False
    # A local hook: ``ruff format`` formats; ``ruff check`` (or an old ``ruff .``) lints.
    words = hook.entry.split()
    at = next(i for i, word in enumerate(words) if word.rpartition("/")[2] == "ruff")
    formats = words[at + 1 : at + 2] == ["format"]
    return formats if kind == "ruff-format" else not formats


def _selects_imports(hook: Hook) -> bool:
    """A ruff hook told on its command line to sort imports (``--select I``, ``--extend-
    select=I001``): its ``args`` are not read, so only a local hook's entry can say."""
    words = hook.entry.replace("=", " ").split()
    return any(
        word in ("--select", "--extend-select")
        and index + 1 < len(words)
        and any(code.startswith("I") or code == "ALL" for code in words[index + 1].split(","))
        for index, word in enumerate(words)
    )


def _name(dependency: str) -> str:
    return re.split(r"[=<>~!\[ ]", dependency, maxsplit=1)[0].lower().replace("_", "-")


def _uncovered(hook: Hook) -> bool:
    """A flake8 hook running a plugin ruff does not implement: flake8 still has a job."""
    return legacy_tool(hook) == "flake8" and any(
        _name(d) in UNCOVERED_PLUGINS for d in hook.additional_dependencies
    )


def _newer(rev: str, minimum: str) -> str:
    """The file's own ruff rev, unless it is below the minimum (PIN111 reports that)."""
    if not rev:
        return minimum
    return rev if Version(rev.lstrip("v")) >= Version(minimum.lstrip("v")) else minimum


def _rev(text: str) -> str:
    """The release tag of this file's ruff-pre-commit entry, when it has one."""
    for repo in read_pre_commit_repos(text):
        if repo.url.rstrip("/").removesuffix(".git").endswith("/ruff-pre-commit") and _TAG.match(
            repo.rev
        ):
            return repo.rev if repo.rev.startswith("v") else "v" + repo.rev
    return ""
