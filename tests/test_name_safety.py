"""A safe fix never changes what a name refers to.

The scope model of ``engine/name_safety.py`` is checked three ways: hand-written
cases, CPython's own ``symtable`` as an independent oracle on generated programs, and
the real ``--fix`` on small projects where the names a fix introduces collide on
purpose with locals, parameters and module-level definitions.
"""

from __future__ import annotations

import ast
import difflib
import os
import subprocess
import symtable
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.engine.edits import apply_edits
from fastaudit.engine.name_safety import may_declare, name_problems
from fastaudit.fixes.runner import fix_project, fix_source
from fastaudit.model import Edit, Fix, Safety
from fastaudit.rules import all_rules
from fastaudit.rules.base import ProjectRule

EXAMPLES = int(os.environ.get("FASTAUDIT_HYPOTHESIS_EXAMPLES", "30"))
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# ----------------------------------------------------------------- hand cases
@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            """
            from app.users.repository import UserRepository

            def load(db):
                user_repository = UserRepository(db)
                return user_repository
            """,
            """
            from app.users import repository as user_repository

            def load(db):
                user_repository = user_repository.UserRepository(db)
                return user_repository
            """,
            "`user_repository` is a local name in function `load` (line 3)",
            id="import-alias-vs-local",
        ),
        pytest.param(
            """
            import time

            async def wait(asyncio):
                time.sleep(1)
            """,
            """
            import asyncio
            import time

            async def wait(asyncio):
                await asyncio.sleep(1)
            """,
            "`asyncio` is a local name in function `wait` (line 4)",
            id="import-vs-parameter",
        ),
        pytest.param(
            """
            import asyncio
            import time
            """,
            """
            import asyncio
            import asyncio
            import time
            """,
            "`asyncio` would be imported twice as `asyncio`",
            id="duplicate-import",
        ),
        pytest.param(
            """
            def settings():
                return 1
            """,
            """
            from app.config import settings

            def settings():
                return 1
            """,
            "`settings` is already defined in the module",
            id="rebinds-module-function",
        ),
        pytest.param(
            """
            import os

            here = os.getcwd()
            """,
            """
            here = os.getcwd()
            """,
            "`os` would be undefined in the module",
            id="removed-import-still-used",
        ),
        pytest.param(
            """
            def total(items):
                return sum(items)
            """,
            """
            from app.maths import sum

            def total(items):
                return sum(items)
            """,
            "`sum` in function `total` (line 3) would refer to the module instead of the builtin",
            id="shadows-builtin",
        ),
        pytest.param(
            """
            def outer():
                limit = 3

                def inner():
                    return limit

                return inner
            """,
            """
            def outer():
                limit = 3

                def inner():
                    limit = 4
                    return limit

                return inner
            """,
            "`limit` in function `inner` (line 4) would refer to function `inner` (line 4)",
            id="closure-captured-by-new-local",
        ),
    ],
)
def test_name_problems_are_found(before: str, after: str, expected: str) -> None:
    problems = name_problems(code(before), code(after))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """
            from src.customers.service import find_customer

            async def place(customer_id):
                return await find_customer(customer_id)
            """,
            """
            from src.customers import service as customers_service

            async def place(customer_id):
                return await customers_service.find_customer(customer_id)
            """,
            id="qualified-import",
        ),
        pytest.param(
            """
            import time

            async def wait():
                time.sleep(1)
            """,
            """
            import asyncio
            import time

            async def wait():
                await asyncio.sleep(1)
            """,
            id="new-import-no-clash",
        ),
        pytest.param(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                class Config:
                    orm_mode = True
            """,
            """
            from pydantic import BaseModel, ConfigDict

            class User(BaseModel):
                model_config = ConfigDict(from_attributes=True)
            """,
            id="class-config-moves-up",
        ),
        pytest.param(
            """
            def f(rows):
                total = 0
                for row in rows:
                    total += row
                return [r for r in rows if (n := r)], total
            """,
            """
            def f(rows):
                total = 0
                for row in rows:
                    total += row  # summed
                return [r for r in rows if (n := r)], total
            """,
            id="comment-only",
        ),
        pytest.param(
            """
            counter = 0

            def bump():
                global counter
                counter += 1
            """,
            """
            counter = 0

            def bump():
                global counter
                counter = counter + 1
            """,
            id="global-declaration",
        ),
    ],
)
def test_harmless_changes_pass(before: str, after: str) -> None:
    assert name_problems(code(before), code(after)) == []


def test_a_result_that_does_not_parse_is_a_problem() -> None:
    assert name_problems("x = 1\n", "x = (\n") == [
        "the result does not parse (line 1: '(' was never closed)"
    ]


# ------------------------------------------------- symtable as an independent oracle
POOL = ["customers_service", "find_customer", "value", "service"]


@st.composite
def module_with_functions(draw) -> str:
    """A module importing ``find_customer`` and using it from functions whose locals,
    parameters and globals are drawn from a pool that holds the fix's new name."""
    lines = ["from src.customers.service import find_customer", ""]
    if draw(st.booleans()):
        lines += [f"{draw(st.sampled_from(POOL[2:]))} = 1", ""]
    for index in range(draw(st.integers(1, 4))):
        params = sorted(set(draw(st.lists(st.sampled_from(POOL[2:] + POOL[:1]), max_size=2))))
        lines.append(f"async def handler_{index}({', '.join(params)}):")
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.integers(0, 3))
            name = draw(st.sampled_from(POOL[:1] + POOL[2:]))
            if kind == 0:
                lines.append(f"    {name} = 0")
            elif kind == 1:
                lines.append("    await find_customer(1)")
            elif kind == 2:
                lines.append(f"    print({name} if '{name}' in locals() else None)")
            else:
                lines.append(f"    found = [{name} for {name} in range(2)]")
        lines.append("    return None")
        lines.append("")
    return "\n".join(lines)


