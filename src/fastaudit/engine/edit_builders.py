"""Building edits: the one toolbox every fixer uses to say what to change.

``engine/edits.py`` applies edits; this module builds them. Every builder returns
character-range :class:`Edit` s of the decoded text (or None when the text around is too
unusual to change with confidence), so comments and formatting outside the range stay
byte-identical and several fixes of one file can be applied together.

What a fix must *not* do here is tidy imports: an import whose last use a fix removed is
taken out, and the import block re-sorted, by :func:`fastaudit.fixes.tidy.tidy_imports`
once all of a file's fixes are applied. Builders only add the imports a fix needs.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from fastaudit.model import Edit

if TYPE_CHECKING:
    from fastaudit.project.source import SourceText


class FileContext(Protocol):
    """What the builders read of a file: :class:`fastaudit.engine.context.FileContext`
    provides it (and calls the builders itself, so this module cannot import it back)."""

    source: SourceText
    tree: ast.Module

    def offsets(self, node: ast.AST) -> tuple[int, int]: ...
    def text(self, node: ast.AST) -> str: ...
    def lookup(self, name: str) -> tuple[bool, str | None]: ...
    def imported_as(self, qualified: str) -> str | None: ...


# ------------------------------------------------------------------ reading around
def line_prefix(ctx: FileContext, node: ast.AST) -> str:
    """The text on the node's first line before it (its indentation, usually)."""
    start, _ = ctx.offsets(node)
    line: int = node.lineno  # type: ignore[attr-defined]  # located; AST declares no lineno
    return ctx.source.text[ctx.source.line_start(line) : start]


def rest_of_line(ctx: FileContext, offset: int) -> tuple[str, int]:
    """The text from ``offset`` to the end of its line, and where that line ends."""
    text = ctx.source.text
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > offset and text[end - 1] == "\r":
        end -= 1
    return text[offset:end], end


def indentation_of_line(ctx: FileContext, line: int) -> str:
    """The leading whitespace of line ``line`` (1-based)."""
    text = ctx.source.text
    start = ctx.source.line_start(line)
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def moved_text(ctx: FileContext, node: ast.expr, line: int) -> str:
    """``node``'s text for a place that starts on line ``line``: its continuation lines
    shift by the difference between the indentation of the line it starts on now and
    that of ``line``, so a multi-line value keeps the layout a formatter gave it
    (``Field(\\n    default=[...]\\n)`` -> ``[...]`` one level out). Lines inside a
    string literal are left as they are; so is the text when the shift cannot be made
    (a continuation line indented less than the shift, tabs)."""
    moved = reindented(ctx, node, indentation_of_line(ctx, line))
    return moved if moved is not None else ctx.text(node)


def reindented(ctx: FileContext, node: ast.AST, indent: str) -> str | None:
    """``node``'s text with its continuation lines shifted as its first line's
    indentation becomes ``indent`` (see ``moved_text``); None when that cannot be
    done (a continuation line indented less than the shift, tabs)."""
    text = ctx.text(node)
    if "\n" not in text:
        return text
    first: int = node.lineno  # type: ignore[attr-defined]  # located; AST declares no lineno
    now = indentation_of_line(ctx, first)
    then = indent
    if now == then:
        return text
    if "\t" in now + then:
        return None
    in_strings = _string_continuation_lines(text)
    lines = text.split("\n")
    shifted = [lines[0]]
    for index, row in enumerate(lines[1:], start=1):
        if index in in_strings or not row.strip():
            shifted.append(row)
        elif len(now) > len(then):
            cut = len(now) - len(then)
            if row[:cut].strip():
                return None  # indented less than the shift: not a layout to move
            shifted.append(row[cut:])
        else:
            shifted.append(" " * (len(then) - len(now)) + row)
    return "\n".join(shifted)


