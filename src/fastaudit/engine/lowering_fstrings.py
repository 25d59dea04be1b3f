"""PEP 701 f-strings lowered by reading the text, without LibCST.

Python 3.12 lets an f-string's fields hold what older f-strings could not: the string's
own quotes (``f"{row["name"]}"``), a backslash, a comment, a line break in a one-line
string. LibCST's grammars read them, but its parse of a statement costs a tenth of a
second and more, and importing it another tenth: a modern code base audited on Python
3.11 would pay that for every such file. This reads the strings themselves, one pass
over the text, and makes the same edits as LibCST's lowering (``lowering_cst``): such a
field becomes ``{_}``, on the same lines. What it cannot read with certainty (a template
string, an unterminated string) it leaves to LibCST, and what it gives is parsed before
it is trusted (``lowering``).
"""

from __future__ import annotations

import re

from fastaudit.project.source import LINE_END

# (start offset, end offset, replacement) in the text.
OffsetEdit = tuple[int, int, str]

# Where code outside strings may hold something to read: a comment or a string's quote.
_CODE_MARK = re.compile(r"[#'\"]")
# A string prefix (any case): what may stand right before the quote.
_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf"})
_TEMPLATE_PREFIXES = frozenset({"t", "tr", "rt"})
_IDENTIFIER = re.compile(r"\w")


class _Unreadable(Exception):
    """A string this reader cannot settle: LibCST decides."""


def fstring_edits(text: str) -> list[OffsetEdit] | None:
    """The edits lowering the f-string fields of ``text`` an older parser rejects; None
    when the text holds a string this reader leaves to LibCST (a template string, a
    string left open)."""
    reader = _Reader(text)
    try:
        reader.code()
    except _Unreadable:
        return None
    return reader.edits


def code_spans(text: str) -> list[tuple[int, int]] | None:
    """The (start, end) offsets of the stretches of ``text`` that are code, between its
    strings and comments; None when the text holds a string this reader cannot settle."""
    spans: list[tuple[int, int]] = []
    try:
        _Reader(text).code(spans)
    except _Unreadable:
        return None
    return spans


