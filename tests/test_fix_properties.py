"""Property tests: fixes cannot break code, and the engine never raises.

Every fixable rule's Don't example is embedded in randomly generated surrounding code
(comments, functions, classes, odd spacing). For each, the fixed program must parse,
fixing again must change nothing, the surrounding lines must survive byte for byte and
in order, and the rule must no longer fire.

The budget is small by default so CI stays quick; set FASTAUDIT_HYPOTHESIS_EXAMPLES
(e.g. 2000) for a longer run.
"""

from __future__ import annotations

import ast
import os

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastaudit.audit.scan import analyze, check_source
from fastaudit.audit.selection import enabled_rules
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_source
from fastaudit.rules import all_rules
from fastaudit.rules.base import ProjectRule

EXAMPLES = int(os.environ.get("FASTAUDIT_HYPOTHESIS_EXAMPLES", "40"))
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIXABLE = [
    rule
    for rule in all_rules().values()
    if rule.fixable() and not issubclass(rule, ProjectRule) and rule.dont_fixed
]

# Names that cannot collide with anything the examples import or define.
NAMES = st.sampled_from(["alpha", "beta_2", "gamma_value", "delta", "epsilon_x", "zeta"])
COMMENTS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\r\n"),
    max_size=30,
).map(lambda text: "# " + text)


@st.composite
def statements(draw) -> str:
    name = draw(NAMES)
    kind = draw(st.integers(0, 5))
    number = draw(st.integers(-1000, 1000))
    if kind == 0:
        return draw(COMMENTS)
    if kind == 1:
        return f"{name} = {number}  {draw(COMMENTS)}"
    if kind == 2:
        return f"def {name}_fn(value={number}):\n    # keep me\n    return value  * 2\n"
    if kind == 3:
        return (
            f"class {name.title()}Thing:\n    limit = {number}\n\n"
            "    def size(self):\n        return self.limit\n"
        )
    if kind == 4:
        return f"async def {name}_task():\n    return [{number},\n            {number + 1}]\n"
    return ""


SURROUNDINGS = st.lists(statements(), max_size=4).map("\n".join)


def lines_in_order(needles: list[str], haystack: list[str]) -> bool:
    position = 0
    for needle in needles:
        try:
            position = haystack.index(needle, position) + 1
        except ValueError:
            return False
    return True


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.id)
def test_fix_inside_random_code(rule):
    @BUDGET
    @given(before=SURROUNDINGS, after=SURROUNDINGS)
    def check(before: str, after: str) -> None:
        program = f"{rule.dont}\n{before}\n\n{after}\n"
        ast.parse(program)
        fixed = fix_source(program, [rule.id])
        ast.parse(fixed)
        assert fix_source(fixed, [rule.id]) == fixed, "a second fix changed the code again"
        assert rule.id not in [f.rule for f in check_source(fixed, rule_ids=[rule.id])]
        surrounding = [line for line in (before + "\n" + after).splitlines() if line.strip()]
        assert lines_in_order(surrounding, fixed.splitlines()), "surrounding code changed"

    check()


# Generated programs such as `1()` make the parser warn; the CLI never shows those.
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@BUDGET
@given(program=hypothesmith.from_grammar())
def test_engine_never_raises_on_generated_programs(program: str) -> None:
    ids = enabled_rules(Config())
    outcome = analyze("generated.py", program.encode("utf-8", "surrogatepass"), ids)
    # Either the walk ran, or the file became a scan finding with a reason.
    assert outcome.parsed or any(f.rule.startswith("SCN") for f in outcome.findings)


@BUDGET
@given(data=st.binary(max_size=400))
def test_engine_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    outcome = analyze("noise.py", data, enabled_rules(Config()))
    assert outcome.parsed or any(f.rule.startswith("SCN") for f in outcome.findings)