def _string_continuation_lines(text: str) -> set[int]:
    """Indexes (0-based) of ``text``'s lines that begin inside a string literal."""
    import io
    import tokenize

    # Python 3.12+ tokenizes f-strings (3.14: t-strings) in parts, start to end.
    opening = {getattr(tokenize, n, -1) for n in ("FSTRING_START", "TSTRING_START")} - {-1}
    closing = {getattr(tokenize, n, -1) for n in ("FSTRING_END", "TSTRING_END")} - {-1}
    inside: set[int] = set()
    starts: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in opening:
                starts.append(token.start[0])
            elif token.type in closing and starts:
                inside.update(range(starts.pop(), token.end[0]))
            elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0], token.end[0]))  # rows after the first
    except (tokenize.TokenError, SyntaxError, ValueError):
        return set(range(text.count("\n") + 1))  # unreadable: move nothing
    return inside


def statement_separator(ctx: FileContext, stmt: ast.stmt) -> str:
    """What goes between two statements replacing ``stmt``: a new line at the same
    indentation, or ``; `` when ``stmt`` shares its line with code before it."""
    prefix = line_prefix(ctx, stmt)
    return ctx.source.newline + prefix if not prefix.strip() else "; "


# ------------------------------------------------------------- replace and insert
def replace(ctx: FileContext, node: ast.AST, text: str) -> Edit:
    """Replace the node's source with ``text``."""
    start, end = ctx.offsets(node)
    return Edit(start, end, text)


def insert_before(ctx: FileContext, node: ast.AST, text: str) -> Edit:
    start, _ = ctx.offsets(node)
    return Edit(start, start, text)


def insert_after(ctx: FileContext, node: ast.AST, text: str) -> Edit:
    _, end = ctx.offsets(node)
    return Edit(end, end, text)


def insert_line_before(ctx: FileContext, node: ast.AST, text: str) -> Edit | None:
    """``text`` on a line of its own above the node, at its indentation (``*,`` above
    a parameter, ``@classmethod`` above a ``def``); None when the node does not start
    its line."""
    indent = line_prefix(ctx, node)
    if indent.strip():
        return None
    line_start = ctx.source.line_start(node.lineno)  # type: ignore[attr-defined]  # a located node
    return Edit(line_start, line_start, f"{indent}{text}{ctx.source.newline}")


def insert_at_line(source: SourceText, line: int, text: str) -> Edit:
    """Insert ``text`` at the start of line ``line`` (1-based), before what is there."""
    at = source.line_start(line)
    return Edit(at, at, text)


def replace_lines(source: SourceText, first: int, last: int, text: str) -> Edit:
    """Replace lines ``first`` to ``last`` whole, line endings included."""
    return Edit(source.line_start(first), source.line_start(last + 1), text)


def rename_keyword(ctx: FileContext, keyword: ast.keyword, new: str) -> Edit:
    """Rename ``old=value`` to ``new=value``."""
    start, _ = ctx.offsets(keyword)
    return Edit(start, start + len(keyword.arg or ""), new)


def rename_attribute(ctx: FileContext, node: ast.Attribute, new: str) -> Edit:
    """Rename the attribute of ``value.attr``, leaving ``value`` alone."""
    _, end = ctx.offsets(node)
    return Edit(end - len(node.attr), end, new)


def with_subscript_element(ctx: FileContext, subscript: ast.Subscript, element: str) -> str:
    """The text of ``X[a, b]`` with ``element`` added after its last element
    (``Annotated[int, Gt(0)]`` -> ``Annotated[int, Gt(0), Query()]``)."""
    index = subscript.slice
    last = index.elts[-1] if isinstance(index, ast.Tuple) and index.elts else index
    start, _ = ctx.offsets(subscript)
    _, last_end = ctx.offsets(last)
    whole = ctx.text(subscript)
    cut = last_end - start
    return f"{whole[:cut]}, {element}{whole[cut:]}"


