"""The edit toolbox: every builder on its own, before and after."""

from __future__ import annotations

import ast
import itertools
import re

import pytest

from fastaudit.engine import edit_builders as build
from fastaudit.engine.context import FileContext
from fastaudit.engine.edits import apply_edits
from fastaudit.model import Edit, Fix, Safety
from fastaudit.project.source import decode
from fastaudit.project.text_edits import lines_around, minimal_edit


def context(text: str) -> FileContext:
    return FileContext("m.py", decode(text.encode()), ast.parse(text), "m")


def applied(ctx: FileContext, edits: list[Edit | None] | list[Edit]) -> str:
    kept = tuple(sorted((e for e in edits if e is not None), key=lambda e: e.start))
    text, _ = apply_edits(ctx.source.text, [Fix("", Safety.SAFE, kept)])
    return text


def first(ctx: FileContext, kind: type) -> ast.AST:
    return next(n for n in ast.walk(ctx.tree) if isinstance(n, kind))


def argument(call: ast.Call, name: str) -> ast.AST:
    """A keyword by name, or a positional by its source name (``a``)."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword
    return next(a for a in call.args if isinstance(a, ast.Name) and a.id == name)


def removed(text: str, *names: str) -> str | None:
    ctx = context(text)
    call = first(ctx, ast.Call)
    assert isinstance(call, ast.Call)
    edits = build.remove_call_arguments(ctx, call, [argument(call, n) for n in names])
    return None if edits is None else applied(ctx, edits)


# ---------------------------------------------------------------- call arguments
@pytest.mark.parametrize(
    ("before", "names", "after"),
    [
        # One line: first, middle, last.
        ("f(a, b, c)\n", ("a",), "f(b, c)\n"),
        ("f(a, b, c)\n", ("b",), "f(a, c)\n"),
        ("f(a, b, c)\n", ("c",), "f(a, b)\n"),
        ("f(a, x=1, y=2)\n", ("x",), "f(a, y=2)\n"),
        ("f(a)\n", ("a",), "f()\n"),
        ("f(a, b)\n", ("a", "b"), "f()\n"),
        # A trailing comma stays with the arguments kept.
        ("f(\n    a,\n    b,\n)\n", ("a",), "f(\n    b,\n)\n"),
        ("f(\n    a,\n    b,\n)\n", ("b",), "f(\n    a,\n)\n"),
        ("f(\n    a,\n    b\n)\n", ("b",), "f(\n    a\n)\n"),
        # Several at once, next to each other or not: edits that never overlap.
        ('v("x", pre=False, allow_reuse=True)\n', ("pre", "allow_reuse"), 'v("x")\n'),
        ("f(a, b, c, d)\n", ("a", "c"), "f(b, d)\n"),
        ("f(\n    a,\n    b,\n    c,\n)\n", ("b", "c"), "f(\n    a,\n)\n"),
        # A ``#`` inside a string is no comment.
        ('f(a, b="#")\n', ("b",), "f(a)\n"),
    ],
)
def test_remove_call_arguments(before: str, names: tuple[str, ...], after: str) -> None:
    assert removed(before, *names) == after


@pytest.mark.parametrize(
    ("before", "names", "after"),
    [
        # An argument on its own line with a comment after its comma: the comment stays
        # on its line, first, middle or last.
        (
            "f(\n    a,  # about a\n    b,\n    c,\n)\n",
            ("a",),
            "f(\n    # about a\n    b,\n    c,\n)\n",
        ),
        (
            "f(\n    a,\n    b,  # about b\n    c,\n)\n",
            ("b",),
            "f(\n    a,\n    # about b\n    c,\n)\n",
        ),
        (
            "f(\n    a,\n    b,\n    c,  # about c\n)\n",
            ("c",),
            "f(\n    a,\n    b,\n    # about c\n)\n",
        ),
        # A comment on the line above the argument stays.
        (
            "f(\n    a,\n    # about b\n    b,\n)\n",
            ("b",),
            "f(\n    a,\n    # about b\n)\n",
        ),
        # The last argument without a trailing comma, a comment before it: only the
        # comma before and the argument's line go.
        (
            "f(\n    a,  # about a\n    b\n)\n",
            ("b",),
            "f(\n    a  # about a\n)\n",
        ),
        (
            "f(\n    a,\n    # about b\n    b\n)\n",
            ("b",),
            "f(\n    a\n    # about b\n)\n",
        ),
        ("f(a,  # about a\n  b)\n", ("b",), "f(a  # about a\n)\n"),
        # A comment after the last argument stays, at its indentation.
        ("f(\n    a,\n    b  # about b\n)\n", ("b",), "f(\n    a\n    # about b\n)\n"),
        ("f(\n    a  # about a\n)\n", ("a",), "f(\n    # about a\n)\n"),
        # Several at once, with comments among them.
        (
            "f(\n    a,  # about a\n    b,  # about b\n    c\n)\n",
            ("b", "c"),
            "f(\n    a  # about a\n    # about b\n)\n",
        ),
    ],
)
def test_comments_between_arguments_survive(
    before: str, names: tuple[str, ...], after: str
) -> None:
    assert removed(before, *names) == after


@pytest.mark.parametrize(
    ("before", "name"),
    [
        ("f(a  # why\n  , b)\n", "a"),  # a comment between an argument and its comma
        ("f((a), b)\n", "a"),  # a parenthesised argument
    ],
)
def test_unusual_text_around_an_argument_is_left_alone(before: str, name: str) -> None:
    assert removed(before, name) is None


LAYOUTS = [
    "f(a, b, c)\n",
    "f(a, b, c,)\n",
    "f(\n    a,\n    b,\n    c,\n)\n",
    "f(\n    a,\n    b,\n    c\n)\n",
    "f(  # call\n    a,  # one\n    # two\n    b,  # two more\n    c  # three\n)  # end\n",
    "f(a,  # one\n  b,  # two\n  c)\n",
    # Several arguments to a line: those removed together leave no blank line and no
    # trailing blank (ruff's W293 and W291).
    "f(\n    a, b,\n    c,\n)\n",
    "f(\n    a,\n    b, c,\n)\n",
    "f(\n    a, b, c,\n)\n",
    "f(\n    a, b,  # two\n    c,\n)\n",
    "f(a, b,\n  c)\n",
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_any_subset_removed_leaves_the_call_without_it_and_every_comment(layout: str) -> None:
    comments = sorted(re.findall(r"#[^\n]*", layout))
    for size in (1, 2, 3):
        for names in itertools.combinations("abc", size):
            after = removed(layout, *names)
            assert after is not None, (layout, names)
            call = ast.parse(after).body[0].value  # type: ignore[attr-defined]  # an Expr: a call
            assert [n.id for n in call.args] == [n for n in "abc" if n not in names]
            assert sorted(re.findall(r"#[^\n]*", after)) == comments
            assert all(line == line.rstrip() for line in after.split("\n")), (names, after)
            # An inline comment keeps its two spaces (pycodestyle's E261).
            assert all(len(gap) >= 2 for gap in re.findall(r"\S( *)#", after)), (names, after)


def test_remove_call_argument_is_one_edit_with_the_comment_in_its_text() -> None:
    ctx = context("f(\n    a,  # about a\n    b\n)\n")
    call = first(ctx, ast.Call)
    assert isinstance(call, ast.Call)
    edit = build.remove_call_argument(ctx, call, call.args[1])
    assert edit is not None
    assert applied(ctx, [edit]) == "f(\n    a  # about a\n)\n"


def test_add_call_argument() -> None:
    ctx = context("f()\ng(a, b=1)\n")
    calls = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call)]
    edits = [build.add_call_argument(ctx, call, "x=2") for call in calls]
    assert applied(ctx, edits) == "f(x=2)\ng(a, b=1, x=2)\n"


# ------------------------------------------------------------- replace, insert, rename
def test_replace_and_insert_around_a_node() -> None:
    ctx = context("x = value\n")
    node = ctx.tree.body[0].value  # type: ignore[attr-defined]  # the text is an Assign
    assert applied(ctx, [build.replace(ctx, node, "other")]) == "x = other\n"
    assert applied(ctx, [build.insert_before(ctx, node, "(")]) == "x = (value\n"
    assert applied(ctx, [build.insert_after(ctx, node, ")")]) == "x = value)\n"


def test_insert_line_before_keeps_the_indentation() -> None:
    ctx = context("class A:\n    def f(cls):\n        pass\n")
    function = first(ctx, ast.FunctionDef)
    edit = build.insert_line_before(ctx, function, "@classmethod")
    assert applied(ctx, [edit]) == "class A:\n    @classmethod\n    def f(cls):\n        pass\n"
    inline = context("x = 1; y = 2\n")
    assert build.insert_line_before(inline, inline.tree.body[1], "z = 3") is None


def test_insert_line_before_keeps_crlf() -> None:
    ctx = context("def f(\r\n    a=1,\r\n    b=2,\r\n): pass\r\n")
    b = first(ctx, ast.FunctionDef).args.args[1]  # type: ignore[attr-defined]  # first() -> ast.AST
    edit = build.insert_line_before(ctx, b, "*,")
    assert applied(ctx, [edit]) == "def f(\r\n    a=1,\r\n    *,\r\n    b=2,\r\n): pass\r\n"


def test_lines() -> None:
    ctx = context("a = 1\nb = 2\nc = 3\n")
    assert applied(ctx, [build.insert_at_line(ctx.source, 2, "x = 0\n")]) == (
        "a = 1\nx = 0\nb = 2\nc = 3\n"
    )
    assert applied(ctx, [build.replace_lines(ctx.source, 2, 3, "z = 9\n")]) == "a = 1\nz = 9\n"
    assert lines_around(ctx.source.text, 6, 7) == (6, 12, "", " = 2\n")


def test_renames() -> None:
    ctx = context("m.parse_obj(x, orm_mode=True)\n")
    call = first(ctx, ast.Call)
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    edits = [
        build.rename_attribute(ctx, call.func, "model_validate"),
        build.rename_keyword(ctx, call.keywords[0], "from_attributes"),
    ]
    assert applied(ctx, edits) == "m.model_validate(x, from_attributes=True)\n"


def test_with_subscript_element() -> None:
    ctx = context("x: Annotated[int, Gt(0)]\ny: list[int]\n")
    first_, second = (s.annotation for s in ctx.tree.body)  # type: ignore[attr-defined]  # AnnAssigns
    assert build.with_subscript_element(ctx, first_, "Query()") == (
        "Annotated[int, Gt(0), Query()]"
    )
    assert build.with_subscript_element(ctx, second, "str") == "list[int, str]"


# ------------------------------------------------------------------- statements
def test_remove_statement_takes_its_line_or_leaves_pass() -> None:
    ctx = context("import a\nimport b\nif x:\n    import c\nimport d; import e\n")
    body = ctx.tree.body
    own = build.remove_statement(ctx, body[1], alone=False)
    assert applied(ctx, [own]) == "import a\nif x:\n    import c\nimport d; import e\n"
    nested = body[2].body[0]  # type: ignore[attr-defined]  # body[2] is the `if`
    assert build.only_in_block(nested, body[2])
    assert applied(ctx, [build.remove_statement(ctx, nested, alone=True)]).endswith(
        "if x:\n    pass\nimport d; import e\n"
    )
    shared = build.remove_statement(ctx, body[3], alone=False)
    assert applied(ctx, [shared]).endswith("pass; import e\n")


def test_statement_separator() -> None:
    ctx = context("def f():\n    import a\n    b = 1; import c\n")
    function = ctx.tree.body[0]
    assert build.statement_separator(ctx, function.body[0]) == "\n    "  # type: ignore[attr-defined]  # a def
    assert build.statement_separator(ctx, function.body[2]) == "; "  # type: ignore[attr-defined]  # a def


# ---------------------------------------------------------------------- imports
def remove_name(text: str, name: str) -> str | None:
    ctx = context(text)
    stmt = first(ctx, ast.ImportFrom)
    assert isinstance(stmt, ast.ImportFrom)
    alias = next(a for a in stmt.names if a.name == name)
    edit = build.remove_import_name(ctx, stmt, alias)
    return None if edit is None else applied(ctx, [edit])


@pytest.mark.parametrize(
    ("before", "name", "after"),
    [
        ("from m import a, b, c\n", "a", "from m import b, c\n"),
        ("from m import a, b, c\n", "c", "from m import a, b\n"),
        ("from m import (a, b)\n", "b", "from m import (a)\n"),
        ("from m import (\n    a,\n    b,\n)\n", "a", "from m import (\n    b,\n)\n"),
        (
            "from m import (\n    a,  # first\n    b\n)\n",
            "b",
            "from m import (\n    a  # first\n)\n",
        ),
    ],
)
def test_remove_import_name(before: str, name: str, after: str) -> None:
    assert remove_name(before, name) == after


def test_ensure_import_goes_after_docstring_and_future_imports() -> None:
    ctx = context('"""Doc."""\nfrom __future__ import annotations\n\nx = 1\n')
    name, edit = build.ensure_import(ctx, "typing", "Annotated")
    assert name == "Annotated"
    assert applied(ctx, [edit]) == (
        '"""Doc."""\nfrom __future__ import annotations\n\nfrom typing import Annotated\nx = 1\n'
    )


def test_ensure_import_reuses_what_is_there() -> None:
    ctx = context("import typing as t\nfrom typing import Any\n")
    assert build.ensure_import(ctx, "typing", "Any") == ("Any", None)
    assert build.ensure_import(ctx, "typing", "Annotated") == ("t.Annotated", None)


def test_add_import_merges_into_a_statement_of_the_module() -> None:
    text = "from pydantic import BaseModel\nfrom os import path\n\nx = 1\n"
    ctx = context(text)
    statements = [s for s in ctx.tree.body if isinstance(s, ast.ImportFrom)]
    name, edit = build.add_import(ctx, "pydantic", "ConfigDict", merge_into=statements)
    assert name == "ConfigDict"
    assert applied(ctx, [edit]).startswith("from pydantic import BaseModel, ConfigDict\n")
    # A statement another fix rewrites is not merged into: a new one is added.
    name, edit = build.add_import(
        ctx,
        "pydantic",
        "ConfigDict",
        merge_into=statements,
        unless_importing=frozenset({"BaseModel"}),
    )
    assert applied(ctx, [edit]).startswith(
        "from pydantic import ConfigDict\nfrom pydantic import BaseModel\n"
    )


def test_minimal_edit_touches_only_what_differs() -> None:
    assert minimal_edit('name = "^1.0"\n', 'name = "^2.0"\n') == Edit(9, 10, "2")
    assert minimal_edit("same", "same") == Edit(4, 4, "")
