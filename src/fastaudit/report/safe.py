"""Showing untrusted text (file names, source code) literally.

Audited files may contain terminal escape sequences or Rich markup. Output never
interprets them: control characters are shown as visible escapes, and text is passed
to Rich as ``Text`` objects, never as markup strings.
"""

from __future__ import annotations

_CONTROL = {
    c: f"\\x{c:02x}" for c in [*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F, *range(0x80, 0xA0)]
}
_CONTROL.pop(0x0A, None)
_TABLE = str.maketrans({chr(c): v for c, v in _CONTROL.items()})
_TABLE_NO_NEWLINE = str.maketrans({**{chr(c): v for c, v in _CONTROL.items()}, "\n": "\\n"})


def literal(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character (except tab/newline) made visible."""
    return text.translate(_TABLE if keep_newlines else _TABLE_NO_NEWLINE)