def _locals_reading(text: str, name: str) -> set[str]:
    """Functions (per CPython's compiler) where ``name`` is local and read."""
    table = symtable.symtable(text, "<fixed>", "exec")
    found = set()
    for child in table.get_children():
        if child.get_type() != "function":
            continue
        try:
            symbol = child.lookup(name)
        except KeyError:
            continue
        if symbol.is_local() and symbol.is_referenced():
            found.add(child.get_name())
    return found


def _qualified_uses(text: str, function: str) -> int:
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == function:
            return sum(
                isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and n.value.id == "customers_service"
                for n in ast.walk(node)
            )
    return 0


ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="{prefix}")\n'


def _domain_project(root: Path, service: str) -> None:
    files = {
        "src/__init__.py": "",
        "src/main.py": code(
            """
            from fastapi import FastAPI

            from src.customers.router import router as customers_router
            from src.orders.router import router as orders_router

            app = FastAPI(openapi_url=None)
            app.include_router(customers_router)
            app.include_router(orders_router)
            """
        ),
        "src/customers/__init__.py": "",
        "src/customers/router.py": ROUTER.format(prefix="/c"),
        "src/customers/service.py": "async def find_customer(customer_id):\n    return 1\n",
        "src/orders/__init__.py": "",
        "src/orders/router.py": ROUTER.format(prefix="/o"),
        "src/orders/service.py": service,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@BUDGET
@given(module_with_functions())
def test_fix_never_reads_a_colliding_local(tmp_path_factory, service: str) -> None:
    """The real STR104 ``--fix`` on generated modules: wherever it qualifies a use as
    ``customers_service.find_customer``, CPython's symbol table must not see a local
    ``customers_service`` there; and where nothing collides, the fix is made."""
    root = tmp_path_factory.mktemp("domains")
    _domain_project(root, service)
    result = scan(root, Config(select=["ALL", "STR104"]), use_cache=False, jobs=1)
    report = fix_project(result, write=False)
    changed = {c.path: c.new.decode() for c in report.changed}
    fixed = changed.get("src/orders/service.py", service)
    for function in _locals_reading(fixed, "customers_service"):
        assert _qualified_uses(fixed, function) == _qualified_uses(service, function), (
            f"{function} reads a local `customers_service` the fix meant as the module\n{fixed}"
        )
    tree = ast.parse(service)
    clash = any(
        isinstance(n, ast.Name | ast.arg)
        and getattr(n, "id", getattr(n, "arg", None)) == "customers_service"
        for n in ast.walk(tree)
    )
    if not clash and "await find_customer(" in service:
        assert "customers_service.find_customer" in fixed, "a fix with no clash was withheld"


# -------------------------------------------- every safe per-file fix, with collisions
def _introduced_names(before: str, after: str) -> set[str]:
    def module_names(text: str) -> set[str]:
        table = symtable.symtable(text, "<m>", "exec")
        return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}

    return module_names(after) - module_names(before)


