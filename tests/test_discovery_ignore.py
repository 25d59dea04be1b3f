"""Discovery's ``.gitignore`` matching gives pathspec's verdict on every path.

Discovery compiles each spec once (``ignore_match``: per path segment, and one combined
regex) instead of letting pathspec test its patterns one by one; these tests hold it to
pathspec's
``GitIgnoreSpec.check_file`` verdict, and the stack of specs (``_Ignore``) to the
plain loop it replaced.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathspec import GitIgnoreSpec, RegexPattern

from fastaudit.project.discovery import _Ignore
from fastaudit.project.ignore_match import _Matcher

BUDGET = settings(
    max_examples=int(os.environ.get("FASTAUDIT_HYPOTHESIS_EXAMPLES", "40")) * 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PATTERN_SETS: list[list[str]] = [
    ["*.pyc", "build/", "!keep.pyc"],
    ["*", "!*/", "!*.py"],
    ["*", "!/src/", "!/src/**"],
    ["/build", "docs/_build/", "**/gen/**", "a/**/b"],
    ["**", "!x"],
    ["**/", "!*.py"],
    ["*/", "!a/"],
    ["**/*", "!**/keep"],
    ["/", "#comment", "", "   ", "\\#hash", "\\!bang", "!\\!bang"],
    ["foo  ", "bar\\ ", "baz\\ \\ ", " lead", "in side", "tab\t"],
    ["[abc].py", "[!a]*.txt", "[^b]x", "[a-c][0-9]", "[]]z", "[!]]y", "[a-"],
    ["dir/", "!dir/sub/", "dir/sub/*.py"],
    ["node_modules", "/node_modules/", "!node_modules/keep/"],
    ["a/b", "a/b/", "!a/b/c", "/a/b/c/d"],
    ["*.log", "!important.log", "logs/", "!logs/keep.log"],
    ["?", "??.py", "a?c/"],
    ["x/**/", "!x/y/**/z"],
    ["**/a/**/b/**", "!**/a/b"],
    ["a|b", "(c)", "d.e", "f+g", "h{1}", "i$", "^j", "k\\l"],
    ["*.py", "!*.py", "*.py"],
    ["a*b*c", "*a*/", "!*b*"],
    ["\\*literal", "\\?q", "\\[br]"],
    ["build", "!build/", "build/x"],
    [".*", "!.gitignore", ".venv/"],
    ["*.py[cod]", "[+-0]x", "[a-c]*", "!b*", "__pycache__/", "!__pycache__"],
    ["a", "a/", "!a/", "a", "/a", "!**/a"],
    # pathspec lets a negated class or a range around "/" match the slash itself.
    ["a[!b]c", "x[+-0]y/", "!q[^b]"],
]

PATHS: list[str] = [
    "a",
    "a/",
    "a/b",
    "a/b/",
    "a/b/c",
    "a/b/c/",
    "a/b/c/d",
    "a/b/c/d/e.py",
    "a/x/b",
    "a/x/y/b/",
    "x/a/b/",
    "x/y/z",
    "x/y/q/z/",
    "x/",
    "build",
    "build/",
    "build/x",
    "build/x/",
    "src/build/app.py",
    "src/",
    "src/app.py",
    "src/pkg/",
    "docs/_build/",
    "docs/_build/index.html",
    "gen/",
    "lib/gen/x.py",
    "keep.pyc",
    "a.pyc",
    "pkg/a.pyc",
    "pkg/keep.pyc/",
    "dir/",
    "dir/sub/",
    "dir/sub/a.py",
    "dir/other.py",
    "node_modules/",
    "web/node_modules/",
    "node_modules/keep/",
    "node_modules/keep/x.js",
    "debug.log",
    "important.log",
    "logs/",
    "logs/keep.log",
    "logs/other.log",
    "b.py",
    "a.py",
    "d.py",
    "ab.txt",
    "bb.txt",
    "b0",
    "c9",
    "]z",
    "y",
    "ay",
    "[a-",
    "foo",
    "foo  ",
    "bar ",
    "bar",
    "baz  ",
    "baz ",
    "tab",
    "tab\t",
    " lead",
    "in side",
    "#hash",
    "!bang",
    "comment",
    "a|b",
    "(c)",
    "dxe",
    "d.e",
    "fg",
    "f+g",
    "hh",
    "h{1}",
    "i$",
    "^j",
    "j",
    "k\\l",
    "kl",
    "axbxc",
    "zaz/",
    "zbz",
    "*literal",
    "xliteral",
    "?q",
    "[br]",
    "b",
    "z/",
    "q",
    "qq.py",
    "abc/",
    "abc/d",
    ".gitignore",
    ".env",
    ".venv/",
    "sub/.venv/",
    "/a",
    "./a",
    "a\nb",
    "a\n",
    "a/\n",
    "a//b",
    "//a",
    "/x",
    "",
    "x.pyc",
    "p/x.pyd/",
    "/x",
    "+/x",
    "0x",
    "p/__pycache__/",
    "p/__pycache__",
    "p/__pycache__/m.pyc",
    "bx/a",
    "cx/",
    "a/c",
    "p/a/c/",
    "x/y/",
    "x/y/z",
    "q/",
]


def pathspec_verdict(spec: GitIgnoreSpec, path: str) -> bool | None:
    return spec.check_file(path).include


def valid(line: str) -> bool:
    """Whether pathspec accepts the line (it raises on ``!`` alone, or on ``a\\  ``)."""
    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def assert_same_verdicts(lines: list[str], paths: list[str]) -> None:
    spec = GitIgnoreSpec.from_lines(lines)
    combined = _Matcher.build(spec)
    assert combined is not None, lines
    for path in paths:
        assert combined.verdict(path) == pathspec_verdict(spec, path), (lines, path)


@pytest.mark.parametrize("lines", PATTERN_SETS, ids=lambda lines: " ".join(lines))
def test_combined_regex_gives_pathspecs_verdict(lines: list[str]) -> None:
    assert_same_verdicts(lines, PATHS)


def test_every_single_pattern_alone_and_every_pair() -> None:
    singles = sorted({line for lines in PATTERN_SETS for line in lines})
    for line in singles:
        assert_same_verdicts([line], PATHS)
    for first in singles[::3]:
        for second in singles[1::4]:
            assert_same_verdicts([first, second], PATHS)
            negated = "!" + first.lstrip("!")
            if valid(negated):
                assert_same_verdicts([second, negated, first], PATHS)


def old_ignored(specs: list[tuple[str, GitIgnoreSpec]], rel: str, is_dir: bool) -> bool:
    """``_Ignore.ignored`` before the combined regexes: every spec, the last verdict wins."""
    verdict: bool | None = None
    candidate = rel + "/" if is_dir else rel
    for base, spec in specs:
        local = candidate[len(base) + 1 :] if base else candidate
        result = spec.check_file(local)
        if result.include is not None:
            verdict = result.include
    return bool(verdict)


STACKS: list[list[tuple[str, list[str]]]] = [
    [("", ["*.log", "build/", "!keep/"]), ("a", ["!*.log", "b/"]), ("a/b", ["*"])],
    [("", ["*"]), ("a", ["!*.py", "!*/"])],
    [("", ["/a/b", "!/a/b/c"]), ("a", ["b/c/", "!c"]), ("a/b", ["!c/d"])],
    [("", []), ("x", ["#only a comment"]), ("x/y", ["z", "!q/"])],
]
STACK_PATHS = [
    "a/b",
    "a/b/c",
    "a/b/c/d",
    "a/x.log",
    "a/b/x.log",
    "a/b/keep",
    "a/keep",
    "a/build",
    "a/app.py",
    "a/b/app.py",
    "x/y/z",
    "x/y/q",
    "x/y/z/w",
]


@pytest.mark.parametrize("stack", STACKS)
def test_stack_of_specs_gives_the_old_verdicts(stack: list[tuple[str, list[str]]]) -> None:
    specs = [(base, GitIgnoreSpec.from_lines(lines)) for base, lines in stack]
    built = _Ignore(specs[:1])
    for base, spec in specs[1:]:
        built = built.adding(base, spec)
    assert built.specs == specs
    for ignore in (_Ignore(specs), built):
        for rel in STACK_PATHS:
            for is_dir in (True, False):
                assert ignore.ignored(rel, is_dir) == old_ignored(specs, rel, is_dir), (rel, is_dir)
            # What ``_Walk.link`` asks of a symlink.
            assert any(ignore.ignored(rel, d) for d in (True, False)) == any(
                old_ignored(specs, rel, d) for d in (True, False)
            )


class _NoRegex(RegexPattern):
    """A pattern that decides without a regex: only pathspec can apply it."""

    def __init__(self) -> None:
        super().__init__(re.compile("^a"), include=True)
        self.regex = None


def test_uncombinable_specs_fall_back_to_pathspec() -> None:
    no_regex = GitIgnoreSpec([*GitIgnoreSpec.from_lines(["*.py"]).patterns, _NoRegex()])
    backref = GitIgnoreSpec([RegexPattern(re.compile(r"^(a)\1"), include=True)])
    ignorecase = GitIgnoreSpec([RegexPattern(re.compile("^A", re.IGNORECASE), include=True)])
    for spec in (no_regex, backref, ignorecase):
        assert _Matcher.build(spec) is None
        for rel in ("a", "aa", "ab", "x.py", "b/a.py"):
            for is_dir in (True, False):
                ignore = _Ignore([("", spec)])
                assert ignore.ignored(rel, is_dir) == old_ignored([("", spec)], rel, is_dir)


def test_hand_made_regexes_keep_search_semantics() -> None:
    """Patterns that are not anchored at the start, or anchored in one branch only, are
    found wherever ``regex.search`` would find them."""
    raw = ["^a|b", "b$", "(?:^c)", "a(?P<ps_d>/)", "^(?:x|y)/"]
    for regexes in ([raw[0]], [raw[1]], raw, raw[::-1]):
        spec = GitIgnoreSpec(
            [
                RegexPattern(re.compile(source), include=i % 2 == 0)
                for i, source in enumerate(regexes)
            ]
        )
        combined = _Matcher.build(spec)
        assert combined is not None
        for path in ("a", "xb", "xa/", "ca", "xc", "x/", "zy/", "ba/", "b\n"):
            assert combined.verdict(path) == pathspec_verdict(spec, path), (regexes, path)


# Generated patterns: segments built from the characters gitignore gives meaning to.
GLOB_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "ab",
        ".",
        "*",
        "?",
        "**",
        "[ab]",
        "[!a]",
        "[]a]",
        "[+-0]",
        "[a-c]",
        "-",
        "]",
        "\\*",
        "\\ ",
        " ",
    ]
)
SEGMENT = st.lists(GLOB_PIECES, min_size=1, max_size=3).map("".join)
PATTERN = st.builds(
    lambda bang, lead, segments, trail, spaces: (
        (("!" if bang else "") + ("/" if lead else "") + "/".join(segments))
        + ("/" if trail else "")
        + " " * spaces
    ),
    st.booleans(),
    st.booleans(),
    st.lists(SEGMENT, min_size=1, max_size=3),
    st.booleans(),
    st.integers(0, 2),
)
PATH = st.builds(
    lambda names, is_dir: "/".join(names) + ("/" if is_dir else ""),
    st.lists(
        st.sampled_from(
            ["a", "b", "ab", "ba", ".a", "a.b", "a b", "]", "*", "c", "", "a\n", "+", "0"]
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)


@BUDGET
@given(st.lists(PATTERN, max_size=6), st.lists(PATH, min_size=1, max_size=10))
def test_generated_patterns_give_pathspecs_verdict(lines: list[str], paths: list[str]) -> None:
    # Lines pathspec refuses (``a\\  ``: an escape left with nothing to escape) raise in
    # ``from_lines`` whichever matcher is used, so they are left out here.
    lines = [line for line in lines if valid(line)]
    spec = GitIgnoreSpec.from_lines(lines)
    combined = _Matcher.build(spec)
    assert combined is not None, lines
    for path in paths:
        assert combined.verdict(path) == pathspec_verdict(spec, path), (lines, path)
