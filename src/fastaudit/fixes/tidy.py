"""Leave the imports of a fixed file as the project's import sorter would.

Fixes add imports (``import asyncio``, ``from typing import Annotated``) and take away
the last use of others (``time`` after ``time.sleep`` became ``asyncio.sleep``). On a
project that runs ruff's or isort's import sorting, a fix that leaves an import
unsorted or unused turns a clean ``ruff check`` red. So after a file's fixes:

1. an import whose last use the fixes removed is removed too, unless something may
   still reach it by name: a string naming it (``__all__``, ``mock.patch("pkg.mod.time")``
   anywhere in the project), or a package ``__init__`` re-exporting it;
2. the top-of-file import block is sorted the way ruff's default ``I`` rules sort it,
   but only when the block was already sorted that way before the fix. That check is
   what tells us the project uses this style: a block kept in another order (another
   isort profile, by hand) is never reordered.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from fastaudit.engine.walk import walk

STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}
_SECTIONS = ("future", "stdlib", "third", "first", "local")
DEFAULT_LINE_LENGTH = 88


@dataclass(slots=True)
class _From:
    level: int
    module: str
    names: list[tuple[str, str | None]] = field(default_factory=list)
    multiline: bool = False  # a magic trailing comma keeps it one name per line
    # Aliased names (one statement each) whose own statement had that comma.
    split: set[tuple[str, str | None]] = field(default_factory=set)


@dataclass(slots=True)
class ImportStyle:
    """What the sorter needs to know about the project."""

    first_party: frozenset[str] = frozenset()
    line_length: int = DEFAULT_LINE_LENGTH


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# ------------------------------------------------------------------ the block
def _block(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports at the top of the module, after the docstring, up to the first
    other statement."""
    body = list(tree.body)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    found: list[ast.Import | ast.ImportFrom] = []
    for stmt in body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            break
        found.append(stmt)
    return found


def _section(module: str, level: int, style: ImportStyle) -> str:
    if level:
        return "local"
    top = module.split(".")[0]
    if module == "__future__":
        return "future"
    if top in STDLIB:
        return "stdlib"
    if top in style.first_party:
        return "first"
    return "third"


def _member_key(name: str, asname: str | None) -> tuple[int, str, str]:
    # ruff's order-by-type: CONSTANTS, then Classes, then everything else.
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, name.lower(), f"{name} {asname or ''}")


def _module_key(module: str) -> tuple[str, str]:
    return (module.lower(), module)


def render(
    statements: list[ast.Import | ast.ImportFrom],
    style: ImportStyle,
    lines: list[str],
    newline: str = "\n",
) -> str:
    """The block as ruff's default import sorting writes it."""
    straight: dict[str, set[tuple[str, str | None]]] = {s: set() for s in _SECTIONS}
    froms: dict[str, dict[tuple[int, str, bool], _From]] = {s: {} for s in _SECTIONS}
    for stmt in statements:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                straight[_section(alias.name, 0, style)].add((alias.name, alias.asname))
            continue
        module = stmt.module or ""
        section = _section(module, stmt.level, style)
        multiline = stmt.end_lineno != stmt.lineno and _trailing_comma(stmt, lines)
        for alias in stmt.names:
            aliased = alias.asname is not None
            key = (stmt.level, module, aliased)
            entry = froms[section].get(key)
            if entry is None:
                entry = froms[section][key] = _From(stmt.level, module)
            if (alias.name, alias.asname) not in entry.names:
                entry.names.append((alias.name, alias.asname))
            entry.multiline = entry.multiline or multiline
            if aliased and multiline:
                entry.split.add((alias.name, alias.asname))
    out: list[str] = []
    for section in _SECTIONS:
        chunk: list[str] = []
        for name, asname in sorted(
            straight[section], key=lambda n: (*_module_key(n[0]), n[1] or "")
        ):
            chunk.append(f"import {name} as {asname}" if asname else f"import {name}")
        # One statement per aliased name (combine-as-imports is off), one for the plain
        # names of a module; statements of one module are ordered, as ruff does, by
        # their first name (``import Account as A`` before ``import AccountUpdate``).
        ordered: list[tuple[tuple[int, str, str, tuple[int, str, str], str], str]] = []
        for entry in froms[section].values():
            names = sorted(entry.names, key=lambda n: _member_key(*n))
            groups = [[n] for n in names] if entry.names[0][1] is not None else [names]
            for group in groups:
                first = _member_key(*group[0])
                order = (-entry.level, *_module_key(entry.module), first, group[0][1] or "")
                aliased = entry.names[0][1] is not None
                multiline = group[0] in entry.split if aliased else entry.multiline
                ordered.append((order, _from_line(entry, group, style, multiline)))
        chunk.extend(line for _, line in sorted(ordered, key=lambda item: item[0]))
        if chunk:
            out.append(newline.join(chunk))
    return (newline + newline).join(out)


def _trailing_comma(stmt: ast.ImportFrom, lines: list[str]) -> bool:
    last = stmt.names[-1]
    line = lines[last.end_lineno - 1] if last.end_lineno else ""
    return line[last.end_col_offset :].lstrip().startswith(",")