def apply_offset_edits(text: str, edits: list[OffsetEdit]) -> str:
    pieces: list[str] = []
    position = 0
    for start, end, new in sorted(edits):
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.edits: list[OffsetEdit] = []

    # ------------------------------------------------------------------ code
    def code(self, spans: list[tuple[int, int]] | None = None) -> None:
        """Read the module's code: comments skipped, each string read to its end.
        ``spans``, when given, gets the (start, end) of each stretch of code between."""
        text = self.text
        position = 0
        while True:
            match = _CODE_MARK.search(text, position)
            if match is None:
                if spans is not None:
                    spans.append((position, len(text)))
                return
            start = match.start()
            if spans is not None:
                spans.append((position, start))
            if match.group() == "#":
                position = _line_end(text, start)
                continue
            position = self.string(start, lowering=True)

    def string(self, quote_at: int, *, lowering: bool) -> int:
        """Read the string whose quote is at ``quote_at`` (its prefix before it); the
        offset after it. ``lowering``: whether its fields are this module's to lower (a
        string at the top level of the code; a nested one goes with its field)."""
        text = self.text
        begin = quote_at
        while begin > 0 and text[begin - 1].isalpha():
            begin -= 1
        prefix = text[begin:quote_at].lower()
        if begin > 0 and _IDENTIFIER.match(text[begin - 1]):
            prefix = "?"  # the letters end a longer name: not a prefix
        if prefix in _TEMPLATE_PREFIXES:
            raise _Unreadable  # a template string: lowered to a call, by the other paths
        if prefix not in _PREFIXES:
            prefix = ""  # a keyword right before the quote (``if"x"in y``)
        quote = text[quote_at : quote_at + 3]
        if quote not in ('"""', "'''"):
            quote = text[quote_at]
        if "f" in prefix:
            return self.fstring(quote_at + len(quote), quote, "r" in prefix, lowering=lowering)
        return self.plain(quote_at + len(quote), quote)

    def plain(self, position: int, quote: str) -> int:
        """The offset after a string without fields that opened before ``position``."""
        text = self.text
        triple = len(quote) == 3
        size = len(text)
        while position < size:
            char = text[position]
            if char == "\\":
                position = _escaped(text, position)  # even raw, it keeps a quote in
                continue
            if text.startswith(quote, position):
                return position + len(quote)
            if not triple and char in "\r\n":
                raise _Unreadable  # an unterminated one-line string
            position += 1
        raise _Unreadable

    # -------------------------------------------------------------- f-strings
    def fstring(self, position: int, quote: str, raw: bool, *, lowering: bool) -> int:
        """The offset after an f-string's text that starts at ``position``; its fields
        an older parser rejects are lowered when ``lowering``."""
        text = self.text
        size = len(text)
        triple = len(quote) == 3
        while position < size:
            char = text[position]
            if char == "\\":
                position = _fstring_escape(text, position, raw)
                continue
            if char == "{":
                if text.startswith("{{", position):
                    position += 2
                    continue
                end = self.field(position + 1)
                if lowering:
                    self.lower_field(position, end, quote)
                position = end
                continue
            if char == "}":
                position += 2 if text.startswith("}}", position) else 1
                continue
            if text.startswith(quote, position):
                return position + len(quote)
            if not triple and char in "\r\n":
                raise _Unreadable
            position += 1
        raise _Unreadable

    def field(self, position: int) -> int:
        """The offset after the ``}`` closing the field whose expression starts at
        ``position``: its expression (brackets, strings and comments in it), then a
        format spec, whose own fields nest."""
        text = self.text
        size = len(text)
        depth = 0
        while position < size:
            char = text[position]
            if char in "'\"":
                position = self.string(position, lowering=False)
                continue
            if char == "#":
                position = _line_end(text, position)
                continue
            if char in "([{":
                depth += 1
            elif char in ")]":
                depth -= 1
            elif char == "}":
                if depth == 0:
                    return position + 1
                depth -= 1
            elif char == ":" and depth == 0:
                return self.format_spec(position + 1)
            elif char == "!" and depth == 0 and not text.startswith("!=", position):
                position += 1  # a conversion (``!r``): a spec or the end follows
                continue
            position += 1
        raise _Unreadable

    def format_spec(self, position: int) -> int:
        """The offset after the ``}`` ending a field whose format spec starts at
        ``position`` (``>{width}``: nested fields in it)."""
        text = self.text
        size = len(text)
        while position < size:
            char = text[position]
            if char == "{":
                position = self.field(position + 1)
                continue
            if char == "}":
                return position + 1
            if char == "\\":
                position = _fstring_escape(text, position, raw=True)
                continue
            position += 1
        raise _Unreadable

    def lower_field(self, start: int, end: int, quote: str) -> None:
        """``{...}`` from ``start`` to ``end``: to ``{_}`` when an older f-string cannot
        hold it (its string's quote, a backslash, a comment, a line break in a one-line
        string), its lines kept, as LibCST's lowering does."""
        inner = self.text[start + 1 : end - 1]
        triple = len(quote) == 3
        breaks = len(LINE_END.findall(inner))
        if not (quote[0] in inner or "\\" in inner or "#" in inner or (not triple and breaks)):
            return
        if triple:
            self.edits.append((start, end, "{_" + "\n" * breaks + "}"))
        else:
            self.edits.append((start, end, "{_}" + " \\\n" * breaks))


def _fstring_escape(text: str, backslash: int, raw: bool) -> int:
    """Where reading an f-string's text goes on after a backslash: past a named
    character (``\\N{DASH}``, not raw), before a brace (a backslash does not escape one:
    ``\\{x}`` is a backslash and a field), else past the character it escapes."""
    if not raw and text.startswith("N{", backslash + 1):
        close = text.find("}", backslash)
        if close == -1:
            raise _Unreadable
        return close + 1
    if text.startswith(("{", "}"), backslash + 1):
        return backslash + 1
    return _escaped(text, backslash)


def _escaped(text: str, backslash: int) -> int:
    """The offset after the character a backslash at ``backslash`` escapes (a line
    break ``\\r\\n`` counting as one)."""
    return backslash + (3 if text.startswith("\r\n", backslash + 1) else 2)


def _line_end(text: str, position: int) -> int:
    """The offset of the line break ending the line ``position`` is on (or the end)."""
    match = LINE_END.search(text, position)
    return match.start() if match is not None else len(text)
