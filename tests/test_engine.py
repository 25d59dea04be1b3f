"""The engine as a user meets it: names followed through imports, exact positions, and
bad input files that become findings of their own while the scan goes on."""

from __future__ import annotations

import ast
import codecs
import textwrap
from pathlib import Path

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.serving import serves
from fastaudit.fixes.runner import fix_project
from fastaudit.project.source import SourceText


def findings(code: str, *rules: str):
    return check_source(textwrap.dedent(code), rule_ids=list(rules) or None)


def positions(code: str, *rules: str) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.span.column) for f in findings(code, *rules)]


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(textwrap.dedent(data), encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


SLEEPY = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"


# --------------------------------------------------------------- name resolution
def test_aliased_module_import_is_followed():
    code = """
    import requests as rq

    async def ping():
        rq.get("https://status.test")
    """
    [finding] = findings(code, "ASY101")
    assert (finding.line, finding.span.column) == (5, 5)
    assert "`rq.get` (`requests.get`)" in finding.message
    assert "async def ping" in finding.message


def test_from_import_of_a_function_is_followed():
    code = """
    from time import sleep

    async def wait_a_bit():
        sleep(1)
    """
    assert positions(code, "ASY102") == [("ASY102", 5, 5)]


def test_dotted_module_alias_is_followed():
    code = """
    import sqlalchemy.orm as orm

    async def rename(db: orm.Session, name: str):
        db.commit()
    """
    [finding] = findings(code, "ASY104")
    assert finding.line == 5
    assert "sqlalchemy.orm.Session" in finding.message


def test_local_sleep_coroutine_is_not_time_sleep():
    code = """
    import time

    async def sleep(seconds: float) -> None:
        ...

    async def wait_a_bit():
        await sleep(1)
    """
    assert findings(code, "ASY102") == []


def test_parameter_named_like_a_module_shadows_it():
    code = """
    import requests

    async def count(requests: list[str]):
        return requests.count("x")
    """
    assert findings(code, "ASY101") == []


def test_nothing_is_found_in_strings_or_comments():
    code = '''
    import time

    async def handler():
        # time.sleep(1) would block here
        note = "time.sleep(1)"
        doc = """
        time.sleep(2)
        """
        return note, doc
    '''
    assert findings(code, "ASY102") == []


def test_call_in_nested_def_is_not_flagged_but_direct_call_is():
    code = """
    import time

    async def handler():
        def work():
            time.sleep(1)
        time.sleep(2)
        return work
    """
    assert positions(code, "ASY102") == [("ASY102", 7, 5)]


# ------------------------------------------------------------------ positions
def test_columns_are_one_based_characters_not_bytes():
    code = 'import time\n\nasync def f():\n    x = "héllo wörld"; time.sleep(1)\n'
    [finding] = check_source(code, rule_ids=["ASY102"])
    line = code.splitlines()[3]
    assert finding.span.column == line.index("time.sleep") + 1 == 24
    assert finding.span.end_column == line.index(")", 24) + 2
    assert (finding.line, finding.span.end_line) == (4, 4)


@pytest.mark.parametrize("text", ["", "a", "a\n", "\n\n", "x = 1\n\ny = 'é'\nz\n", "a\r\nb\rc\n"])
def test_every_line_starts_where_its_offset_says(text: str) -> None:
    source = SourceText(text)
    for number, line in enumerate(source.lines, start=1):
        start = source.line_start(number)
        assert text[start : start + len(line)] == line
        assert source.position(start) == (number, 1)


def test_multi_line_call_has_end_line_and_end_column():
    code = "import time\n\nasync def f():\n    time.sleep(\n        1,\n    )\n"
    [finding] = check_source(code, rule_ids=["ASY102"])
    assert (finding.line, finding.span.column) == (4, 5)
    assert (finding.span.end_line, finding.span.end_column) == (6, 6)


def test_ten_thousand_line_function_reports_the_right_line():
    body = "".join(f"    value_{i} = {i}\n" for i in range(10_000))
    code = f"import time\n\n\nasync def huge():\n{body}    time.sleep(1)\n"
    [finding] = check_source(code, rule_ids=["ASY102"])
    assert finding.line == 10_005


# ----------------------------------------------------------------- bad inputs
def scan_one(tmp_path: Path, name: str, data: str | bytes, **config):
    write(tmp_path, name, data)
    write(tmp_path, "good.py", SLEEPY)
    result = scan(tmp_path, Config(**config), use_cache=False)
    bad = [f for f in result.findings if f.path == name]
    good = [f.rule for f in result.findings if f.path == "good.py"]
    assert good == ["ASY102"], "the scan must go on past a bad file"
    return bad


def test_syntax_error_is_a_finding_with_line_and_column(tmp_path):
    [finding] = scan_one(tmp_path, "broken.py", "def create(payload:\n    return payload\n")
    assert finding.rule == "SCN001"
    assert finding.message.startswith("syntax error:")
    assert (finding.line, finding.span.column) == (1, 11)


def test_syntax_error_column_counts_characters(tmp_path):
    [finding] = scan_one(tmp_path, "broken.py", "é = (\n")
    assert finding.rule == "SCN001"
    assert "never closed" in finding.message
    assert (finding.line, finding.span.column) == (1, 5)


def test_python_2_code_is_a_syntax_finding(tmp_path):
    [finding] = scan_one(tmp_path, "legacy.py", 'print "hello"\n')
    assert finding.rule == "SCN001"
    assert "print" in finding.message
    assert finding.line == 1


def test_null_bytes_are_reported_as_binary(tmp_path):
    [finding] = scan_one(tmp_path, "blob.py", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert finding.rule == "SCN002"
    assert "binary" in finding.message


def test_non_utf8_file_is_reported_with_its_line(tmp_path):
    [finding] = scan_one(tmp_path, "latin.py", b"x = 1\nname = 'caf\xe9'\n")
    assert finding.rule == "SCN002"
    assert "not valid utf-8" in finding.message
    assert finding.line == 2


def test_declared_latin1_file_is_read(tmp_path):
    data = "# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    s = 'café'; time.sleep(1)\n"
    write(tmp_path, "latin.py", data.encode("latin-1"))
    [finding] = scan(tmp_path, Config(), use_cache=False).findings
    assert (finding.rule, finding.line, finding.span.column) == ("ASY102", 4, 17)


def test_utf16_file_is_reported(tmp_path):
    [finding] = scan_one(tmp_path, "wide.py", "x = 1\n".encode("utf-16"))
    assert finding.rule == "SCN002"
    assert "UTF-16" in finding.message


def test_file_over_the_size_limit_is_reported(tmp_path):
    [finding] = scan_one(tmp_path, "huge.py", "x = 1\n" * 100, max_file_size=100)
    assert finding.rule == "SCN002"
    assert "600 bytes, over the 100 bytes limit" in finding.message
    assert "max-file-size" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
        "x = " + "-" * 100_000 + "1\n",
        "import os\nx = os" + ".path" * 50_000 + "\n",
    ],
    ids=["parentheses", "unary-chain", "attribute-chain"],
)
def test_deeply_nested_expression_is_a_finding_not_a_crash(tmp_path, code):
    [finding] = scan_one(tmp_path, "deep.py", code)
    assert finding.rule == "SCN001"
    assert "nested" in finding.message