# ------------------------------------------------------------------- statements
def only_in_block(stmt: ast.stmt, parent: ast.AST | None) -> bool:
    """Whether ``stmt`` is the only statement of its block (removing it would leave
    the block empty)."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list) and stmt in block:
            return len(block) == 1
    return True


def remove_statement(ctx: FileContext, stmt: ast.stmt, *, alone: bool) -> Edit:
    """Delete a statement: its whole line when it has the line to itself, else leave
    ``pass`` in its place (``alone``: a block must not end up empty)."""
    start, end = ctx.offsets(stmt)
    text = ctx.source.text
    line_start = ctx.source.line_start(stmt.lineno)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end + 1
    if alone or text[line_start:start].strip() or text[end:line_end].strip():
        return Edit(start, end, "pass")
    return Edit(line_start, line_end, "")


# -------------------------------------------------------------- call arguments
def add_call_argument(ctx: FileContext, call: ast.Call, argument: str) -> Edit:
    """Append ``argument`` (``"name=value"`` or a positional) after the call's last
    argument."""
    items: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if items:
        last = max(items, key=lambda item: (item.end_lineno, item.end_col_offset))
        return insert_after(ctx, last, f", {argument}")
    _, end = ctx.offsets(call)
    return Edit(end - 1, end - 1, argument)


def remove_call_argument(ctx: FileContext, call: ast.Call, item: ast.AST) -> Edit | None:
    """The edit that deletes one argument (positional or keyword) from ``call``, with
    its comma; None when the text around is too unusual to edit with confidence. See
    :func:`remove_call_arguments`; the edits are joined into one (a comment kept in
    between is in its text)."""
    edits = remove_call_arguments(ctx, call, [item])
    return None if edits is None else _joined(ctx.source.text, edits)


def remove_call_arguments(
    ctx: FileContext, call: ast.Call, items: Collection[ast.AST]
) -> list[Edit] | None:
    """The edits that delete ``items`` (arguments of ``call``) with their commas, or
    None when the text around is too unusual to edit with confidence.

    Comments are never deleted. An argument alone on its line takes the whole line
    with it; comments on other lines, and one after the argument's own comma, stay.
    Removing the last argument takes the comma before it; when a comment stands in
    between, only that comma and the argument go. The edits never overlap one another,
    and the call they leave is re-parsed and compared with the call minus ``items``
    before they are offered.
    """
    if not items:
        return []
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    every = sorted(arguments, key=lambda n: (n.lineno, n.col_offset))
    call_start, call_end = ctx.offsets(call)
    ranges = _list_cuts(ctx, every, items, call_start, call_end - 1)
    if ranges is None:
        return None
    gone = {id(n) for n in items}
    expected = ast.Call(
        func=call.func,
        args=[a for a in call.args if id(a) not in gone],
        keywords=[k for k in call.keywords if id(k) not in gone],
    )
    new = _cut_text(ctx.source.text, call_start, call_end, ranges).strip()
    try:
        parsed = ast.parse(new, mode="eval").body
    except SyntaxError:
        return None
    if ast.dump(parsed) != ast.dump(expected):
        return None
    return [Edit(start, end, "") for start, end in ranges]


# ---------------------------------------------------------------------- imports
def remove_import_name(ctx: FileContext, stmt: ast.ImportFrom, alias: ast.alias) -> Edit | None:
    """One edit deleting one name of a ``from ... import`` statement: see
    :func:`remove_import_names`."""
    edits = remove_import_names(ctx, stmt, [alias])
    return None if edits is None else _joined(ctx.source.text, edits)


def remove_import_names(
    ctx: FileContext, stmt: ast.ImportFrom, aliases: Collection[ast.alias]
) -> list[Edit] | None:
    """The edits that delete some names of a ``from ... import`` statement (not all of
    them), keeping comments, as :func:`remove_call_arguments` does for arguments."""
    start, end = ctx.offsets(stmt)
    text = ctx.source.text
    limit = end - 1 if text[end - 1] == ")" else end
    ranges = _list_cuts(ctx, stmt.names, aliases, start, limit)
    if ranges is None:
        return None
    gone = {id(a) for a in aliases}
    expected = ast.ImportFrom(
        module=stmt.module, names=[a for a in stmt.names if id(a) not in gone], level=stmt.level
    )
    try:
        parsed = ast.parse(_cut_text(text, start, end, ranges)).body
    except SyntaxError:
        return None
    if len(parsed) != 1 or ast.dump(parsed[0]) != ast.dump(expected):
        return None
    return [Edit(a, b, "") for a, b in ranges]


def ensure_import(
    ctx: FileContext,
    module: str,
    name: str | None = None,
    *,
    beside: str = "",
    join: bool = True,
) -> tuple[str, Edit | None]:
    """Make ``module`` (or ``module.name``) usable at module level.

    Returns the expression to use in code and the edit adding the import, or ``None``
    when it is already imported. The import goes after the module docstring and
    ``__future__`` imports, before the first other statement, in the file's own line
    ending, so the rest of the file is untouched (the tidy pass sorts it in). With
    ``beside`` (a top-level package: ``"fastapi"``), it goes after the last import of
    that package at the top of the file when there is one, so it sits with its kin in
    a block the tidy pass does not re-sort. A name joins the file's own one-line
    ``from module import ...`` when there is one (not with ``join=False``: a caller
    whose other fixes rewrite that statement).
    """
    target = f"{module}.{name}" if name else module
    existing = ctx.imported_as(target)
    if existing is not None:
        return existing, None
    if name is not None:
        owner = ctx.imported_as(module)
        if owner is not None:
            return f"{owner}.{name}", None
    found, _ = ctx.lookup(name or module)
    if found and name is not None:
        # The plain name is taken by something else: import the module instead.
        owner, edit = ensure_import(ctx, module)
        return f"{owner}.{name}", edit
    if name is not None and join:
        joined = _join_from_import(ctx, module, name)
        if joined is not None:
            return name, joined
    statement = f"from {module} import {name}" if name else f"import {module}"
    kin = _last_import_of(ctx, beside) if beside else None
    if kin is not None:
        after, line_end = rest_of_line(ctx, ctx.offsets(kin)[1])
        if not after.strip():  # not ``import x; y = 1`` nor a comment after it
            return name or module, Edit(line_end, line_end, ctx.source.newline + statement)
    offset, prefix = _import_position(ctx)
    return name or module, Edit(offset, offset, prefix + statement + ctx.source.newline)


def _join_from_import(ctx: FileContext, module: str, name: str) -> Edit | None:
    """The edit adding ``name`` to the file's own one-line ``from module import a, b``
    at module level (in sorted place when its names are sorted), so the module is not
    imported twice: a block kept in the project's own order stays otherwise as it was."""
    for statement in ctx.tree.body:
        if not (
            isinstance(statement, ast.ImportFrom)
            and statement.level == 0
            and statement.module == module
            and statement.lineno == statement.end_lineno
            and all(alias.asname is None and alias.name != "*" for alias in statement.names)
        ):
            continue
        start, end = ctx.offsets(statement)
        written = ctx.source.text[start:end]
        after, _ = rest_of_line(ctx, end)
        if "(" in written or after.strip():  # brackets, or ``; x = 1`` / a comment after it
            continue
        names = [alias.name for alias in statement.names]
        key = _import_name_key
        position = len(names)
        if names == sorted(names, key=key):
            position = next((i for i, n in enumerate(names) if key(n) > key(name)), len(names))
        joined = [*names[:position], name, *names[position:]]
        return Edit(start, end, f"from {module} import {', '.join(joined)}")
    return None


