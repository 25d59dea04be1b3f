"""Constraint arithmetic: what a written range admits, and raising its lower bound."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fastaudit.project.deps.model import Syntax
from fastaudit.project.deps.raising import raise_to
from fastaudit.project.deps.specs import SpecError, bounds_of, pep440, show

P, POETRY, V = Syntax.PEP440, Syntax.POETRY, Syntax.VERSION


@pytest.mark.parametrize(
    ("text", "syntax", "pep"),
    [
        ("^1.2.3", POETRY, ">=1.2.3,<2"),
        ("^0.100", POETRY, ">=0.100,<0.101"),
        ("^0.0.3", POETRY, ">=0.0.3,<0.0.4"),
        ("^0", POETRY, ">=0,<1"),
        ("~1.2.3", POETRY, ">=1.2.3,<1.3"),
        ("~1", POETRY, ">=1,<2"),
        ("1.2.*", POETRY, ">=1.2,<1.3"),
        ("*", POETRY, ""),
        ("1.4.0", POETRY, "==1.4.0"),
        (">= 1.2, < 1.5", POETRY, ">=1.2,<1.5"),
        ("3.12", V, "==3.12.*"),
        ("3.12.1", V, "==3.12.1"),
        ("~=0.100", P, "~=0.100"),
    ],
)
def test_poetry_and_version_constraints_have_a_pep440_meaning(text, syntax, pep):
    assert pep440(text, syntax) == SpecifierSet(pep)


def test_poetry_alternatives_have_one_bounds_each():
    low, high = bounds_of(">=0.90,<0.100 || >=0.115", POETRY)
    assert (low.lower, low.upper) == (Version("0.90"), Version("0.100"))
    assert (high.lower, high.upper) == (Version("0.115"), None)
    assert pep440(">=0.90,<0.100 || >=0.115", POETRY) is None


@pytest.mark.parametrize("text", ["banana", ">=1.0 and <2", "1.0", "~=1"])
def test_unreadable_pep440_constraints_raise(text):
    with pytest.raises(SpecError):
        pep440(text, P)


@pytest.mark.parametrize(
    ("text", "minimum", "below", "excludes"),
    [
        (">=0.100", "0.115", True, False),
        (">=0.115.0", "0.115", False, False),
        (">0.115", "0.115", False, False),
        ("<2", "2.7", True, True),
        ("<=2.7", "2.7", True, False),
        ("~=2.6", "2.7", True, False),
        ("~=1.10.0", "2.7", True, True),
        ("==2.6.4", "2.7", True, True),
        ("==2.8.0", "2.7", False, False),
        ("!=2.0", "2.7", True, False),
        ("", "2.7", True, False),
    ],
)
def test_bounds_against_a_minimum(text, minimum, below, excludes):
    (bounds,) = bounds_of(text, P)
    assert bounds.below(Version(minimum)) is below
    assert bounds.excludes(Version(minimum)) is excludes


@pytest.mark.parametrize(
    ("text", "syntax", "minimum", "raised", "unsafe"),
    [
        (">=0.100, <1", P, "0.115", ">=0.115, <1", False),
        (">=0.100,<1", P, "0.115", ">=0.115,<1", False),
        ("", P, "0.115", ">=0.115", False),
        ("<1.0", P, "0.115", ">=0.115,<1.0", False),
        ("<1.0, !=0.101", P, "0.115", ">=0.115, <1.0, !=0.101", False),
        (">0.100", P, "0.115", ">=0.115", False),
        ("~=0.100", P, "0.115", "~=0.115", False),
        ("~=0.100.0", P, "0.115", "~=0.115.0", True),
        ("==0.100.0", P, "0.115", "==0.115.0", True),
        ("<2", P, "2.7", ">=2.7", True),
        (">=1.10,<2", P, "2.7", ">=2.7", True),
        ("<2,>=1.10", P, "2.7", ">=2.7", True),
        ("^0.100.0", POETRY, "0.115", "^0.115.0", True),
        ("^3.8", POETRY, "3.11", "^3.11", False),
        ("~0.100", POETRY, "0.115", "~0.115", True),
        (">= 0.100 , < 1.0", POETRY, "0.115", ">= 0.115 , < 1.0", False),
        ("*", POETRY, "0.115", ">=0.115", False),
        ("0.100.*", POETRY, "0.115", "0.115.*", True),
        (">=3.8,<4", P, "3.11", ">=3.11,<4", False),
    ],
)
def test_raise_keeps_the_written_style(text, syntax, minimum, raised, unsafe):
    result = raise_to(text, syntax, Version(minimum))
    assert result is not None
    assert result.text == raised
    assert bool(result.unsafe_reason) is unsafe
    (bounds,) = bounds_of(result.text, syntax)
    assert not bounds.below(Version(minimum)) and not bounds.excludes(Version(minimum))


def test_raise_gives_up_on_alternatives():
    assert raise_to(">=0.90,<0.100 || >=0.110", POETRY, Version("0.115")) is None


def test_unsafe_reasons_say_what_moves():
    assert "drops the upper bound `<2`" in raise_to("<2", P, Version("2.7")).unsafe_reason
    moved = raise_to("^0.100.0", POETRY, Version("0.115")).unsafe_reason
    assert "from <0.101 to <0.116" in moved
    assert "exact pin" in raise_to("==0.100.0", P, Version("0.115")).unsafe_reason


def test_versions_are_shown_as_releases():
    assert show(Version("0.100")) == "0.100.0"
    assert show(Version("2.7.1")) == "2.7.1"
    assert show(Version("1.0rc1")) == "1.0rc1"
