"""Reading a Python file the way the interpreter would, without ever running it.

A file that cannot be read becomes a :class:`SourceError` with a reason a person can act
on; the scan carries on with the next file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import tokenize
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, count
from operator import add
from pathlib import Path

from fastaudit.config import DEFAULT_MAX_BYTES

# A line break as Python's parser and tokenizer count them: ``\r\n``, ``\n`` or a lone ``\r``.
LINE_END = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """A file that cannot be audited. ``kind`` names the reason for the finding."""

    def __init__(self, kind: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class SourceText:
    """Decoded text plus what is needed to map AST positions back to characters."""

    text: str
    encoding: str = "utf-8"
    bom: bool = False
    digest: str = ""
    # Where each line starts, worked out when first asked (``starts``): many files are
    # read for their text alone, or walked without a position ever turned into an offset.
    _line_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)
    _folded: str | None = field(default=None, repr=False, compare=False)
    # Whether the whole text is ASCII (then a byte column is a character column), once.
    _ascii: bool | None = field(default=None, repr=False, compare=False)

    @property
    def starts(self) -> list[int]:
        """The character offset where each line starts (line 1 first)."""
        found = self._line_starts
        if found is None:
            found = self._line_starts = _line_starts(self.text, self.lines)
        return found

    @property
    def folded(self) -> str:
        """The text in lower case, for the rules' case-blind word tests (a substring
        test of it is several times faster than a case-insensitive search)."""
        if self._folded is None:
            self._folded = self.text.lower()
        return self._folded

    @property
    def lines(self) -> list[str]:
        """Lines without their endings, numbered as the parser numbers them."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def newline(self) -> str:
        """The file's own line ending, kept by every fix."""
        match = LINE_END.search(self.text)
        return match.group() if match else "\n"

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def char_column(self, line: int, byte_col: int) -> int:
        """Convert the AST's UTF-8 byte column into a 0-based character column."""
        ascii_only = self._ascii
        if ascii_only is None:
            ascii_only = self._ascii = self.text.isascii()
        if ascii_only:
            return byte_col
        text = self.line_text(line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def offset(self, line: int, byte_col: int) -> int:
        """Character offset in :attr:`text` of an AST position (1-based line, byte column)."""
        return self.starts[line - 1] + self.char_column(line, byte_col)

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def lines_span(self, first: int, last: int) -> tuple[int, int]:
        """Where lines ``first`` to ``last`` (1-based) stand: from the first's start to
        the end of the last's line ending (the text's end for the last line)."""
        end = self.line_start(last + 1) if last < len(self.starts) else len(self.text)
        return self.line_start(first), end

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self.starts
        index = bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts (line 1 first), lines ending where Python's
    parser ends them."""
    return _line_starts(text, split_lines(text))


def _line_starts(text: str, lines: list[str]) -> list[int]:
    """Where each of ``lines`` (``split_lines(text)``) starts in ``text``."""
    if "\r" in text:
        # The parser ends a line at ``\r\n``, ``\n`` and a lone ``\r`` alike.
        return [0, *(m.end() for m in LINE_END.finditer(text))]
    # Every line ends with one "\n": line k starts after the k lines before it and
    # their k newlines (sums taken in C, not a loop here: 690,000 lines in prefect).
    starts = [0]
    starts.extend(map(add, accumulate(map(len, lines[:-1])), count(1)))
    return starts


def split_lines(text: str) -> list[str]:
    """``text``'s lines without their endings, numbered as Python's parser and tokenizer
    number them: a line ends at ``\r\n``, ``\n`` or a lone ``\r``, never at the form
    feeds and other breaks ``str.splitlines`` also splits at."""
    return LINE_END.split(text) if "\r" in text else text.split("\n")


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _size(count: int) -> str:
    return f"{count / 1_048_576:.1f} MiB" if count >= 1_048_576 else f"{count:,} bytes"


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise SourceError(
            "too-large",
            f"file is {_size(size)}, over the {_size(max_bytes)} limit "
            "(raise `max-file-size` in [tool.fastaudit] to audit it)",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc


def decode(data: bytes) -> SourceText:
    """Decode like the interpreter: BOM, PEP 263 cookie, else UTF-8."""
    digest = digest_bytes(data)
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError("binary", "file contains NUL bytes; it looks binary, not Python source")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(
            "encoding",
            "file is UTF-16; Python source must be UTF-8 or declare an 8-bit encoding",
        )
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if not str(exc).startswith("invalid or missing encoding declaration"):
            raise SourceError("encoding", f"bad encoding declaration: {exc}") from exc
        # Not a declaration at all: one of the first two lines is not UTF-8. Decoding
        # below says so, with the line.
        encoding = "utf-8"
    bom = encoding == "utf-8-sig"
    if bom:
        encoding = "utf-8"
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        # A LookupError (unknown codec) has no reason; detect_encoding above rejects those.
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise SourceError("encoding", f"file is not valid {encoding}: {reason}", line) from exc
    if "\x00" in text:
        raise SourceError("binary", "file contains NUL characters; it looks binary")
    return SourceText(text=text, encoding=encoding, bom=bom, digest=digest)
