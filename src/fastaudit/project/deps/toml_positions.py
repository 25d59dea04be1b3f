"""Where each value of a TOML document sits in its text.

``tomllib`` gives values but no positions, and findings must point at the exact line of
a requirement string inside a multi-line array or an inline table. This scanner walks a
document that ``tomllib`` has already accepted and records, for every value, the key
path ``tomllib`` would use (``("project", "dependencies", 3)``) and its character range.
Because the document is known to be valid, the scanner only needs to find token
boundaries, not to report errors; if it ever gets lost it raises :class:`ScanLost` and the
caller falls back to coarser positions rather than pointing at the wrong line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")


class ScanLost(Exception):
    """The scanner met something it does not understand (a scanner bug, not bad TOML)."""


@dataclass(frozen=True, slots=True)
class ValueSpan:
    """``start``/``end``: the whole value token (quotes and brackets included).
    ``inner_start``/``inner_end``: for strings, the characters between the quotes.
    ``raw``: True when those characters are exactly the string's value (no escapes,
    single-line), so an edit inside them changes the value by the same characters."""

    start: int
    end: int
    inner_start: int = -1
    inner_end: int = -1
    raw: bool = False
    quote: str = ""


@dataclass(slots=True)
class Positions:
    values: dict[Path, ValueSpan] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)  # last key token of a path


def scan_positions(text: str) -> Positions:
    return _Scanner(text).run()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out = Positions()
        # Arrays of tables seen so far: resolved path -> index of the current element.
        self.aot: dict[Path, int] = {}

    # ----------------------------------------------------------------- helpers
    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_space(self, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.pos += 1
            elif ch == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end == -1 else end
            else:
                return

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise ScanLost(f"expected {ch!r} at {self.pos}, found {self.peek()!r}")
        self.pos += 1

    # ----------------------------------------------------------------- document
    def run(self) -> Positions:
        table: Path = ()
        text = self.text
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(text):
                return self.out
            if self.peek(2) == "[[":
                self.pos += 2
                keys = self.key_parts()
                self.expect("]")
                self.expect("]")
                parent = self.resolve(keys[:-1])
                base = (*parent, keys[-1])
                index = self.aot.get(base, -1) + 1
                self.aot[base] = index
                table = (*base, index)
            elif self.peek() == "[":
                self.pos += 1
                keys = self.key_parts()
                self.expect("]")
                table = self.resolve(keys)
            else:
                keys, key_span = self.key_with_span()
                self.skip_space(newlines=False)
                self.expect("=")
                path = (*table, *keys)
                self.out.keys[path] = key_span
                self.value(path)

    def resolve(self, keys: list[str]) -> Path:
        """A header's key path with the current index inserted after each array of
        tables it passes through (``[package.metadata]`` under the 4th ``[[package]]``)."""
        path: list[str | int] = []
        for key in keys:
            path.append(key)
            index = self.aot.get(tuple(path))
            if index is not None:
                path.append(index)
        return tuple(path)

    def key_parts(self) -> list[str]:
        return self.key_with_span()[0]

    def key_with_span(self) -> tuple[list[str], tuple[int, int]]:
        parts: list[str] = []
        span = (self.pos, self.pos)
        while True:
            self.skip_space(newlines=False)
            start = self.pos
            ch = self.peek()
            if ch in ('"', "'"):
                value_span = self.string()
                parts.append(self.text[value_span.inner_start : value_span.inner_end])
                if ch == '"' and "\\" in parts[-1]:
                    parts[-1] = _unescape(parts[-1])
            else:
                while self.pos < len(self.text) and self.text[self.pos] in _BARE_KEY:
                    self.pos += 1
                if self.pos == start:
                    raise ScanLost(f"expected a key at {start}")
                parts.append(self.text[start : self.pos])
            span = (start, self.pos)
            self.skip_space(newlines=False)
            if self.peek() == ".":
                self.pos += 1
                continue
            return parts, span

    # ----------------------------------------------------------------- values
    def value(self, path: Path) -> None:
        self.skip_space(newlines=False)
        ch = self.peek()
        start = self.pos
        if ch in ('"', "'"):
            self.out.values[path] = self.string()
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_space(newlines=True)
                if self.peek() == "]":
                    self.pos += 1
                    break
                self.value((*path, index))
                index += 1
                self.skip_space(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
                elif self.peek() != "]":
                    raise ScanLost(f"expected , or ] at {self.pos}")
            self.out.values[path] = ValueSpan(start, self.pos)
        elif ch == "{":
            self.pos += 1
            while True:
                self.skip_space(newlines=True)
                if self.peek() == "}":
                    self.pos += 1
                    break
                keys, key_span = self.key_with_span()
                self.skip_space(newlines=False)
                self.expect("=")
                self.out.keys[(*path, *keys)] = key_span
                self.value((*path, *keys))
                self.skip_space(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
                elif self.peek() != "}":
                    raise ScanLost(f"expected , or }} at {self.pos}")
            self.out.values[path] = ValueSpan(start, self.pos)
        else:
            text = self.text
            while self.pos < len(text) and text[self.pos] not in _SCALAR_END:
                self.pos += 1
            end = self.pos
            while end > start and text[end - 1] in " \t\r":
                end -= 1
            if end == start:
                raise ScanLost(f"expected a value at {start}")
            self.out.values[path] = ValueSpan(start, end)

    def string(self) -> ValueSpan:
        text = self.text
        start = self.pos
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                end = start + 3
                while True:
                    found = text.find(quote, end)
                    if found == -1:
                        raise ScanLost("unterminated multi-line string")
                    if quote == '"""' and _escaped(text, found):
                        end = found + 1
                        continue
                    break
                close = found
                # Up to two quote characters may sit right before the closing delimiter.
                while close - found < 2 and text.startswith(quote[0], close + 3):
                    close += 1
                self.pos = close + 3
                return ValueSpan(start, self.pos, start + 3, close, False, quote)
        quote = text[start]
        index = start + 1
        while index < len(text):
            ch = text[index]
            if ch == "\\" and quote == '"':
                index += 2
                continue
            if ch == quote:
                break
            if ch == "\n":
                raise ScanLost("newline inside a string")
            index += 1
        else:
            raise ScanLost("unterminated string")
        self.pos = index + 1
        inner = text[start + 1 : index]
        return ValueSpan(
            start, self.pos, start + 1, index, "\\" not in inner or quote == "'", quote
        )


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _unescape(value: str) -> str:
    import tomllib

    try:
        loaded: str = tomllib.loads(f'k = "{value}"')["k"]  # a basic string loads as str
        return loaded
    except tomllib.TOMLDecodeError:
        return value