def _with_locals(source: str, names: set[str]) -> str:
    """``source`` with ``name = None`` as the first statement of every function."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    inserts: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0]
            indent = " " * first.col_offset
            text = "".join(f"{indent}{name} = None\n" for name in sorted(names))
            inserts.append((first.lineno - 1, text))
    for index, text in sorted(inserts, reverse=True):
        lines.insert(index, text)
    return "".join(lines)


def _loads_per_function(text: str, name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # The body only: decorators, defaults and annotations run outside it.
            counts[node.name] = sum(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
                for stmt in node.body
                for n in ast.walk(stmt)
            )
    return counts


COLLIDING = [
    rule
    for rule in all_rules().values()
    if rule.fixable()
    and not issubclass(rule, ProjectRule)
    and rule.dont_fixed
    and _introduced_names(rule.dont, rule.dont_fixed)
    and any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(ast.parse(rule.dont))
    )
]


def test_some_rules_introduce_names() -> None:
    assert len(COLLIDING) >= 3, [r.id for r in COLLIDING]


@pytest.mark.parametrize("rule", COLLIDING, ids=lambda r: r.id)
def test_safe_fix_with_colliding_local_is_withheld(rule) -> None:
    """Each name a rule's fix introduces is made a local of every function in its
    Don't example. What ``--fix`` then writes must not add a read of such a local."""
    introduced = _introduced_names(rule.dont, rule.dont_fixed)
    source = _with_locals(rule.dont, introduced)
    fixed = fix_source(source, [rule.id], unsafe=False)
    ast.parse(fixed)
    for name in introduced:
        before = _loads_per_function(source, name)
        after = _loads_per_function(fixed, name)
        for function, count in after.items():
            if function in before:
                assert count <= before[function], (
                    f"{rule.id}: the fix reads the local `{name}` in {function}\n{fixed}"
                )
    # The finding still shows, its fix marked unsafe with the reason.
    findings = [f for f in check_source(source, "example.py", [rule.id]) if f.fix is not None]
    assert findings