def _import_name_key(name: str) -> tuple[int, str, str]:
    """ruff's order of imported names: CONSTANTS, Classes, then the rest."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), name)


def _last_import_of(ctx: FileContext, package: str) -> ast.stmt | None:
    """The last statement of the file's top import block importing from ``package``."""
    last: ast.stmt | None = None
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ImportFrom):
            modules = [] if statement.level else [statement.module or ""]
        elif isinstance(statement, ast.Import):
            modules = [alias.name for alias in statement.names]
        elif isinstance(statement, ast.Expr) and last is None:
            continue  # the docstring
        else:
            break
        if any(m == package or m.startswith(package + ".") for m in modules):
            last = statement
    return last


def add_import(
    ctx: FileContext,
    module: str,
    name: str,
    *,
    merge_into: Iterable[ast.ImportFrom] = (),
    unless_importing: frozenset[str] = frozenset(),
) -> tuple[str, Edit | None]:
    """Make ``module.name`` usable at module level, preferring to add it to one of the
    ``merge_into`` statements that imports from ``module`` (skipping a star import and
    any statement importing one of ``unless_importing``: another fix rewrites those).
    Returns the expression to use and the edit, None when nothing needs adding."""
    existing = ctx.imported_as(f"{module}.{name}")
    if existing is not None:
        return existing, None
    found, _ = ctx.lookup(name)
    if found:
        owner, edit = ensure_import(ctx, module)
        return f"{owner}.{name}", edit
    for stmt in merge_into:
        if stmt.module != module or any(
            alias.name == "*" or alias.name in unless_importing for alias in stmt.names
        ):
            continue
        return name, insert_after(ctx, stmt.names[-1], f", {name}")
    # The statements left out above are another fix's to rewrite: none is joined.
    return ensure_import(ctx, module, name, join=False)


