"""The command that opens a file at a line in the person's editor ($VISUAL / $EDITOR)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

# Editors that take "FILE:LINE:COLUMN" (with their flag, if any) instead of "+LINE FILE".
_COLON_STYLE = {
    "code": ["--goto"],
    "code-insiders": ["--goto"],
    "codium": ["--goto"],
    "cursor": ["--goto"],
    "subl": [],
    "zed": [],
    "hx": [],
    "helix": [],
}


def editor_command(path: Path, line: int, column: int, env: Mapping[str, str]) -> list[str]:
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    parts = shlex.split(editor) or ["vi"]
    name = Path(parts[0]).name
    if name in _COLON_STYLE:
        return [*parts, *_COLON_STYLE[name], f"{path}:{line}:{column}"]
    return [*parts, f"+{line}", str(path)]