def test_the_report_shows_why_and_fix_leaves_the_file(tmp_path: Path) -> None:
    service = code(
        """
        from src.customers.service import find_customer


        async def place_order(customer_id: int):
            return await find_customer(customer_id)


        async def audit(customer_id: int):
            # Both the alias and its fallback are taken here: only the check before
            # writing can tell that the rewritten call would read a local.
            customers_service = "legacy"
            customers_service_module = "legacy"
            found = await find_customer(customer_id)
            return customers_service, customers_service_module, found
        """
    )
    _domain_project(tmp_path, service)
    run = subprocess.run(
        [
            sys.executable,
            *("-m", "fastaudit", "check", "--fix", "--no-cache", "--extend-select", "STR104"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "fix (unsafe)" in run.stdout
    assert (
        "not provably safe: `customers_service_module` is a local name in function `audit` "
        "(line 8)" in run.stdout
    )
    assert (tmp_path / "src/orders/service.py").read_text() == service
    assert run.returncode == 1


def _assert_scan_labels_the_fix_unsafe(tmp_path: Path) -> None:
    """The STR104 fix of a module whose function has a local named like the alias the
    fix would import is labelled unsafe by the scan, with the reason."""
    _domain_project(
        tmp_path,
        "from src.customers.service import find_customer\n\n\n"
        "def check(find_customer_id, customers_service=None, customers_service_module=None):\n"
        "    return find_customer(find_customer_id), customers_service_module\n",
    )
    result = scan(tmp_path, Config(select=["ALL", "STR104"]), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "STR104"]
    assert finding.fix is not None
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.startswith(
        "not provably safe: `customers_service_module` is a local name"
    )


def test_scan_labels_the_fix_unsafe(tmp_path: Path) -> None:
    _assert_scan_labels_the_fix_unsafe(tmp_path)


def test_the_write_guard_holds_even_when_the_labels_are_stale(tmp_path: Path, monkeypatch) -> None:
    """``--fix`` checks again just before writing: a scan that labelled the fix safe
    (an older cache, a fix from a later round) cannot get it written."""
    import fastaudit.audit.scan as scan_module

    monkeypatch.setattr(scan_module, "prove_fixes", lambda result, findings, cache=None: findings)
    service = (
        "from src.customers.service import find_customer\n\n\n"
        "async def audit(customer_id, customers_service=None, customers_service_module=None):\n"
        "    return await find_customer(customer_id), customers_service_module\n"
    )
    _domain_project(tmp_path, service)
    result = scan(tmp_path, Config(select=["ALL", "STR104"]), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "STR104"]
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    report = fix_project(result)
    assert (tmp_path / "src/orders/service.py").read_text() == service
    assert report.changed == []
    assert report.errors == []
    assert report.notes == [
        "src/orders/service.py:1: STR104 fix not applied, not provably safe: "
        "`customers_service_module` is a local name in function `audit` (line 4): the new "
        "reference there would read it instead of the module-level `customers_service_module`"
    ]


def test_the_walk_proves_the_fixes_it_finds(tmp_path: Path, monkeypatch) -> None:
    """The proof is worked out where the file is walked (a worker, from the tree it
    already has): the scan does not read the file again for it afterwards."""
    import fastaudit.audit.scan as scan_module
    from fastaudit.project.source import SourceError

    def unreadable(*args: object, **kwargs: object) -> bytes:
        raise SourceError("unreadable", "gone after the walk")

    monkeypatch.setattr(scan_module, "read_bytes", unreadable)
    _assert_scan_labels_the_fix_unsafe(tmp_path)


def test_a_global_declaration_counts_when_the_scan_hands_over_its_tree() -> None:
    """The scan proves fixes from the tree it already parsed; the text still says
    whether a ``global`` statement is there to read (only then are function bodies
    searched for one). Dropping the declaration makes the function's read local."""
    from fastaudit.engine.name_safety import unprovable
    from fastaudit.model import Edit, Fix

    text = code(
        """
        value = 1

        def reset():
            global value
            value = 0
            return value
        """
    )
    start = text.index("    global value\n")
    fix = Fix(
        "drop the declaration",
        Safety.SAFE,
        (Edit(start, start + len("    global value\n"), ""),),
    )
    reasons = unprovable(text, [fix], ast.parse(text))
    assert reasons == {
        fix: "`value` in function `reset` (line 3) would refer to function `reset` (line 3) "
        "instead of the module"
    }


def test_a_fix_renaming_an_attribute_changes_no_scope() -> None:
    """``attribute_renames``: only edits replacing an attribute's name, as written, with
    another identifier; not a name, not a module path of an import, not a keyword."""
    from fastaudit.engine.name_safety import attribute_renames
    from fastaudit.model import Edit, Fix
    from fastaudit.project.source import decode

    text = code(
        """
        from app.dict import helper

        def dump(item, dict_):
            return item.dict(), item . dict(), dict_.json()
        """
    )
    source = decode(text.encode())

    def at(needle: str, occurrence: int = 0, new: str = "model_dump") -> Fix:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(needle, start + 1)
        return Fix(f"{needle}#{occurrence}", Safety.SAFE, (Edit(start, start + len(needle), new),))

    first = at("dict", 2)  # item.dict
    spaced = at("dict", 3)  # item . dict
    json = at("json", 0, "model_dump_json")
    module_path = at("dict", 0)  # from app.dict import
    parameter = at("dict_", 0)  # a name, not an attribute
    keyword = at("json", 0, "class")
    both = Fix("two", Safety.SAFE, first.edits + json.edits)
    fixes = [first, spaced, json, module_path, parameter, keyword, both]
    renames = attribute_renames(text, ast.parse(text), fixes, source.offset)
    assert renames == {first, spaced, json, both}


def test_renamed_attributes_are_found_in_whichever_statement_holds_them() -> None:
    """Only the statements holding an edit are walked for attributes: two statements
    on one line, a decorator's argument on a line of its own."""
    from fastaudit.engine.name_safety import attribute_renames
    from fastaudit.project.source import decode

    text = (
        "import a\n\nx = a.dict(); y = a.json()\n\n\n@a.deco(\n    a.items\n)\ndef f():\n    pass\n"
    )
    source = decode(text.encode())

    def rename(needle: str) -> Fix:
        start = text.index(needle)
        return Fix(needle, Safety.SAFE, (Edit(start, start + len(needle), "renamed"),))

    fixes = [rename("dict"), rename("json"), rename("items"), rename("import")]
    renames = attribute_renames(text, ast.parse(text), fixes, source.offset)
    assert renames == set(fixes[:3])


def test_a_proof_answers_for_what_is_left_when_only_renames_went() -> None:
    from fastaudit.engine.outcome import Proof
    from fastaudit.model import Edit, Fix

    rename, other, third = (
        Fix(name, Safety.SAFE, (Edit(index, index + 1, "x"),))
        for index, name in enumerate(["rename", "other", "third"])
    )
    clean = Proof(frozenset({rename, other}), {}, frozenset({rename}))
    assert clean.answer(frozenset({rename, other})) == {}
    assert clean.answer(frozenset({other})) == {}  # only the rename went
    assert clean.answer(frozenset({rename})) is None  # a fix that may bind a name went
    assert clean.answer(frozenset({rename, other, third})) is None  # not a subset
    flawed = Proof(frozenset({rename, other}), {other: "why"}, frozenset({rename}))
    assert flawed.answer(frozenset({rename, other})) == {other: "why"}
    assert flawed.answer(frozenset({other})) is None  # proved apart, not together


# ------------------------------------------------- untouched bodies are left unread
def _edits_between(before: str, after: str) -> list[Edit]:
    """The edits turning ``before`` into ``after``, as a fix would give them."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(i1, i2, after[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _cases(test: object) -> list[tuple[str, str]]:
    """The (before, after) pairs a parametrized test above holds."""
    (mark,) = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
    return [(p.values[0], p.values[1]) for p in mark.args[1]]


NARROWED = {
    # A name the edits bind at module level, read in a def they leave alone: what the
    # read finds changes there (the builtin, then the import).
    "import-over-a-builtin": (
        "import os\n\n\ndef untouched():\n    return open(os.sep)\n\n\n"
        "def edited():\n    return 1\n",
        "import os\nfrom gzip import open\n\n\ndef untouched():\n    return open(os.sep)\n\n\n"
        "def edited():\n    return 2\n",
    ),
    # A problem in an edited def below an added line: its line is the new text's.
    "local-below-an-added-import": (
        "import json\n\n\ndef untouched():\n    return 1\n\n\n"
        "def edited(data):\n    json = data\n    return json\n",
        "import json\nimport os\n\n\ndef untouched():\n    return 1\n\n\n"
        "def edited(data):\n    json = data\n    return json, json.dumps(os.sep)\n",
    ),
    "class-left-alone-method-edited": (
        "class Kept:\n    def a(self):\n        return self\n\n\n"
        "class Edited:\n    def b(self, value):\n        return value\n",
        "class Kept:\n    def a(self):\n        return self\n\n\n"
        "class Edited:\n    def b(self, value):\n        return Kept, value\n",
    ),
    # The edits change how the text around a def reads: it is parsed whole again.
    "bracket-left-open-above": (
        "import os\n\n\ndef kept():\n    return os\n",
        "import os\nvalue = (\n\n\ndef kept():\n    return os\n",
    ),
    "string-left-open-above": (
        "import os\n\n\ndef kept():\n    return os\n",
        'import os\nvalue = """\n\n\ndef kept():\n    return os\n',
    ),
    "indented-lines-added-below": (
        "import os\n\n\ndef kept():\n    return os\n",
        "import os\n\n\ndef kept():\n    return os\n    open = os\n    return open\n",
    ),
    "decorated-below-an-added-import": (
        "import functools\n\n\n@functools.cache\ndef kept(x=lambda: [y for y in ()]):\n"
        "    return x\n\n\ndef edited():\n    return 1\n",
        "import functools\nimport os\n\n\n@functools.cache\n"
        "def kept(x=lambda: [y for y in ()]):\n    return x\n\n\n"
        "def edited():\n    return os.sep, kept\n",
    ),
    "star-import-added": (
        "import sys\n\n\ndef untouched():\n    return path, sys\n\n\ndef edited():\n    return 1\n",
        "import sys\nfrom os import *\n\n\ndef untouched():\n    return path, sys\n\n\n"
        "def edited():\n    return 2\n",
    ),
}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        *[(code(b), code(a)) for b, a in _cases(test_name_problems_are_found)],
        *[(code(b), code(a)) for b, a in _cases(test_harmless_changes_pass)],
        *NARROWED.values(),
    ],
)
def test_untouched_bodies_left_unread_give_the_same_answer(before: str, after: str) -> None:
    edits = _edits_between(before, after)
    assert apply_edits(before, [Fix("diff", Safety.SAFE, tuple(edits))])[0] == after
    full = name_problems(before, after)
    assert name_problems(before, after, text=before, edits=edits) == full
    tree = ast.parse(before)
    narrowed = name_problems(tree, after, may_declare(before), text=before, edits=edits)
    assert narrowed == full