def _import_position(ctx: FileContext) -> tuple[int, str]:
    """Where a new import goes: after the docstring and ``__future__`` imports, before
    the first other statement (so stdlib imports land above the rest)."""
    body = ctx.tree.body
    source = ctx.source
    line = 1
    index = 0
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        line = body[0].end_lineno + 1  # type: ignore[operator]  # parsed: never None
        index = 1
    while index < len(body):
        statement = body[index]
        if not (isinstance(statement, ast.ImportFrom) and statement.module == "__future__"):
            break
        line = statement.end_lineno + 1  # type: ignore[operator]  # parsed: never None
        index += 1
    if index < len(body):
        line = body[index].lineno
    text = source.text
    if line > len(source.lines) or (
        index >= len(body) and line == len(source.lines) and not text.endswith("\n")
    ):
        return len(text), source.newline if text and not text.endswith("\n") else ""
    return source.line_start(line), ""


# ------------------------------------------------------------ comma-separated lists
def _list_cuts(
    ctx: FileContext,
    items: Sequence[ast.AST],
    removed: Collection[ast.AST],
    container_start: int,
    limit: int,
) -> list[tuple[int, int]] | None:
    """The ranges to delete so that ``removed`` leave the comma-separated ``items``
    (arguments of a call, names of an import), merged and sorted; None when something
    unexpected (a comment before a comma, a parenthesised item) is in the way.
    ``limit`` is where the last item's trailing text ends (the closing parenthesis)."""
    text = ctx.source.text
    gone = {id(n) for n in removed}
    spans = [ctx.offsets(n) for n in items]
    count = len(items)
    commas = [
        _comma_after(text, spans[k][1], spans[k + 1][0] if k + 1 < count else limit)
        for k in range(count)
    ]
    ranges: list[tuple[int, int]] = []
    for k in range(count):
        if id(items[k]) not in gone:
            continue
        if commas[k] == -2:
            return None
        if commas[k] >= 0:
            ranges.append(_with_comma(ctx, items[k], spans[k], commas[k], container_start))
    last = count - 1
    if count and id(items[last]) in gone and commas[last] == -1:
        # The last item has no comma of its own: the comma before it goes instead, that
        # of the last item kept, unless a comment in between would go with it.
        kept = [k for k in range(count) if id(items[k]) not in gone]
        start, end = spans[last]
        gaps = [text[spans[k][1] : spans[k + 1][0]] for k in range(kept[-1] if kept else 0, last)]
        gaps.append(text[end:limit])  # a comment after the last item
        commented = any("#" in gap for gap in gaps)
        if not kept:
            ranges.append(_last_item(ctx, items[last], start, end) if commented else (start, end))
        elif not commented:
            ranges.append((spans[kept[-1]][1], end))
        else:
            comma = commas[kept[-1]]
            if comma < 0:
                return None
            ranges.append((comma, comma + 1))
            ranges.append(_last_item(ctx, items[last], start, end))
    merged = _tidied(text, _merged(ranges), container_start)
    if merged and not container_start <= merged[0][0] <= merged[-1][1] <= limit:
        return None
    return merged