def _from_line(
    entry: _From, names: list[tuple[str, str | None]], style: ImportStyle, multiline: bool
) -> str:
    module = "." * entry.level + entry.module
    parts = [f"{n} as {a}" if a else n for n, a in names]
    single = f"from {module} import {', '.join(parts)}"
    if not multiline and len(single) <= style.line_length:
        return single
    body = "".join(f"    {p},\n" for p in parts)
    return f"from {module} import (\n{body})"


def _span(
    statements: list[ast.Import | ast.ImportFrom], source_lines: list[str]
) -> tuple[int, int]:
    """First and last line (1-based) of the block."""
    return statements[0].lineno, statements[-1].end_lineno  # type: ignore[return-value]  # parsed: never None


def _block_text(lines: list[str], first: int, last: int) -> str:
    return "".join(lines[first - 1 : last]).rstrip("\r\n")


def _has_comment_or_semicolon(text: str) -> bool:
    return "#" in text or ";" in text or "\\" in text


# ------------------------------------------------------------ unused imports
def _loads(tree: ast.Module) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _string_words(tree: ast.Module) -> set[str]:
    words: set[str] = set()
    for node in walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.update(_WORD.findall(node.value))
    return words


def _bound_by(alias: ast.alias, stmt: ast.Import | ast.ImportFrom) -> str:
    if isinstance(stmt, ast.Import):
        return alias.asname or alias.name.split(".")[0]
    return alias.asname or alias.name


def unused_after_fix(old_tree: ast.Module, new_tree: ast.Module) -> set[str]:
    """Names bound by top-level imports that the original used and the fixed file no
    longer reads anywhere (not even in a string)."""
    before = _loads(old_tree)
    after = _loads(new_tree)
    in_strings = _string_words(new_tree)
    names: set[str] = set()
    for stmt in new_tree.body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        for alias in stmt.names:
            if alias.name == "*":
                continue
            name = _bound_by(alias, stmt)
            if before.get(name, 0) and not after.get(name, 0) and name not in in_strings:
                names.add(name)
    return names


# ------------------------------------------------------------------- tidy
def tidy_imports(
    old: str,
    new: str,
    *,
    style: ImportStyle,
    module: str = "",
    is_package: bool = False,
    mentioned: Callable[[str], bool] = lambda dotted: False,
) -> str:
    """``new`` (the fixed text of ``old``) with the imports its fixes left unused
    removed and its import block sorted, when the original block was sorted."""
    if old == new:
        return new
    old_tree = _parse(old)
    new_tree = _parse(new)
    if old_tree is None or new_tree is None:
        return new
    unused = set() if is_package else unused_after_fix(old_tree, new_tree)
    unused = {n for n in unused if not mentioned(f"{module}.{n}" if module else n)}
    new_lines = new.splitlines(keepends=True)
    # The file's own line ending, taken from its first line (CRLF, LF or classic-Mac CR).
    first_line = new_lines[0] if new_lines else "\n"
    newline = first_line[len(first_line.rstrip("\r\n")) :] or "\n"
    old_block = _block(old_tree)
    new_block = _block(new_tree)
    sorted_before = bool(old_block and new_block) and _kept_sorted(
        old_block, old.splitlines(keepends=True), style, newline
    )
    if sorted_before:
        first, last = _span(new_block, new_lines)
        text = _block_text(new_lines, first, last)
        if not _has_comment_or_semicolon(text):
            kept = _without(new_block, unused)
            rendered = render(kept, style, new_lines, newline) if kept else ""
            tail = "".join(new_lines[last:])
            head = "".join(new_lines[: first - 1])
            # With nothing left to import, the blank lines after the block go too.
            result = head + rendered + newline + tail if rendered else head + tail.lstrip("\r\n")
            return (
                _sort_guarded(old_tree, old, result, style, newline)
                if _parse(result) is not None
                else new
            )
    return _sort_guarded(
        old_tree, old, _remove_lines(new, new_tree, new_lines, unused), style, newline
    )


# ------------------------------------------------- imports under a module-level if
def _guarded_runs(tree: ast.Module) -> dict[tuple[str, int], list[ast.Import | ast.ImportFrom]]:
    """The imports opening the body of each module-level ``if`` (``if TYPE_CHECKING:``),
    keyed by the test's text and its occurrence: a fix adds statements at the top, so
    positions move but the ``if`` statements stay the same."""
    runs: dict[tuple[str, int], list[ast.Import | ast.ImportFrom]] = {}
    seen: dict[str, int] = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.If):
            continue
        test = ast.unparse(stmt.test)
        seen[test] = seen.get(test, 0) + 1
        run: list[ast.Import | ast.ImportFrom] = []
        for inner in stmt.body:
            if not isinstance(inner, (ast.Import, ast.ImportFrom)):
                break
            run.append(inner)
        if run:
            runs[(test, seen[test])] = run
    return runs


