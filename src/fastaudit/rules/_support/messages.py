"""Source text as messages quote it."""

from __future__ import annotations


# --------------------------------------------------------------------- shared message help
def one_line(text: str, limit: int = 0) -> str:
    """Source text shown in a message: on one line, and shortened when asked."""
    flat = " ".join(text.split())
    if limit and len(flat) > limit:
        return flat[: limit - 3].rstrip() + "..."
    return flat