def test_bom_file_parses_and_fix_keeps_the_bom(tmp_path):
    path = write(tmp_path, "bom.py", codecs.BOM_UTF8 + SLEEPY.encode())
    result = scan(tmp_path, Config(), use_cache=False)
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.span.column) == ("ASY102", 5, 5)
    report = fix_project(result)
    assert report.errors == []
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(codecs.BOM_UTF8) == 1
    assert b"await asyncio.sleep(1)" in data


def test_crlf_file_fix_keeps_crlf(tmp_path):
    path = write(tmp_path, "crlf.py", SLEEPY.replace("\n", "\r\n").encode())
    report = fix_project(scan(tmp_path, Config(), use_cache=False))
    assert report.errors == []
    data = path.read_bytes()
    assert data == (
        b"import asyncio\r\n\r\n\r\nasync def handler():\r\n    await asyncio.sleep(1)\r\n"
    )


def test_old_mac_line_endings_give_right_lines_and_fix(tmp_path):
    path = write(tmp_path, "cr.py", SLEEPY.replace("\n", "\r").encode())
    result = scan(tmp_path, Config(), use_cache=False)
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.span.column) == ("ASY102", 5, 5)
    assert fix_project(result).errors == []
    assert (
        path.read_bytes()
        == SLEEPY.replace("\n", "\r")
        .replace("import time", "import asyncio")
        .replace("time.sleep(1)", "await asyncio.sleep(1)")
        .encode()
    )


SUBCLASSED_APP = """\
from fastapi import APIRouter, FastAPI


class ShopApp(FastAPI):
    pass


class ShopRouter(APIRouter):
    pass


app = ShopApp(debug=True)
router = ShopRouter()


@router.get("/items")
def items():
    return []


app.include_router(router)
"""


