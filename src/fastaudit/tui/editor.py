"""The command that opens a file at a line in the person's editor ($VISUAL / $EDITOR)."""

from __future__ import annotations

import shlex
import shutil
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


def editor_problem(command: list[str], env: Mapping[str, str]) -> str:
    """Why ``command`` cannot start ("" when it can): checked before the terminal is handed
    over, so a missing or misspelled editor is an error message, not a blank screen."""
    if shutil.which(command[0], path=env.get("PATH")) is not None:
        return ""
    source = "$VISUAL" if env.get("VISUAL") else "$EDITOR" if env.get("EDITOR") else "default"
    if source == "default":
        return f"No editor: {command[0]} is not installed and neither $VISUAL nor $EDITOR is set."
    return f"{source} names {command[0]}, which is not an installed program."