def _render_indented(
    run: list[ast.Import | ast.ImportFrom], style: ImportStyle, lines: list[str], newline: str
) -> str:
    indent = " " * run[0].col_offset
    narrower = ImportStyle(style.first_party, style.line_length - len(indent))
    return re.sub(r"(?m)^(?=[^\r\n])", indent, render(run, narrower, lines, newline))


def _kept_sorted(
    run: list[ast.Import | ast.ImportFrom], lines: list[str], style: ImportStyle, newline: str
) -> bool:
    """Whether the imports of ``run`` stand in ``lines`` exactly as ruff's sorting writes
    them (with no comment or semicolon among them): the sign the project keeps that
    style, and so that a fix may sort them again."""
    first, last = _span(run, lines)
    text = _block_text(lines, first, last)
    return not _has_comment_or_semicolon(text) and text == _render_indented(
        run, style, lines, newline
    )


def _sort_guarded(
    old_tree: ast.Module, old: str, new: str, style: ImportStyle, newline: str
) -> str:
    """``new`` with the imports under each module-level ``if`` sorted as ruff sorts
    them, where they were sorted that way before the fixes (ruff's I001 reads every
    block of imports, not only the file's first; STR102's fix rewrites imports under
    ``if TYPE_CHECKING:``)."""
    new_tree = _parse(new)
    if new_tree is None:
        return new
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    before = _guarded_runs(old_tree)
    replacements: list[tuple[int, int, str]] = []
    for key, run in _guarded_runs(new_tree).items():
        old_run = before.get(key)
        if old_run is None:
            continue
        if not _kept_sorted(old_run, old_lines, style, newline):
            continue  # not kept in ruff's order before: not ours to reorder
        first, last = _span(run, new_lines)
        text = _block_text(new_lines, first, last)
        rendered = _render_indented(run, style, new_lines, newline)
        if text != rendered and not _has_comment_or_semicolon(text):
            replacements.append((first, last, rendered))
    if not replacements:
        return new
    for first, last, rendered in sorted(replacements, reverse=True):
        new_lines[first - 1 : last] = [rendered + newline]
    result = "".join(new_lines)
    return result if _parse(result) is not None else new


def _without(
    statements: list[ast.Import | ast.ImportFrom], unused: set[str]
) -> list[ast.Import | ast.ImportFrom]:
    """The statements with the unused names dropped (as fresh nodes)."""
    kept: list[ast.Import | ast.ImportFrom] = []
    for stmt in statements:
        names = [a for a in stmt.names if _bound_by(a, stmt) not in unused]
        if not names:
            continue
        if len(names) == len(stmt.names):
            kept.append(stmt)
            continue
        clone = (
            ast.Import(names=names)
            if isinstance(stmt, ast.Import)
            else ast.ImportFrom(module=stmt.module, names=names, level=stmt.level)
        )
        ast.copy_location(clone, stmt)
        clone.end_lineno = stmt.end_lineno
        kept.append(clone)
    return kept


def _remove_lines(text: str, tree: ast.Module, lines: list[str], unused: set[str]) -> str:
    """Without a sorted block to re-render: delete a top-level import statement all of
    whose names went unused, and drop the unused names from one that keeps others
    (``from pydantic import Field, field_validator`` -> ``... import field_validator``),
    written back in its own layout; a statement holding a comment or sharing a line
    with another statement is left alone."""
    if not unused:
        return text
    # First line -> (last line, the statement's new text; "" deletes it).
    rewrites: dict[int, tuple[int, str]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        kept = [a for a in stmt.names if _bound_by(a, stmt) not in unused]
        if len(kept) == len(stmt.names):
            continue
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
        written = "".join(lines[first - 1 : last])
        segment = ast.get_source_segment(text, stmt) or ""
        if written.strip() != segment or "#" in segment or ";" in written:
            continue
        newline = written[len(written.rstrip("\r\n")) :] or "\n"
        rewrites[first] = (last, _rewritten(stmt, kept, segment, newline) if kept else "")
    if not rewrites:
        return text
    out: list[str] = []
    number = 1
    while number <= len(lines):
        if number in rewrites:
            last, statement = rewrites[number]
            out.append(statement)
            number = last + 1
            continue
        out.append(lines[number - 1])
        number += 1
    result = "".join(out)
    return result if _parse(result) is not None else text


def _rewritten(
    stmt: ast.Import | ast.ImportFrom, kept: list[ast.alias], segment: str, newline: str
) -> str:
    """``stmt`` importing only ``kept``, one line or one name per line as it was."""
    names = [f"{a.name} as {a.asname}" if a.asname else a.name for a in kept]
    indent = " " * stmt.col_offset
    if isinstance(stmt, ast.Import):
        return f"{indent}import {', '.join(names)}{newline}"
    head = f"{indent}from {'.' * stmt.level}{stmt.module or ''} import "
    if "\n" not in segment:
        return f"{head}{', '.join(names)}{newline}"
    inner = indent + "    "
    body = "".join(f"{inner}{name},{newline}" for name in names)
    return f"{head}({newline}{body}{indent}){newline}"