def test_the_narrowed_answers_name_the_new_lines() -> None:
    before, after = NARROWED["local-below-an-added-import"]
    problems = name_problems(before, after, False, text=before, edits=_edits_between(before, after))
    assert problems == [
        "`json` is a local name in function `edited` (line 9): the new reference there "
        "would read it instead of the module-level `json`"
    ]
    before, after = NARROWED["import-over-a-builtin"]
    problems = name_problems(before, after, False, text=before, edits=_edits_between(before, after))
    assert problems == [
        "`open` in function `untouched` (line 5) would refer to the module instead of the builtin"
    ]


def test_the_defs_the_edits_leave_alone_are_not_parsed_again(monkeypatch) -> None:
    from fastaudit.engine import name_safety

    parsed: list[str] = []
    real = ast.parse

    def spy(source, *args, **kwargs):
        parsed.append(source)
        return real(source, *args, **kwargs)

    before, after = NARROWED["decorated-below-an-added-import"]
    edits = _edits_between(before, after)
    tree = ast.parse(before)
    monkeypatch.setattr(name_safety.ast, "parse", spy)
    assert name_problems(tree, after, False, text=before, edits=edits) == []
    [text] = parsed
    assert "def kept" not in text and "__kept_0__" in text
    assert text.count("\n") == after.count("\n")  # the lines below keep their numbers
    # A text around the def that reads otherwise now: the placeholder is not where the
    # def stood, and the whole text is parsed (and found not to parse).
    parsed.clear()
    before, after = NARROWED["bracket-left-open-above"]
    problems = name_problems(before, after, False, text=before, edits=_edits_between(before, after))
    assert problems and problems[0].startswith("the result does not parse")
    assert parsed[-1] == after


