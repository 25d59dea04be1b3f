"""Newer Python syntax, lowered so the interpreter fastaudit runs on can parse it.

fastaudit runs on Python 3.11 and up; the projects it audits use 3.12-3.14 syntax
(``type X = ...``, ``def f[T]()``, ``class C[T]:``, PEP 701 f-strings, PEP 758
``except A, B:``). When ``ast`` rejects a file, LibCST (whose grammar knows those
versions) reads it, and each newer construct is rewritten in place to its nearest
older spelling, on the same lines:

* ``type X[T] = v``           -> ``X = v``
* ``def f[T](...)``/``class C[T]`` -> the ``[...]`` goes
* ``except A, B:``            -> ``except (A, B):``
* an f-string field using the string's own quotes, a backslash or a comment -> ``{_}``
* a PEP 750 template string ``t"Hi {name}"`` -> ``__template__(f"Hi {name}")``: the
  names its fields read are still read, and no rule takes a ``Template`` (which a
  library turns into parameters, not text) for a string built from values

Only rules see the lowered text: the file's findings keep their lines (what a removed
construct spanned becomes backslash continuations), and fixes are not offered on it,
since their character positions would point into text that is not the file's.

LibCST's parse of a large file takes a tenth of a second or more, so the first three
constructs (all but f-strings, the bulk of real files: polar has 83 such files) are first
lowered from the interpreter's own tokens, which read them: the same edits, checked by
``ast`` before they are trusted. Anything the tokens cannot settle (a PEP 701 f-string,
an odd line end) goes to LibCST as before.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from typing import NamedTuple

from fastaudit.engine.lowering_fstrings import apply_offset_edits, fstring_edits
from fastaudit.project.source import line_starts, split_lines

Edit = tuple[int, int, int, int, str]


class Lowered(NamedTuple):
    """A file's text lowered, and the tree this interpreter's parser made of it (the
    parse that proved the lowering good, kept so the file is not parsed once more)."""

    text: str
    # None when LibCST's lowering still does not parse (the parser's error stands).
    tree: ast.Module | None


def lower(text: str, stop: int | None = None) -> Lowered | None:
    """``text`` with newer syntax rewritten for an older parser, lines unchanged; None
    when no known grammar reads it or a construct cannot be lowered in place. ``stop``:
    the line this interpreter's parser stops at in ``text``, when the caller's own parse
    already found it (as ``_read`` would answer)."""
    fast = _lower_where_rejected(text, stop)
    if fast is not None:
        return fast
    fast = _lower_by_tokens(text)
    if fast is not None:
        return fast
    fast = _lower_by_reading(text)
    if fast is not None:
        return fast
    fast = _lower_by_windows(text, stop)
    if fast is not None:
        return fast
    return _lower_by_libcst(text)


# Files with more constructs than this are lowered from all their tokens at once: each
# round costs a parse of the whole file.
_MAX_ROUNDS = 8


def _lower_where_rejected(text: str, stop: int | None = None) -> Lowered | None:
    """The lowering of the statements the parser stops at, one at a time, each from the
    tokens of that statement alone: the pure-Python tokenizer over a whole file cost ten
    times the parse (most such files hold one or two constructs). None when a statement
    the parser rejects is not one this path lowers (the whole-file paths decide)."""
    if "\r" in text.replace("\r\n", ""):
        return None  # see ``_lower_by_tokens``
    current = text
    last = 0
    for attempt in range(_MAX_ROUNDS):
        line = stop if attempt == 0 and stop is not None else _read(current)
        if isinstance(line, ast.Module):
            return Lowered(current, line) if current is not text else None
        if line <= last:
            return None  # the last edit did not get the parser past its statement
        edits = _statement_edits(current, line)
        if not edits:
            return None
        current = _apply(current, edits)
        last = line
    return None


def _read(text: str) -> ast.Module | int:
    """This interpreter's tree of ``text``, or the line its parser stops at: 0 when it
    cannot say (no line given, or a text nested too deep to read)."""
    try:
        with warnings.catch_warnings():  # the audited code's warnings are not ours
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as error:
        return error.lineno or 0
    except (ValueError, RecursionError, MemoryError):
        return 0


def _statement_edits(text: str, line: int) -> list[Edit]:
    """The edits lowering the statement starting on ``line``, read from its tokens up to
    its end; none when it starts elsewhere or is not a construct lowered here."""
    rest = io.StringIO(text[_line_start(text, line) :])
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(rest.readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT):
                continue
            tokens.append(token)
            if token.type == tokenize.NEWLINE:
                break
    except (tokenize.TokenError, SyntaxError, ValueError):
        return []
    edits: list[Edit] = []
    if tokens and tokens[0].type == tokenize.NAME:
        _lower_statement(tokens, 0, edits)
    _template_strings(tokens, edits)
    # Rows of the statement's own tokens, counted from ``line``.
    return [(a + line - 1, b, c + line - 1, d, new) for a, b, c, d, new in edits]


def _line_start(text: str, line: int) -> int:
    position = 0
    for _ in range(line - 1):
        position = text.index("\n", position) + 1
    return position


def _lower_by_libcst(text: str) -> Lowered | None:
    if _nesting(text) > MAX_NESTING or _longest_line(text) > MAX_LINE:
        return None  # LibCST's native parser overflows its stack on such input
    # Here, not at the top: LibCST is slow to import and few files need it.
    from fastaudit.engine.lowering_cst import libcst_edits

    edits = libcst_edits(text)
    if edits is None:
        return None
    lowered = _apply(text, edits)
    tree = _read(lowered)
    return Lowered(lowered, tree if isinstance(tree, ast.Module) else None)


def _lower_by_reading(text: str) -> Lowered | None:
    """PEP 701 f-strings lowered from the text itself (``lowering_fstrings``: the edits
    LibCST's lowering makes, without its parse), then what else the parser rejects by
    the token paths; None when the reading leaves the strings to LibCST, or the result
    does not parse."""
    if "\r" in text.replace("\r\n", ""):
        return None  # see ``_lower_by_tokens``
    edits = fstring_edits(text)
    if not edits:
        return None
    current = apply_offset_edits(text, edits)
    read = _read(current)
    if isinstance(read, ast.Module):
        return Lowered(current, read)
    return _lower_where_rejected(current, read) or _lower_by_tokens(current)


# ---------------------------------------------------------------- by windows
# Top-level lines that go on the statement above them, not start one.
_CONTINUING = frozenset({"else", "elif", "except", "finally"})
# Window ends tried for one statement before the whole-file path decides.
_MAX_WINDOW_ENDS = 4


def _lower_by_windows(text: str, stop: int | None = None) -> Lowered | None:
    """The lowering of what only LibCST reads (a PEP 701 f-string), one top-level
    statement at a time: LibCST reads the statement the parser stops in, not the whole
    file, whose parse and positions cost a quarter of a second on a large module. None
    when a window does not read or the rounds run out (then the whole file decides)."""
    if "\r" in text.replace("\r\n", "") or _longest_line(text) > MAX_LINE:
        return None  # see ``_lower_by_tokens``; LibCST's own limit (``_lower_by_libcst``)
    current = text
    lowered_to = 0  # the line the windows lowered so far end before
    for attempt in range(_MAX_ROUNDS):
        line = stop if attempt == 0 and stop is not None else _read(current)
        if isinstance(line, ast.Module):
            return Lowered(current, line) if current is not text else None
        if line < lowered_to or line < 1:
            return None  # a window's lowering did not get the parser past it
        lowered = _lower_window(current, line)
        if lowered is None:
            return None
        current, lowered_to = lowered
    return None


def _lower_window(text: str, line: int) -> tuple[str, int] | None:
    """``text`` with the top-level statement holding ``line`` lowered by LibCST, and
    the line after it; None when no window around it reads."""
    # Here, not at the top: LibCST is slow to import and few files need it.
    from fastaudit.engine.lowering_cst import libcst_edits

    starts = line_starts(text)
    if line > len(starts):
        return None
    first = _statement_start(text[: starts[line - 1]])
    ends = _statement_ends(text, starts, line)
    if len(ends) < _MAX_WINDOW_ENDS:
        ends.append(len(starts) + 1)  # the statement may run to the end of the file
    for end in ends:
        window = text[starts[first - 1] : starts[end - 1] if end <= len(starts) else len(text)]
        if _nesting(window) > MAX_NESTING:
            return None
        edits = libcst_edits(window)
        if edits:
            shifted = [(a + first - 1, b, c + first - 1, d, new) for a, b, c, d, new in edits]
            return _apply(text, shifted), end
    return None


def _statement_start(before: str) -> int:
    """The line the top-level statement running on at the end of ``before`` starts on
    (its first decorator's), read from this interpreter's tokens: the parser read every
    line before the one it stopped at, so they hold nothing it does not know."""
    start = 1
    at_start = True
    decorated = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(before).readline):
            kind = token.type
            if kind == tokenize.NEWLINE:
                at_start = True
                continue
            if kind in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            if kind == tokenize.ENDMARKER:
                break
            if at_start and token.start[1] == 0 and token.string not in _CONTINUING:
                if decorated and token.string in ("def", "class", "async", "@"):
                    decorated = token.string == "@"  # the decorated statement goes on
                else:
                    start = token.start[0]
                    decorated = token.string == "@"
            at_start = False
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # ``before`` ends inside the statement (an open bracket): its start holds
    return start


def _statement_ends(text: str, starts: list[int], line: int) -> list[int]:
    """Lines after ``line`` that may start the next top-level statement (a name or
    keyword at the first column), the first few: one inside a string only makes a
    window LibCST does not read, and the next is tried."""
    found: list[int] = []
    for index in range(line, len(starts)):
        begin = starts[index]
        head = text[begin : begin + 12]
        if not head or head[0] in " \t#)]}\r\n" or head.split(" ", 1)[0].rstrip(":") in _CONTINUING:
            continue
        found.append(index + 1)
        if len(found) == _MAX_WINDOW_ENDS:
            break
    return found


# ----------------------------------------------------------------- by tokens
# Where a statement may start: after these tokens (or at the top of the file).
_STATEMENT_BREAKS = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
_OPEN = {"(": ")", "[": "]", "{": "}"}


def _lower_by_tokens(text: str) -> Lowered | None:
    """The lowering of type aliases, type parameters and ``except A, B:`` from the
    tokens this interpreter's tokenizer gives; None when the file holds anything else
    the parser rejects (then LibCST decides) or the tokens cannot be read."""
    if "\r" in text.replace("\r\n", ""):
        # A lone \r ends a line for the parsers (and ``_apply``) but not for the reader
        # below, which splits at \n only.
        return None
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL)
        ]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    edits: list[Edit] = []
    at_start = True
    for index, token in enumerate(tokens):
        starts = at_start
        at_start = token.type in _STATEMENT_BREAKS or token.string == ";"
        if starts and token.type == tokenize.NAME:
            _lower_statement(tokens, index, edits)
    _template_strings(tokens, edits)
    if not edits:
        return None
    lowered = _apply(text, edits)
    tree = _read(lowered)
    return Lowered(lowered, tree) if isinstance(tree, ast.Module) else None


def _lower_statement(tokens: list[tokenize.TokenInfo], index: int, edits: list[Edit]) -> None:
    """The edits for the statement whose first token (a name) is ``tokens[index]``, when
    it is a construct lowered here: a type alias, a ``def``/``class``/``async def`` with
    type parameters, an unbracketed ``except`` tuple."""
    keyword = tokens[index].string
    if keyword == "type":
        _type_alias(tokens, index, edits)
    elif keyword in ("def", "class"):
        _type_parameters(tokens, index + 2, edits)
    elif keyword == "except":
        _except_tuple(tokens, index + 1, edits)
    elif keyword == "async" and index + 1 < len(tokens) and tokens[index + 1].string == "def":
        _type_parameters(tokens, index + 3, edits)


def _type_alias(tokens: list[tokenize.TokenInfo], index: int, edits: list[Edit]) -> None:
    """``type X[T] = v`` -> ``X = v`` (``type`` as a plain name is left alone)."""
    if index + 2 >= len(tokens):
        return
    name, after = tokens[index + 1], tokens[index + 2]
    if name.type != tokenize.NAME or after.string not in ("=", "["):
        return
    keyword = tokens[index]
    if keyword.start[0] != name.start[0]:
        return
    edits.append((*keyword.start, *name.start, ""))
    if after.string == "[":
        _type_parameters(tokens, index + 2, edits)


def _type_parameters(tokens: list[tokenize.TokenInfo], index: int, edits: list[Edit]) -> None:
    """Remove the ``[...]`` at ``tokens[index]`` (after a def's, class's or alias's
    name); its lines stay as backslash continuations."""
    if index >= len(tokens) or tokens[index].string != "[":
        return
    end = _closing(tokens, index)
    if end is None:
        return
    start, stop = tokens[index].start, tokens[end].end
    edits.append((*start, *stop, " \\\n" * (stop[0] - start[0])))


def _except_tuple(tokens: list[tokenize.TokenInfo], index: int, edits: list[Edit]) -> None:
    """``except A, B:`` / ``except* A, B:`` -> parenthesised."""
    if index < len(tokens) and tokens[index].string == "*":
        index += 1
    first = index
    depth = 0
    comma = False
    while index < len(tokens):
        token = tokens[index]
        if token.type == tokenize.OP and token.string in _OPEN:
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif depth == 0 and (token.string == ":" or token.string == "as"):
            break
        elif depth == 0 and token.string == ",":
            comma = True
        elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            return
        index += 1
    if not comma or index >= len(tokens) or index == first:
        return
    if tokens[index].string == "as":
        return  # PEP 758 wants the brackets when the exception is named: a real error
    last = tokens[index - 1]
    edits.append((*tokens[first].start, *tokens[first].start, "("))
    edits.append((*last.end, *last.end, ")"))


# What a template string's prefix reads as to an older tokenizer: a name (``t``, ``tr``,
# ``rt`` in any case) right before a plain string literal.
_TEMPLATE_PREFIXES = frozenset({"t", "tr", "rt"})
TEMPLATE_CALL = "__template__"


def _template_start(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    if index + 1 >= len(tokens):
        return False
    name, string = tokens[index], tokens[index + 1]
    return (
        name.type == tokenize.NAME
        and name.string.lower() in _TEMPLATE_PREFIXES
        and string.type == tokenize.STRING
        and string.start == name.end
        and string.string[:1] in ("'", '"')
    )


def _template_strings(tokens: list[tokenize.TokenInfo], edits: list[Edit]) -> None:
    """``t"Hi {name}"`` -> ``__template__(f"Hi {name}")``; implicitly concatenated
    template strings (``t"a" t"b"``) go in one call. A field this interpreter's
    f-strings cannot read (the string's own quotes) leaves text the parser rejects,
    and LibCST decides."""
    index = 0
    while index < len(tokens):
        if not _template_start(tokens, index):
            index += 1
            continue
        first = index
        while _template_start(tokens, index):
            prefix = tokens[index]
            raw = "r" if "r" in prefix.string.lower() else ""
            opening = f"{TEMPLATE_CALL}(" if index == first else ""
            edits.append((*prefix.start, *prefix.end, f"{opening}f{raw}"))
            index += 2
        edits.append((*tokens[index - 1].end, *tokens[index - 1].end, ")"))


def _closing(tokens: list[tokenize.TokenInfo], index: int) -> int | None:
    depth = 0
    for position in range(index, len(tokens)):
        token = tokens[position]
        if token.type != tokenize.OP:
            continue
        if token.string in _OPEN:
            depth += 1
        elif token.string in ")]}":
            depth -= 1
            if depth == 0:
                return position
    return None


# Deeper bracket nesting than any hand-written code has; past it LibCST's parser can
# crash the process (a stack overflow in native code, not an exception).
MAX_NESTING = 100


# Generated or minified lines (``x = ------...1``, ``os.path.path...``) nest just as deep
# without a bracket.
MAX_LINE = 5_000


def _longest_line(text: str) -> int:
    return max(map(len, split_lines(text)), default=0)


def _nesting(text: str) -> int:
    """The deepest bracket nesting, counting brackets in strings too (an overestimate
    is only ever more careful)."""
    if text.count("(") + text.count("[") + text.count("{") <= MAX_NESTING:
        return 0
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif char in ")]}" and depth:
            depth -= 1
    return deepest


def _apply(text: str, edits: list[tuple[int, int, int, int, str]]) -> str:
    # Lines end where the parsers end them: at \r\n, \n or a lone \r.
    starts = line_starts(text)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column

    pieces: list[str] = []
    position = 0
    for start_line, start_col, end_line, end_col, new in sorted(edits):
        start = offset(start_line, start_col)
        end = offset(end_line, end_col)
        if start < position:
            continue  # inside an edit already made (a nested construct)
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
