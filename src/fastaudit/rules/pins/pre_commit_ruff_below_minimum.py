"""PIN111: the ruff pre-commit hook's `rev` below the minimum."""

from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.version import InvalidVersion, Version

from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Edit, Finding, Fix, Safety, Severity
from fastaudit.project.deps import DependencySet, Matrix, Where
from fastaudit.rules._support.config_files import read_pre_commit_repos
from fastaudit.rules.pins._shared import PinRule

RUFF_HOOK_REPOS = ("astral-sh/ruff-pre-commit", "charliermarsh/ruff-pre-commit")
_TAG = re.compile(r"^(v?)(\d+(?:\.\d+){0,2})$")


def ruff_tag(minimum: Version, prefix: str) -> str:
    """The release tag for ``minimum`` as ruff-pre-commit writes its tags (three parts),
    with the ``v`` the file already uses, or not."""
    parts = [*minimum.release, 0, 0][:3]
    return prefix + ".".join(str(p) for p in parts)


class PreCommitRuffBelowMinimum(PinRule):
    id = "PIN111"
    name = "pre-commit-ruff-below-minimum"
    title = "ruff pre-commit hook below the minimum"
    severity = Severity.WARNING
    fix_safety = (
        "Unsafe: the hook then runs a newer ruff, whose formatter style and default "
        "rules may change files on the next commit; run it over the project once."
    )
    rationale = """
    `.pre-commit-config.yaml` pins the ruff its hooks run with `rev:`, apart from any
    ruff the project declares: a hook left at an old tag checks and formats with that
    old ruff, whatever `pyproject.toml` says, so contributors and CI disagree with
    editors. Below the matrix's minimum the hook lacks the stable formatter and the
    rules and settings the rest of the project's configuration expects (an unknown
    rule code or setting is an error to an old ruff). The finding points at the
    `rev:` of the `astral-sh/ruff-pre-commit` (or the older
    `charliermarsh/ruff-pre-commit`) entry; the fix writes the minimum's tag in the
    file's own style (`v0.6.0`). A `rev` that is a commit hash is left alone (its
    release cannot be told without the network); `pre-commit autoupdate` moves every
    hook to its newest tag. No peer checks hook versions against a minimum.
    """
    dont = """
    repos:
      - repo: https://github.com/astral-sh/ruff-pre-commit
        rev: v0.1.9
        hooks:
          - id: ruff
            args: [--fix]
          - id: ruff-format
    """
    do = """
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
    dont_fixed_files = {".pre-commit-config.yaml": do}

    def check(self, view: ProjectView, deps: DependencySet, matrix: Matrix) -> Iterator[Finding]:
        minimum = matrix.minimums.get("ruff")
        if minimum is None:
            return
        for path in view.other_files:
            if path.rpartition("/")[2] != ".pre-commit-config.yaml":
                continue
            source = view.read_text(path)
            if source is None:
                continue
            text = source.text
            repos = [
                r
                for r in read_pre_commit_repos(text)
                if r.url.rstrip("/").removesuffix(".git").endswith(RUFF_HOOK_REPOS)
            ]
            unread = [r.line for r in repos if not r.rev]
            if "ruff-pre-commit" in text and not repos:
                line = text.count("\n", 0, text.index("ruff-pre-commit")) + 1
                unread.append(line)
            for line in unread:
                view.warnings.append(
                    f"{path}:{line}: the ruff hook's `rev:` could not be read (not block-style "
                    "YAML?); its version was not checked"
                )
            for repo in repos:
                if not repo.rev:
                    continue
                tag = _TAG.match(repo.rev)
                if tag is None:
                    continue  # a commit hash or a branch: not judged
                try:
                    version = Version(tag.group(2))
                except InvalidVersion:
                    continue
                if version >= minimum.version:
                    continue
                new = ruff_tag(minimum.version, tag.group(1))
                line_start = text.rfind("\n", 0, repo.rev_start) + 1
                column = repo.rev_start - line_start + 1
                where = Where(
                    path,
                    repo.rev_line,
                    column,
                    repo.rev_line,
                    column + len(repo.rev),
                    repo.rev_start,
                    repo.rev_end,
                )
                fix = Fix(
                    f"Raise the hook to `rev: {new}`",
                    Safety.UNSAFE,
                    (Edit(repo.rev_start, repo.rev_end, new),),
                    note="the newer ruff may reformat or report code the old one passed",
                )
                yield self.at(
                    view,
                    where,
                    f"the ruff hook pins ruff {version} (`rev: {repo.rev}`), below the minimum "
                    f"{minimum.version}; raise it to `{new}`",
                    fix,
                )
