"""Rule codes that moved to another family, and where they went.

A code, once published, lives on in people's ``# noqa`` comments, ``[tool.fastaudit]``
tables, CI command lines and baselines. When a rule moves, its old code keeps working
everywhere a code is read: configuration and the command line (with a warning that names
the new code), suppression comments, ``explain`` and baselines written before the move.
ruff does the same with its remapped codes.

Data only, at the bottom layer, so configuration and the engine can both read it.
"""

from __future__ import annotations

# old code -> new code. Never remove a row: old comments and baselines outlive releases.
REDIRECTS: dict[str, str] = {
    # Not about API docs: background work that must not be lost belongs with routes...
    "DOC104": "RTE103",
    # ...and sync functions that could be async are an async question.
    "DOC105": "ASY106",
    "DOC106": "ASY107",
}


def canonical(code: str) -> str:
    """The current code for ``code`` (upper-cased); codes that did not move are unchanged."""
    code = code.upper()
    return REDIRECTS.get(code, code)


def old_codes(code: str) -> list[str]:
    """The codes that once named the rule now called ``code``."""
    return [old for old, new in REDIRECTS.items() if new == code]


def redirect_note(code: str) -> str | None:
    """A warning for a setting or option that names a moved code, else ``None``."""
    new = REDIRECTS.get(code.upper())
    if new is None:
        return None
    return f"`{code.upper()}` is now `{new}`; the old code still works, but update it"
