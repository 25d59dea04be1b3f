"""Positions of TOML values, matched to tomllib's key paths."""

from __future__ import annotations

import tomllib

import pytest

from fastaudit.project.deps.toml_positions import scan_positions

DOCUMENT = '''\
# top comment with "quotes" and [brackets]
[project]
name = "shop"
dependencies = [
  "fastapi>=0.100",  # a comment, with a ] bracket
  'pydantic<2',
  """httpx""",

  # a comment line inside the array
  "sqlalchemy[asyncio] >= 2.0 ; python_version >= '3.11'"
]
"quoted.key".inner = 1
escaped = "a \\" quote"
literal = 'C:\\path'
multi = """
one " two "" three
"""
date = 1979-05-27 07:32:00  # a date with a space

[tool.poetry.dependencies]
python = "^3.11"
fastapi = { version = "^0.100", extras = ["standard"] }
sqlalchemy = [
    { version = "^1.4", python = "<3.11" },
    { version = "^2.0", python = ">=3.11" },
]

[tool.poetry.dependencies.pydantic]
version = ">=2.5"

[[package]]
name = "a"
[package.metadata]
requires-dist = [{ name = "x", specifier = ">=1" }]
[[package]]
name = "b"
[[package.wheels]]
url = "w"
'''


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_every_scalar_is_found_at_its_line():
    data = tomllib.loads(DOCUMENT)
    positions = scan_positions(DOCUMENT)

    def value(path):
        span = positions.values[path]
        return DOCUMENT[span.start : span.end], line_of(DOCUMENT, span.start)

    assert value(("project", "dependencies", 0)) == ('"fastapi>=0.100"', 5)
    assert value(("project", "dependencies", 1)) == ("'pydantic<2'", 6)
    assert value(("project", "dependencies", 2)) == ('"""httpx"""', 7)
    assert value(("project", "dependencies", 3))[1] == 10
    assert value(("project", "quoted.key", "inner")) == ("1", 12)
    assert value(("project", "date")) == ("1979-05-27 07:32:00", 18)
    assert value(("tool", "poetry", "dependencies", "fastapi", "version")) == ('"^0.100"', 22)
    assert value(("tool", "poetry", "dependencies", "sqlalchemy", 1, "python")) == (
        '">=3.11"',
        25,
    )
    assert value(("tool", "poetry", "dependencies", "pydantic", "version")) == ('">=2.5"', 29)
    assert value(("package", 0, "metadata", "requires-dist", 0, "specifier")) == ('">=1"', 34)
    assert value(("package", 1, "name")) == ('"b"', 36)
    assert value(("package", 1, "wheels", 0, "url")) == ('"w"', 38)
    # Raw spans are exactly the value; escaped and multi-line strings are marked so.
    for path in [("project", "dependencies", i) for i in range(4)] + [("project", "literal")]:
        span = positions.values[path]
        item = data
        for key in path:
            item = item[key]
        if span.raw:
            assert DOCUMENT[span.inner_start : span.inner_end] == item
    assert not positions.values[("project", "escaped")].raw
    assert not positions.values[("project", "dependencies", 2)].raw


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_endings_do_not_move_positions(newline):
    text = DOCUMENT.replace("\n", newline)
    span = scan_positions(text).values[("tool", "poetry", "dependencies", "python")]
    assert text[span.inner_start : span.inner_end] == "^3.11"
    assert line_of(text, span.start) == 21
