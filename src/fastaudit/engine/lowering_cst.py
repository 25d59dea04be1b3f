"""The LibCST half of :mod:`fastaudit.engine.lowering`: the edits that lower a file
whose newer syntax only LibCST's grammars read (PEP 701 f-strings above all). Its own
module because LibCST is slow to import, and only a few files ever need it."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

# ``lowering.TEMPLATE_CALL`` (that module imports this one; the tests hold both paths to
# the same text).
TEMPLATE_CALL = "__template__"

# The fields of f-strings, and of template strings where this LibCST knows them (1.9).
_FIELD_TYPES: tuple[type[cst.CSTNode], ...] = (cst.FormattedStringExpression,) + (
    (cst.TemplatedStringExpression,) if hasattr(cst, "TemplatedStringExpression") else ()
)

# Newest first: the first grammar that reads the file wins.
GRAMMARS = ("3.14", "3.13", "3.12")

# (start line, start column, end line, end column, replacement), 1-based lines and
# 0-based columns.
Edit = tuple[int, int, int, int, str]


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
        self._fields(node.end, [p for p in node.parts if isinstance(p, _FIELD_TYPES)])
        return False  # nested f-strings are inside the fields replaced

    def visit_TemplatedString(self, node: cst.TemplatedString) -> bool:
        """``t"Hi {name}"`` -> ``__template__(f"Hi {name}")`` (see ``lowering``), its
        fields lowered as an f-string's. (LibCST reads template strings from 1.9.)"""
        where = self._range(node)  # the string alone: its parentheses are outside
        prefix = node.start.rstrip("'\"")
        raw = "r" if "r" in prefix.lower() else ""
        line, column = where.start.line, where.start.column
        self.edits.append((line, column, line, column + len(prefix), f"{TEMPLATE_CALL}(f{raw}"))
        self._insert(where.end.line, where.end.column, ")")
        self._fields(node.end, [p for p in node.parts if isinstance(p, _FIELD_TYPES)])
        return False

    def _fields(self, quote: str, fields: list[cst.CSTNode]) -> None:
        """Lower the ``{...}`` fields of an f-string or template string that closes
        with ``quote`` (", ', \"\"\" or '''), where an older f-string could not hold them."""
        triple = len(quote) == 3
        code = cst.Module([])
        for part in fields:
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


def libcst_edits(text: str) -> list[Edit] | None:
    """The edits that lower ``text``; None when no known grammar reads it or a construct
    cannot be lowered in place."""
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
    return lowering.edits
