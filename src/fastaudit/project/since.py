"""``--since REF``: keep only findings on lines changed since a git ref.

The working tree is compared with REF (so uncommitted and untracked files count as
changed). git is run with every repository-controlled hook switched off (external diff
drivers, textconv filters, fsmonitor), so auditing a repository never runs a command
that repository chose.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fastaudit.model import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_SAFE_GIT = [
    "git",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "diff.external=",
]


class SinceError(Exception):
    """The comparison could not be made; the message tells the user what to do."""


@dataclass(slots=True)
class ChangedLines:
    # Relative POSIX path (from the audited root) -> changed line numbers; None means
    # the whole file is new.
    files: dict[str, set[int] | None]

    def touches(self, finding: Finding) -> bool:
        if finding.path not in self.files:
            return False
        lines = self.files[finding.path]
        if lines is None:
            return True
        return any(line in lines for line in range(finding.span.line, finding.span.end_line + 1))


def _git(root: Path, *args: str) -> str:
    try:
        completed = subprocess.run(
            [*_SAFE_GIT, "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise SinceError("git is not installed; --since needs it") from exc
    if completed.returncode != 0:
        raise SinceError(completed.stderr.strip() or f"git {args[0]} failed")
    return completed.stdout


def changed_lines(root: Path, ref: str) -> ChangedLines:
    root = root.resolve()
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    except SinceError as exc:
        raise SinceError(f"{root} is not inside a git repository; --since needs one") from exc
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except SinceError as exc:
        shallow = _git(root, "rev-parse", "--is-shallow-repository").strip() == "true"
        hint = (
            f" This is a shallow clone: fetch more history (git fetch --deepen=50, or "
            f"git fetch origin {ref}) and try again."
            if shallow
            else " Check the branch or commit name (git branch -a lists them)."
        )
        raise SinceError(f"git ref {ref!r} was not found.{hint}") from exc
    prefix = root.relative_to(top).as_posix() if root != top else ""
    diff = _git(
        root,
        "diff",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "--unified=0",
        "--relative" if prefix else "--no-relative",
        ref,
        "--",
        ".",
    )
    files: dict[str, set[int] | None] = {}
    current: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = None if target == "/dev/null" else target.removeprefix("b/")
            if current is not None:
                files.setdefault(current, set())
        elif current is not None and (match := _HUNK.match(line)):
            start = int(match.group(1))
            count = int(match.group(2)) if match.group(2) is not None else 1
            lines = files[current]
            if lines is not None:
                lines.update(range(start, start + count))
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", ".")
    for path in untracked.splitlines():
        if path:
            files[path] = None
    return ChangedLines(files)


def only_changed(findings: list[Finding], changes: ChangedLines) -> list[Finding]:
    return [f for f in findings if changes.touches(f)]