def walk_outcomes(sources: list[tuple[str, str]]) -> list[str]:
    """Each source's findings, deferred findings and facts with every rule, as text."""
    from fastaudit.audit.scan import analyze
    from fastaudit.rules import all_rules

    ids = sorted(all_rules())
    outcomes = (analyze(path, text.encode(), ids) for path, text in sources)
    return [repr((o.findings, o.deferred, o.facts)) for o in outcomes]


def assert_same_walks(sources: list[tuple[str, str]], mine: list[str], theirs: list[str]) -> None:
    for (path, _), one, other in zip(sources, mine, theirs, strict=True):
        assert one == other, path


class TestCallFilters:
    """A rule's ``only_calls`` declaration lets the engine skip its ``visit_Call`` on
    other calls: the walk must give exactly what calling every handler gives, on every
    rule's examples and on the bundled projects."""

    @staticmethod
    def sources() -> list[tuple[str, str]]:
        from fastaudit.rules import all_rules

        found: list[tuple[str, str]] = []
        for rule in all_rules().values():
            examples = [rule.dont, rule.do, rule.dont_fixed, *rule.extra_valid, *rule.extra_invalid]
            found.extend(
                (f"{rule.id}.py", text) for text in examples if isinstance(text, str) and text
            )
        # Shapes a filter could wrongly narrow away: an app or router made by a class of
        # the file deriving from FastAPI's, under a name of its own.
        found.append(("app/main.py", SUBCLASSED_APP))
        here = Path(__file__).parent
        for folder in (here / "projects", here.parent / "src" / "fastaudit" / "demo_project"):
            for path in sorted(folder.rglob("*.py")):
                found.append(
                    (path.relative_to(folder).as_posix(), path.read_text(errors="replace"))
                )
        return found

    def test_some_rules_declare_their_calls(self) -> None:
        from fastaudit.engine.context import call_filter
        from fastaudit.rules import all_rules

        declared = [r for r, cls in all_rules().items() if call_filter(cls) is not None]
        assert len(declared) >= 10

    def test_a_filter_speaks_only_for_the_handler_it_was_declared_with(self) -> None:
        from fastaudit.engine.context import CallFilter, call_filter

        class Parent:
            calls = CallFilter.of(callees=["time.sleep"])

            def visit_Call(self, node: ast.Call, ctx: object) -> None: ...

        class Child(Parent):
            def visit_Call(self, node: ast.Call, ctx: object) -> None: ...

        class Narrowed(Child):
            calls = CallFilter.of(attrs=["sleep"])

        assert call_filter(Parent) == CallFilter.of(callees=["time.sleep"])
        assert call_filter(Child) is None  # overrides the handler, declares nothing
        assert call_filter(Narrowed) == CallFilter.of(attrs=["sleep"])

    def test_a_keyword_filter_selects_the_calls_passing_it(self) -> None:
        from fastaudit.audit.scan import parse
        from fastaudit.engine.context import CallFilter, CallTable, FileContext
        from fastaudit.project.source import decode

        text = (
            "from alembic import context\n"
            "context.configure(url=URL, target_metadata=Base.metadata)\n"
            "context.configure(url=URL)\n"
            "configure(**options)\n"
        )
        source = decode(text.encode())
        ctx = FileContext("env.py", source, parse(source, "env.py"))
        table = CallTable.of([None, CallFilter.of(keywords=["target_metadata"])])
        calls = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call)]
        calls.sort(key=lambda n: n.lineno)
        assert [table.places(call, ctx, {}) for call in calls] == [(0, 1), None, None]

    def test_filtered_walk_equals_the_whole_walk(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from fastaudit.engine.context import CallDispatch

        sources = self.sources()
        filtered = walk_outcomes(sources)
        monkeypatch.setattr(CallDispatch, "handlers", lambda self, node, ctx: self.every)
        assert_same_walks(sources, filtered, walk_outcomes(sources))


class TestTextGates:
    """A rule's ``needs_text`` lets the engine skip it on a file holding none of those
    strings: the outcome must be what running it there gives."""

    def test_some_rules_declare_what_their_files_contain(self) -> None:
        from fastaudit.rules import all_rules

        gated = {r for r, cls in all_rules().items() if cls.needs_text}
        assert {"LIB101", "PYD105", "TST103", "DBS103", "MIG103", "MIG104", "SEC106"} <= gated

    def test_a_file_without_the_text_is_not_walked_by_the_rule(self) -> None:
        from fastaudit.audit.scan import _not_needed

        ids = ("ASY101", "LIB101", "TST103")
        assert _not_needed(ids, "import requests\n") == ("LIB101", "TST103")
        assert _not_needed(ids, "from jose import jwt\nfrom unittest.mock import Mock\n") == ()

    def test_gated_walk_equals_the_whole_walk(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from fastaudit.audit import scan as scan_module

        sources = TestCallFilters.sources()
        gated = walk_outcomes(sources)

        def test_gates_only(rule_ids: tuple[str, ...], text: str, path: str) -> tuple[str, ...]:
            return scan_module._test_gated(rule_ids) if is_test_path(path) else ()

        monkeypatch.setattr(scan_module, "_not_needed", test_gates_only)
        assert_same_walks(sources, gated, walk_outcomes(sources))


# The facts that only serving rules note, each read for findings in its own file alone
# (a test's: dropped) or never for a test file (see ``scan._test_gated``). A serving
# rule noting a new kind of fact in test files fails the test below until the kind's
# readers are checked and it is added here.
SERVING_ONLY_FACTS = frozenset(
    {
        "annotated-alias",
        "awaitless-async-candidate",
        "awaitless-costly-function",
        "dependency-alias",
        "depends-imported",
        "pure-sync-functions",
        "sync-session-provider",
        "timeout-parameter-candidate",
        "working-async-route",
    }
)


class TestTestFileGates:
    """Rules with nothing to do in a test file are not run on one: those declaring
    ``skips_tests`` must say nothing there, and the serving rules only what the scan
    drops, on any of the examples and bundled projects placed under ``tests/``."""

    @staticmethod
    def sources() -> list[tuple[str, str]]:
        return [
            (f"tests/test_{path.replace('/', '_')}", text)
            for path, text in TestCallFilters.sources()
        ]

    def test_some_rules_skip_test_files(self) -> None:
        from fastaudit.audit.scan import _not_needed
        from fastaudit.rules import all_rules

        ids = tuple(sorted(all_rules()))
        skipped = {"SEC102", "SET103", "DOC101", "ASY101", "ASY108", "DBS101", "SEC105"}
        text = "from sqlalchemy import text\n"  # what SEC105 needs in a file
        assert skipped <= set(_not_needed(ids, text, "tests/test_app.py"))
        assert not skipped & set(_not_needed(ids, text, "app/main.py"))
        assert not {"TST101", "PYD101", "DEP101"} & set(_not_needed(ids, text, "tests/test_app.py"))

    def test_gated_walk_equals_the_whole_walk_less_what_the_scan_drops(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from fastaudit.audit import scan as scan_module
        from fastaudit.audit.scan import analyze
        from fastaudit.rules import all_rules

        ids = sorted(all_rules())
        sources = self.sources()
        gated = [analyze(path, text.encode(), ids) for path, text in sources]
        monkeypatch.setattr(scan_module, "_test_gated", lambda rule_ids: ())
        whole = [analyze(path, text.encode(), ids) for path, text in sources]
        dropped = 0
        for (path, _), one, other in zip(sources, gated, whole, strict=True):
            kept = [f for f in other.findings if not serves(f.rule)]
            waiting = [d for d in other.deferred if not serves(d.finding.rule)]
            facts = {k: v for k, v in other.facts.items() if k not in SERVING_ONLY_FACTS}
            assert (one.findings, one.deferred, one.facts) == (kept, waiting, facts), path
            dropped += len(other.findings) - len(kept)
        assert dropped > 20  # the examples' blocking calls, placed in tests

    def test_a_project_scan_reports_the_same(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from fastaudit.audit import scan as scan_module

        write(tmp_path, "app/__init__.py", "")
        write(tmp_path, "app/main.py", SERVED_APP)
        write(tmp_path, "tests/__init__.py", "")
        write(tmp_path, "tests/conftest.py", TEST_SUPPORT)
        write(tmp_path, "tests/test_items.py", ASYNC_TESTS)
        gated = scan(tmp_path, Config(), use_cache=False).findings
        monkeypatch.setattr(scan_module, "_test_gated", lambda rule_ids: ())
        whole = scan(tmp_path, Config(), use_cache=False).findings
        assert gated == whole
        shown = {(f.path, f.rule) for f in gated}
        # The app's blocking call is still found; the tests' never were (nor now walked).
        assert ("app/main.py", "ASY102") in shown
        assert ("app/main.py", "DBS101") in shown
        assert not any(path.startswith("tests/") and serves(rule) for path, rule in shown)


SERVED_APP = """\
import time

from fastapi import Depends, FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite:///shop.db")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()


def get_db():
    with SessionLocal() as db:
        yield db


@app.get("/items")
async def items(db: Session = Depends(get_db)):
    time.sleep(1)
    return db.execute("select 1").all()
"""

# A sync session provider and an async helper taking ``timeout``, as test support.
TEST_SUPPORT = """\
import asyncio

from app.main import SessionLocal


def override_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def wait_for_ready(timeout: float = 5.0):
    async with asyncio.timeout(timeout):
        await asyncio.sleep(0)
"""

ASYNC_TESTS = """\
import time

import requests

from app.main import app


async def test_items_are_listed():
    time.sleep(0.1)
    assert requests.get("http://localhost:8000/items").ok


@app.get("/probe")
async def probe():
    return {"ok": True}
"""


class TestRetiredHandlers:
    """A handler answering ``FILE_DONE`` is not called again in that file; the walk must
    give what calling it on every node gives."""

    def test_a_retired_handler_is_called_once(self) -> None:
        from fastaudit.audit.scan import parse
        from fastaudit.engine.context import FILE_DONE, FileContext, Visited
        from fastaudit.project.source import decode

        class Counter:
            id = title = family = ""
            severity = None

            def __init__(self) -> None:
                self.names: list[str] = []

            def visit_Name(self, node: ast.Name, ctx: FileContext) -> Visited | None:
                self.names.append(node.id)
                return FILE_DONE if node.id == "b" else None

            def finish(self, ctx: FileContext) -> None:
                """Nothing to settle."""

        source = decode(b"a = 1\nb = a\nc = b + a\n")
        ctx = FileContext("m.py", source, parse(source, "m.py"))
        counter, other = Counter(), Counter()
        ctx.run(
            {
                ast.Name: [
                    (counter, Counter.visit_Name),
                    (other, lambda r, n, c: r.names.append(n.id)),
                ]
            },
            [counter],
        )
        assert counter.names == ["a", "b"]  # ``b`` retired it: ``a``, ``c`` ... not seen
        assert other.names == ["a", "b", "a", "c", "b", "a"]

    def test_retiring_walk_equals_the_whole_walk(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from fastaudit.engine.context import FileContext

        sources = TestCallFilters.sources()
        retiring = walk_outcomes(sources)
        monkeypatch.setattr(FileContext, "_retire", staticmethod(lambda *args: None))
        assert_same_walks(sources, retiring, walk_outcomes(sources))


class TestSubtreeWalk:
    """``engine.walk`` stands in for ``ast.walk`` and ``ast.iter_child_nodes`` in every
    rule: same nodes, same order, on every construct Python has."""

    @staticmethod
    def trees() -> list[ast.AST]:
        import fastaudit

        package = Path(fastaudit.__file__).parent
        texts = [path.read_text() for path in sorted(package.rglob("*.py"))]
        texts.append(
            textwrap.dedent(
                """
                def f(a, /, b=1, *args, c, d=2, **kw):
                    match a:
                        case {"k": [1, *rest], **others} if rest: pass
                        case Point(x=0) | None: pass
                    try:
                        x = {**kw, "a": (yield b)}
                    except* ValueError as error:
                        del x[1:2, ::3]
                    return [y async for y in z if y] + {k: v for k, v in kw.items()}
                """
            )
        )
        return [ast.parse(text) for text in texts]

    def test_walk_yields_what_ast_walk_yields(self) -> None:
        from fastaudit.engine.walk import walk

        for tree in self.trees():
            assert list(walk(tree)) == list(ast.walk(tree))

    def test_child_nodes_are_what_ast_gives(self) -> None:
        from fastaudit.engine.walk import child_nodes

        for tree in self.trees():
            for node in ast.walk(tree):
                assert child_nodes(node) == list(ast.iter_child_nodes(node))

    def test_own_statements_reach_every_block_but_no_nested_scope(self) -> None:
        from fastaudit.engine.walk import own_statements

        function = ast.parse(
            textwrap.dedent(
                """
                def outer(x):
                    if x:
                        return 1
                    for item in x:
                        with item:
                            return 2
                    try:
                        pass
                    except ValueError:
                        return 3
                    else:
                        return 4
                    finally:
                        global seen
                    match x:
                        case 0:
                            return 5
                    while x:
                        return 6

                    def inner():
                        return 7

                    class Inner:
                        def method(self):
                            return 8

                    callback = lambda: 9
                """
            )
        ).body[0]
        assert isinstance(function, ast.FunctionDef)
        found = list(own_statements(function.body))
        returned = sorted(
            node.value.value
            for node in found
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
        )
        assert returned == [1, 2, 3, 4, 5, 6]
        assert any(isinstance(node, ast.Global) for node in found)
        assert {type(node) for node in found} >= {ast.FunctionDef, ast.ClassDef, ast.Assign}
        assert not any(isinstance(node, ast.expr) for node in found)
