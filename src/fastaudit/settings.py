"""The environment variables fastaudit reads, in one place (as we ask of audited apps)."""

from __future__ import annotations

import os
from datetime import date


def no_color() -> bool:
    """NO_COLOR (https://no-color.org): any non-empty value turns colour off."""
    return bool(os.environ.get("NO_COLOR"))


def cache_dir_override() -> str | None:
    """FASTAUDIT_CACHE_DIR: where the result cache, learn progress and undo journal go."""
    return os.environ.get("FASTAUDIT_CACHE_DIR") or None


def xdg_cache_home() -> str | None:
    return os.environ.get("XDG_CACHE_HOME") or None


def today() -> date:
    """The day of the audit: what has reached its end of life by then (PIN105).
    FASTAUDIT_TODAY (``YYYY-MM-DD``) fixes it, for a reproducible report or a test."""
    fixed = os.environ.get("FASTAUDIT_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            pass  # not a date: the real day, as without it
    return date.today()
