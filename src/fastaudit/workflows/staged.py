"""``--skip-unstaged``: the fixing pre-commit hook never edits work that is not staged.

A file whose working tree differs from the index holds changes the user chose not to
commit yet; rewriting it would mix a fix into them. Untracked files are not being
committed either. Both are left alone, and the caller says so.
"""

from __future__ import annotations

from pathlib import Path

from fastaudit.project.since import SinceError, _git


class StagedError(Exception):
    """The index cannot be compared with the working tree; the message says why."""


def unstaged_paths(root: Path) -> set[str]:
    """Paths (relative to ``root``) with unstaged changes, or untracked."""
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except SinceError as exc:
        raise StagedError(
            f"{root} is not inside a git repository; --skip-unstaged needs one"
        ) from exc
    try:
        # -z: names exactly as stored, whatever characters they hold.
        modified = _git(root, "diff", "--no-ext-diff", "--name-only", "-z", "--relative")
        untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    except SinceError as exc:
        raise StagedError(f"git could not list unstaged changes: {exc}") from exc
    return {p for p in (*modified.split("\0"), *untracked.split("\0")) if p}
