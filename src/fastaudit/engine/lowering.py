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

Only rules see the lowered text: the file's findings keep their lines (what a removed
construct spanned becomes backslash continuations), and fixes are not offered on it,
since their character positions would point into text that is not the file's.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

_LINE_END = re.compile(r"\r\n|\r|\n")
# Newest first: the first grammar that reads the file wins.
GRAMMARS = ("3.14", "3.13", "3.12")


class _Lowering(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        # (start line, start column, end line, end column, replacement), 1-based lines
        # and 0-based columns as LibCST gives them.
        self.edits: list[tuple[int, int, int, int, str]] = []
        self.failed = False

    def _range(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def _replace(self, node: cst.CSTNode, text: str) -> None:
        """Replace ``node``'s text; the lines it spanned stay, as backslash
        continuations (valid between any two tokens, and inside a string literal)."""
        where = self._range(node)
        lines = where.end.line - where.start.line
        self.edits.append(
            (
                where.start.line,
                where.start.column,
                where.end.line,
                where.end.column,
                text + " \\\n" * lines,
            )
        )

    def _insert(self, line: int, column: int, text: str) -> None:
        self.edits.append((line, column, line, column, text))

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        # ``type X[T] = v`` -> ``X = v``: the keyword and the parameters go, the value
        # (wherever its lines are) stays as written.
        whole = self._range(node)
        name = self._range(node.name)
        if whole.start.line != name.start.line:
            self.failed = True
            return
        self.edits.append(
            (whole.start.line, whole.start.column, name.start.line, name.start.column, "")
        )
        if node.type_parameters is not None:
            self._replace(node.type_parameters, "")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.type_parameters is not None:
            self._replace(node.type_parameters, "")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if node.type_parameters is not None:
            self._replace(node.type_parameters, "")

    def _except(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        kind = node.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            where = self._range(kind)
            self._insert(where.start.line, where.start.column, "(")
            self._insert(where.end.line, where.end.column, ")")

    visit_ExceptHandler = _except
    visit_ExceptStarHandler = _except

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        quote = node.end  # ", ', """ or '''
        triple = len(quote) == 3
        code = cst.Module([])
        for part in node.parts:
            if not isinstance(part, cst.FormattedStringExpression):
                continue
            field = code.code_for_node(part)  # the whole ``{...}``, comments included
            inner = field[1:-1]
            if quote[0] in inner or "\\" in inner or "#" in inner or (not triple and "\n" in inner):
                if triple:
                    where = self._range(part)
                    newlines = "\n" * (where.end.line - where.start.line)
                    self.edits.append(
                        (
                            where.start.line,
                            where.start.column,
                            where.end.line,
                            where.end.column,
                            "{_" + newlines + "}",
                        )
                    )
                else:
                    self._replace(part, "{_}")
        return False  # nested f-strings are inside the fields just replaced


def lower(text: str) -> str | None:
    """``text`` with newer syntax rewritten for an older parser, lines unchanged; None
    when no known grammar reads it or a construct cannot be lowered in place."""
    if _nesting(text) > MAX_NESTING or _longest_line(text) > MAX_LINE:
        return None  # LibCST's native parser overflows its stack on such input
    module = None
    for version in GRAMMARS:
        try:
            module = cst.parse_module(text, config=cst.PartialParserConfig(python_version=version))
            break
        except (cst.ParserSyntaxError, ValueError, RecursionError):
            continue
    if module is None:
        return None
    lowering = _Lowering()
    try:
        MetadataWrapper(module, unsafe_skip_copy=True).visit(lowering)
    except RecursionError:
        return None
    if lowering.failed:
        return None
    return _apply(text, lowering.edits)


# Deeper bracket nesting than any hand-written code has; past it LibCST's parser can
# crash the process (a stack overflow in native code, not an exception).
MAX_NESTING = 100


# Generated or minified lines (``x = ------...1``, ``os.path.path...``) nest just as deep
# without a bracket.
MAX_LINE = 5_000


def _longest_line(text: str) -> int:
    return max(map(len, _LINE_END.split(text)), default=0)


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
    starts = [0, *(match.end() for match in _LINE_END.finditer(text))]

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