def _tidied(
    text: str, ranges: list[tuple[int, int]], container_start: int
) -> list[tuple[int, int]]:
    """``ranges`` widened where the items of one line went together (``a, b,`` of
    ``a, b,`` or of ``x, a, b,``): a line they leave blank goes whole, and the blanks
    they leave at the end of a line go too. Each item's own cut sees only its
    neighbours, so without this a line keeps its indentation, or a trailing space, that
    ruff's W291/W293 and every formatter would flag."""
    tidied: list[tuple[int, int]] = []
    for start, end in ranges:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if text[end - 1] == "\n" or line_end < 0 or text[end:line_end].strip():
            # A whole line cut already, or something stays after the cut on its line.
            tidied.append((start, end))
        elif line_start > container_start and not text[line_start:start].strip():
            tidied.append((line_start, line_end + 1))  # nothing stays: the whole line
        else:
            while start > container_start and text[start - 1] in " \t":
                start -= 1
            tidied.append((start, end))
    return _merged(tidied)


def _comma_after(text: str, position: int, limit: int) -> int:
    """Offset of the comma that ends an item, -1 when there is none before ``limit``
    (the last item; a comment after it is fine), -2 when something unexpected is in
    the way."""
    commented = False
    while position < limit:
        char = text[position]
        if char == ",":
            # A comment between an item and its comma: leave it alone.
            return -2 if commented else position
        if char == "#":
            commented = True
            newline = text.find("\n", position, limit)
            position = limit if newline < 0 else newline
            continue
        if char not in " \t\r\n\\":
            return -2  # e.g. the closing parenthesis of a parenthesised item
        position += 1
    return -1


def _with_comma(
    ctx: FileContext, item: ast.AST, span: tuple[int, int], comma: int, container_start: int
) -> tuple[int, int]:
    """An item and its comma, with the blanks after it; the whole line when the item
    has it to itself, the blanks before it when it ends its line or a comment follows
    it there."""
    text = ctx.source.text
    start = span[0]
    delete_from, delete_to = start, comma + 1
    while delete_to < len(text) and text[delete_to] in " \t":
        delete_to += 1
    line_start = ctx.source.line_start(item.lineno)  # type: ignore[attr-defined]  # a located node
    at_line_end = text.startswith(("\n", "\r\n"), delete_to)
    if text.startswith("#", delete_to) and text[line_start:start].strip():
        # A comment ends the line, after other code: the blanks before it stay (two
        # spaces, as pycodestyle's E261 wants), those before the item go instead.
        delete_to = comma + 1
        while delete_from > container_start and text[delete_from - 1] in " \t":
            delete_from -= 1
    elif at_line_end and not text[line_start:start].strip():
        # The item has the line to itself: drop the line.
        delete_from = line_start
        delete_to = text.index("\n", delete_to) + 1
    elif at_line_end:
        while delete_from > container_start and text[delete_from - 1] in " \t":
            delete_from -= 1
    return delete_from, delete_to


def _last_item(ctx: FileContext, item: ast.AST, start: int, end: int) -> tuple[int, int]:
    """The last item, when a comment before or after it stays: its whole line when it
    has the line to itself, else the item and the blanks after it (a comment after it
    then keeps the item's indentation)."""
    text = ctx.source.text
    line_start = ctx.source.line_start(item.lineno)  # type: ignore[attr-defined]  # a located node
    rest = end
    while rest < len(text) and text[rest] in " \t":
        rest += 1
    if text[line_start:start].strip():
        return start, end
    if text.startswith(("\n", "\r\n"), rest):
        return line_start, text.index("\n", rest) + 1
    if text.startswith("#", rest):
        return start, rest
    return line_start, end


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _cut_text(text: str, start: int, end: int, ranges: list[tuple[int, int]]) -> str:
    """``text[start:end]`` without ``ranges`` (sorted, inside it)."""
    pieces: list[str] = []
    position = start
    for cut_start, cut_end in ranges:
        pieces.append(text[position:cut_start])
        position = cut_end
    pieces.append(text[position:end])
    return "".join(pieces)


def _joined(text: str, edits: list[Edit]) -> Edit:
    """One edit doing what ``edits`` (sorted deletions) do."""
    if len(edits) == 1:
        return edits[0]
    start, end = edits[0].start, edits[-1].end
    kept = _cut_text(text, start, end, [(e.start, e.end) for e in edits])
    return Edit(start, end, kept)