def test_the_bodies_of_defs_the_edits_leave_alone_are_not_read(monkeypatch) -> None:
    from fastaudit.engine import name_safety

    unread: list[frozenset[int]] = []
    real = name_safety.scopes_of

    def spy(source, declares=None, headers=(), shifts=None):
        unread.append(frozenset(headers))
        return real(source, declares, headers, shifts)

    monkeypatch.setattr(name_safety, "scopes_of", spy)
    before, after = NARROWED["class-left-alone-method-edited"]
    edits = _edits_between(before, after)
    assert name_problems(before, after, False, text=before, edits=edits) == []
    assert unread == [frozenset({0}), frozenset({0})]


@pytest.mark.parametrize("case", sorted(NARROWED))
def test_a_kept_def_files_what_parsing_the_whole_text_files(case: str) -> None:
    """The tree of the edited text with the kept defs put back as parsed before holds
    the scopes a parse of the whole text gives: same keys, lines (shifted below the
    added ones), bindings and reads."""
    from fastaudit.engine.name_safety import _Kept, scopes_of

    before, after = NARROWED[case]
    kept = _Kept.of(before, ast.parse(before), after, _edits_between(before, after))
    if kept is None:
        assert case in {
            "bracket-left-open-above",
            "string-left-open-above",
            "indented-lines-added-below",
        }
        return
    spliced = scopes_of(kept.tree, False, kept.after, kept.shifts)
    whole = scopes_of(ast.parse(after), False, kept.after)

    def facts(scopes: dict) -> dict:
        return {
            key: (s.line, s.kind, s.name, s.bound, s.loads, s.binding_sites, s.imports)
            for key, s in scopes.items()
        }

    assert facts(spliced) == facts(whole)
