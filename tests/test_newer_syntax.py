"""Python 3.12-3.14 syntax is audited like any other file on every supported Python.

On an interpreter whose parser rejects it, the file is lowered to older syntax on the
same lines; its findings keep their lines and carry no fix. A real syntax error stays
SCN001, and a template named ``.py`` is one SCN003 per folder.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.engine.lowering import Lowered, lower

BLOCKING = "import time\n\n\nasync def wait():\n    time.sleep(1)\n"

NEWER = {
    "type-alias": "type UserId = int\ntype Pair[T] = tuple[T, T]\n",
    "generic-function": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
    "generic-class": "class Box[T: (int, str)](object):\n    value: T\n",
    "pep701-fstring": 'label = f"{", ".join(["a", "b"])} and {f"{1}"}"\n',
    "pep701-comment": 'label = f"""{\n    1 + 1  # two\n}"""\n',
    "pep758-except": "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
    "pep750-template": 'greeting = t"Hello {name}!"\n',
    "pep750-template-pep701-field": 'row = t"<td>{cells["name"]}</td>"\n',
}


def text_of(lowered: Lowered | None) -> str | None:
    return None if lowered is None else lowered.text


@pytest.mark.parametrize("newer", NEWER.values(), ids=NEWER.keys())
def test_newer_syntax_is_audited_with_the_right_lines(newer: str) -> None:
    source = newer + "\n\n" + BLOCKING
    line = source.splitlines().index("    time.sleep(1)") + 1
    findings = check_source(source, "app.py", ["ASY102", "SCN001", "SCN003"])
    assert [(f.rule, f.line) for f in findings] == [("ASY102", line)]
    assert findings[0].fix is None, "positions come from the lowered text: no fix"


@pytest.mark.parametrize("newer", NEWER.values(), ids=NEWER.keys())
def test_lowering_keeps_every_line(newer: str) -> None:
    lowered = text_of(lower(newer))
    assert lowered is not None
    ast.parse(lowered)
    assert len(lowered.splitlines()) == len(newer.splitlines())


@pytest.mark.parametrize("newer", NEWER.values(), ids=NEWER.keys())
def test_the_tree_lowering_keeps_is_its_text_s(newer: str) -> None:
    """The scan walks the tree the lowering's last parse made, not a parse of its own."""
    lowered = lower(newer)
    assert lowered is not None and lowered.tree is not None
    assert ast.dump(lowered.tree) == ast.dump(ast.parse(lowered.text))


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this parser reads PEP 695 itself")
def test_the_scan_lowers_with_the_line_its_own_parse_stopped_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastaudit.engine import lowering

    stops: list[int | None] = []
    real = lowering.lower

    def spy(text: str, stop: int | None = None) -> Lowered | None:
        stops.append(stop)
        return real(text, stop)

    monkeypatch.setattr(lowering, "lower", spy)
    source = "import os\n\n\nclass Box[T]:\n    pass\n"
    assert check_source(source, "box.py") == []
    assert stops == [4]


def test_a_real_syntax_error_stays_an_error() -> None:
    (finding,) = check_source("def broken(:\n    pass\n", "bad.py")
    assert (finding.rule, finding.severity.value, finding.line) == ("SCN001", "error", 1)


MULTI_LINE = {
    "alias-value-on-next-lines": "type Handler = (\n    Callable[[int], None]\n    | None\n)\n",
    "type-params-over-lines": "class Registry[\n    K: str,\n    V,\n](dict[K, V]):\n    pass\n",
    "function-params-over-lines": (
        "def pick[\n    T,\n](items: list[T]) -> T:\n    return items[0]\n"
    ),
    "fstring-field-over-lines": 'text = f"total: {\n    sum([1, 2])\n}!"\n',
}


@pytest.mark.parametrize("newer", MULTI_LINE.values(), ids=MULTI_LINE.keys())
def test_constructs_over_several_lines_keep_the_lines_below(newer: str) -> None:
    """Seen on real code: what a removed construct spanned stays as continuation
    lines, so a finding after it is still on its own line."""
    lowered = text_of(lower(newer))
    assert lowered is not None
    ast.parse(lowered)
    assert len(lowered.splitlines()) == len(newer.splitlines())
    source = newer + "\n\n" + BLOCKING
    line = source.splitlines().index("    time.sleep(1)") + 1
    findings = check_source(source, "app.py", ["ASY102", "SCN001"])
    assert [(f.rule, f.line) for f in findings] == [("ASY102", line)]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


TEMPLATE = '{% if sentry %}\nSENTRY_DSN = "{{ dsn }}"\n{% endif %}\n'


def test_templates_named_py_are_one_info_finding_per_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": BLOCKING,
            "template/{{cookiecutter.slug}}/settings.py": TEMPLATE,
            "template/{{cookiecutter.slug}}/main.py": TEMPLATE,
            "template/{{cookiecutter.slug}}/db.py": TEMPLATE,
            "other/conf.py": TEMPLATE,
            "broken.py": "def f(:\n",
        },
    )
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    shown = sorted((f.rule, f.severity.value, f.path) for f in result.findings)
    assert shown == [
        ("ASY102", "error", "app.py"),
        ("SCN001", "error", "broken.py"),
        ("SCN003", "info", "other/conf.py"),
        ("SCN003", "info", "template/{{cookiecutter.slug}}/db.py"),
    ]
    (grouped,) = [f for f in result.findings if f.path.startswith("template/")]
    assert grouped.message == (
        "3 files in `template/{{cookiecutter.slug}}/` are not Python source but templates "
        "(`{{ }}` / `{% %}`): db.py, main.py, settings.py"
    )


@pytest.mark.parametrize(
    "template",
    [
        # Tags on lines of their own, the parser stopping on another line (line 7).
        "def render(\n    user,\n    **kw: dict[{{ t }}],\n{% if x %}\n) -> int:\n"
        "{% else %}\n) -> str:\n{% endif %}\n    pass\n",
        # A template expression where a module name goes, on the line it stops at.
        "from app.{{ version }}.client import Client\n",
    ],
    ids=["tag-lines-elsewhere", "expression-in-an-import"],
)
def test_a_template_in_code_is_not_lowered(monkeypatch: pytest.MonkeyPatch, template: str) -> None:
    """No Python reads ``{%`` in code, nor a ``{{`` where the parser stopped: such a
    file is a template at once, without trying LibCST's grammars on it."""
    from fastaudit.engine import lowering

    tried: list[str] = []
    monkeypatch.setattr(lowering, "lower", tried.append)
    findings = check_source(template, "conf.py", ["SCN001", "SCN003"])
    assert [f.rule for f in findings] == ["SCN003"]
    assert tried == []


def test_template_marks_in_strings_leave_newer_syntax_to_lowering() -> None:
    """``{{`` in an f-string is a brace, ``{%`` in a string is text: the file is
    lowered and audited."""
    source = (
        'PAGE = "{% block body %}"\n'
        'title = f"{{ {row["name"]} }}"\n\n\n'
        "async def wait():\n    import time\n\n    time.sleep(1)\n"
    )
    findings = check_source(source, "page.py", ["SCN001", "SCN003", "ASY102"])
    assert [f.rule for f in findings] == ["ASY102"]


def test_a_template_tag_where_the_parser_stops_is_not_lowered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No grammar reads a line starting with ``{%``: the file is a template at once,
    without LibCST's parse of it."""
    from fastaudit.engine import lowering

    tried: list[str] = []
    monkeypatch.setattr(lowering, "lower", tried.append)
    findings = check_source(TEMPLATE, "conf.py", ["SCN001", "SCN003"])
    assert [(f.rule, f.line) for f in findings] == [("SCN003", 1)]
    assert tried == []


def test_a_template_in_a_string_of_newer_python_is_python() -> None:
    source = (
        "type Rows = list[int]\n\n"
        'PAGE = """\n{% for row in rows %}\n{{ row }}\n{% endfor %}\n"""\n\n' + BLOCKING
    )
    line = source.splitlines().index("    time.sleep(1)") + 1
    findings = check_source(source, "app.py", ["ASY102", "SCN001", "SCN003"])
    assert [(f.rule, f.line) for f in findings] == [("ASY102", line)]


def test_a_lowered_file_offers_no_fix_from_a_project_rule(tmp_path: Path) -> None:
    """Offsets in a lowered file are the lowered text's: STR102's fix, carried in a
    project fact, must not edit the real file by them."""
    files = {
        "src/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "src/auth/__init__.py": "",
        "src/auth/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
        "src/auth/service/__init__.py": "from src.auth.service.users import get_user\n",
        "src/auth/service/users.py": "def get_user(uid):\n    return uid\n",
        "src/posts/__init__.py": "",
        "src/posts/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
        "src/posts/service.py": (
            "from src.auth.service.users import get_user\n\n"
            "type PostId = int\n\n\n"
            "def author(post_id: PostId):\n    return get_user(post_id)\n"
        ),
    }
    write(tmp_path, files)
    result = scan(tmp_path, Config(select=["STR102"]), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.path == "src/posts/service.py"]
    assert (finding.rule, finding.line) == ("STR102", 1)
    assert finding.fix is None


# ------------------------------------- the token path and LibCST lower the same way
TOKEN_LOWERED = {
    **{k: v for k, v in NEWER.items() if not k.startswith("pep701") and "field" not in k},
    **{k: v for k, v in MULTI_LINE.items() if not k.startswith("fstring")},
    "async-generic": "async def fetch[T](kind: type[T]) -> T:\n    return kind()\n",
    "except-star": "try:\n    pass\nexcept* ValueError, TypeError:\n    pass\n",
    "nested-generic-class": "if True:\n    class Box[T]:\n        pass\n",
    "type-as-a-name-beside": "type = 3\nprint(type(type))\ntype X = int\n",
    "one-line-body": "def f[T](x: T) -> T: return x\n",
    "except-over-lines": "try:\n    pass\nexcept (\n    ValueError\n), KeyError:\n    pass\n",
    "template-raw-triple": 'pattern = Rt"""\n\\d+{suffix}\n"""\n',
    "template-in-call": 'render(T"<b>{title!r:>{width}}</b>", escape=True)\n',
}


@pytest.mark.parametrize("newer", TOKEN_LOWERED.values(), ids=TOKEN_LOWERED.keys())
def test_the_token_path_lowers_as_libcst_does(newer: str) -> None:
    from fastaudit.engine.lowering import _lower_by_libcst, _lower_by_tokens

    fast = text_of(_lower_by_tokens(newer))
    assert fast is not None
    assert fast == text_of(_lower_by_libcst(newer))
    assert len(fast.splitlines()) == len(newer.splitlines())


@pytest.mark.parametrize(
    "newer",
    [NEWER["pep701-fstring"], NEWER["pep701-comment"], "class Box[T]:\r    pass\r"],
    ids=["fstring", "fstring-comment", "lone-cr"],
)
def test_what_the_tokens_cannot_settle_goes_to_libcst(newer: str) -> None:
    from fastaudit.engine.lowering import _lower_by_tokens

    assert _lower_by_tokens(newer) is None
    lowered = text_of(lower(newer))
    assert lowered is not None
    ast.parse(lowered)


def test_an_unbracketed_except_tuple_with_a_name_stays_an_error() -> None:
    """PEP 758 allows ``except A, B:`` only when the exception is not named."""
    source = "try:\n    pass\nexcept ValueError, TypeError as error:\n    pass\n"
    assert lower(source) is None
    (finding,) = check_source(source, "bad.py")
    assert finding.rule == "SCN001"


@pytest.mark.parametrize("newer", TOKEN_LOWERED.values(), ids=TOKEN_LOWERED.keys())
def test_the_statement_path_lowers_as_the_whole_file_path(newer: str) -> None:
    from fastaudit.engine.lowering import _lower_by_tokens, _lower_where_rejected

    # When the parser stops inside the statement (a multi-line ``except``), the
    # statement path leaves it to the whole-file one.
    fast = text_of(_lower_where_rejected(newer))
    assert fast in (None, text_of(_lower_by_tokens(newer)))
    assert text_of(lower(newer)) == text_of(_lower_by_tokens(newer))


def test_a_file_with_many_constructs_is_lowered_whole() -> None:
    """Past eight constructs the statement path gives up (a parse each); the whole-file
    token path still lowers every one, on the same lines."""
    from fastaudit.engine.lowering import _lower_where_rejected

    newer = "".join(f"class Box{n}[T]:\n    value: T\n\n\n" for n in range(10))
    newer += "def first[T](items: list[T]) -> T:\n    return items[0]\n"
    assert _lower_where_rejected(newer) is None
    lowered = text_of(lower(newer))
    assert lowered is not None
    ast.parse(lowered)
    assert lowered.splitlines()[-2] == "def first(items: list[T]) -> T:"
    assert len(lowered.splitlines()) == len(newer.splitlines())


# PEP 701 f-strings inside files of many statements: the window path reads only the
# top-level statement the parser stops in (its decorators, ``else`` and ``except`` parts
# included), then the next, and must give what LibCST's read of the whole file gives.
WINDOWED = {
    "in-a-decorated-function": (
        "import functools\n\n\n@functools.cache\n@functools.wraps(print)\n"
        "def label(row):\n    name = 1\n"
        '    return f"{row["name"]}: {", ".join(row["tags"])}"\n\n\nDONE = True\n'
    ),
    "in-an-else-part": (
        'import sys\n\nif sys.argv:\n    pass\nelse:\n    shown = f"{sys.argv["x"]}"\n\nOTHER = 2\n'
    ),
    "two-statements-apart": (
        'A = f"{", ".join(["a"])}"\n\n\ndef f():\n    return 1\n\n\nclass C:\n    b = f"{"x"!r}"\n'
    ),
    "string-at-the-first-column": (
        'def doc():\n    """\nnot = code\n"""\n    return f"{doc.__name__ + "x"}"\n\n\nLAST = 1\n'
    ),
    "last-statement": 'import os\n\nprint(f"{os.environ["HOME"]}")\n',
}


@pytest.mark.parametrize("newer", WINDOWED.values(), ids=WINDOWED.keys())
def test_the_window_path_lowers_as_the_whole_file_path(newer: str) -> None:
    from fastaudit.engine.lowering import _lower_by_libcst, _lower_by_windows

    whole = text_of(_lower_by_libcst(newer))
    assert whole is not None
    assert text_of(_lower_by_windows(newer)) == whole
    assert text_of(lower(newer)) == whole
    ast.parse(whole)


def test_the_window_path_reads_one_statement_not_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastaudit.engine import lowering_cst
    from fastaudit.engine.lowering import _lower_by_windows

    read: list[str] = []
    real = lowering_cst.libcst_edits

    def spy(text: str) -> list[lowering_cst.Edit] | None:
        read.append(text)
        return real(text)

    monkeypatch.setattr(lowering_cst, "libcst_edits", spy)
    newer = WINDOWED["in-a-decorated-function"]
    assert _lower_by_windows(newer) is not None
    assert read == [newer[newer.index("@functools.cache") : newer.index("DONE")]]


def test_a_template_string_is_lowered_to_a_call_around_an_f_string() -> None:
    """PEP 750: a ``Template`` is not text. Its fields stay read (names used), and the
    string is inside a call, where no rule takes it for a value formatted into text."""
    source = 'query = t"SELECT * FROM users WHERE id = {user_id}"\n'
    assert (
        text_of(lower(source))
        == 'query = __template__(f"SELECT * FROM users WHERE id = {user_id}")\n'
    )


@pytest.mark.parametrize(
    ("newer", "lowered"),
    [
        # Implicit concatenation (only of template strings, in 3.14): one call around all.
        (
            's = (t"<p>{a}</p>"\n     t"<p>{b}</p>")\n',
            's = (__template__(f"<p>{a}</p>"\n     f"<p>{b}</p>"))\n',
        ),
        # ``tr`` (LibCST 1.9 reads only ``rt``).
        ('s = tr"\\w+{x}"\n', 's = __template__(fr"\\w+{x}")\n'),
    ],
    ids=["concatenated", "tr-prefix"],
)
def test_template_strings_libcst_cannot_read_are_lowered_from_tokens(
    newer: str, lowered: str
) -> None:
    assert text_of(lower(newer)) == lowered


def test_sql_in_a_template_string_is_not_sql_built_from_strings() -> None:
    """A t-string hands its values to the library apart from the text (a driver that
    takes templates binds them as parameters); the same text as an f-string is SEC105."""
    template = textwrap.dedent(
        """\
        from sqlalchemy import text


        async def find_user(session, email: str):
            return await session.execute(sql(t"SELECT id FROM users WHERE email = {email}"))


        async def find_order(session, number: str):
            return await session.execute(text(f"SELECT id FROM orders WHERE number = '{number}'"))
        """
    )
    findings = check_source(template, "app/users.py", ["SEC105", "SCN001"])
    assert [(f.rule, f.line) for f in findings] == [("SEC105", 9)]


def test_a_python_314_route_file_is_audited(tmp_path: Path) -> None:
    """A 3.14 file (a template string, an unbracketed ``except`` tuple) gets its
    findings on their own lines, not a syntax error."""
    write(
        tmp_path,
        {
            "app/main.py": textwrap.dedent(
                """\
                import time

                from fastapi import FastAPI

                app = FastAPI()


                @app.get("/hello")
                async def hello(name: str) -> dict[str, str]:
                    try:
                        greeting = str(t"Hello {name}!")
                    except ValueError, TypeError:
                        greeting = ""
                    time.sleep(1)
                    return {"greeting": greeting}
                """
            )
        },
    )
    result = scan(tmp_path, Config(select=["ASY102", "SCN001"]), use_cache=False, jobs=1)
    assert [(f.rule, f.path, f.line) for f in result.findings] == [("ASY102", "app/main.py", 14)]


# PEP 701 f-strings read from the text: the edits LibCST's lowering makes, without it.
READ = {
    "own-quotes": 'name = f"{row["name"]}!"\n',
    "backslash": "joined = f\"{'\\n'.join(items)}\"\n",
    "comment-in-a-triple": 'text = f"""{\n    total  # the sum\n}"""\n',
    "line-break-in-a-one-line-string": 'text = f"total: {\n    sum([1, 2])\n}!"\n',
    "named-character-then-quotes": 'dash = f"\\N{EM DASH} {row["k"]}"\n',
    "raw-backslash-before-a-field": 'pattern = rf"\\{row["k"]}\\d+"\n',
    "nested-spec": 'cell = f"{value:>{width}} {row["k"]:{fill}<{size}}"\n',
    "conversion": 'shown = f"{row["k"]!r:>10}"\n',
    "not-equal": 'flag = f"{a != b} {row["k"]}"\n',
    "nested-f-string": 'inner = f"{f"{x}"}"\n',
    "escaped-braces": 'literal = f"{{kept}} {row["k"]}"\n',
    "strings-and-comments-around": (
        '# f"{row["k"]}" in a comment\n'
        "opening = \"{\" + b'}' + f'{row['k']}'  # \"a\" quote\n"
        'if"x"in opening:\n    pass\n'
    ),
    "triple-with-its-quotes": 'block = f"""\nrow: {row["k"]}\n"""\n',
    "implicit-concatenation": 'both = (f"{a["x"]}" f"{b}" "{plain}")\n',
    "dict-in-a-field": "picked = f\"{ {'a': 1}['a'] } {d[\"a\"]}\"\n",
    "with-a-type-parameter": 'def show[T](row: T) -> str:\n    return f"{row["k"]}"\n',
    "crlf": 'a = f"{row["k"]}"\r\nb = 1\r\n',
}


@pytest.mark.parametrize("newer", READ.values(), ids=READ.keys())
def test_reading_f_strings_lowers_as_libcst_does(newer: str) -> None:
    from fastaudit.engine.lowering import _lower_by_libcst, _lower_by_reading

    read = _lower_by_reading(newer)
    assert read is not None and read.tree is not None
    assert read.text == text_of(_lower_by_libcst(newer))
    assert ast.dump(read.tree) == ast.dump(ast.parse(read.text))
    assert len(read.text.splitlines()) == len(newer.splitlines())


@pytest.mark.parametrize(
    "newer",
    ['row = t"<td>{cells["name"]}</td>"\n', 'open = f"{row["k"]\n'],
    ids=["template-string", "left-open"],
)
def test_what_reading_cannot_settle_goes_to_libcst(newer: str) -> None:
    from fastaudit.engine.lowering import _lower_by_reading

    assert _lower_by_reading(newer) is None


def test_a_file_of_pep701_f_strings_is_lowered_without_libcst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastaudit.engine import lowering_cst

    def refuse(text: str) -> list[lowering_cst.Edit] | None:
        raise AssertionError("LibCST was asked")

    monkeypatch.setattr(lowering_cst, "libcst_edits", refuse)
    source = 'import os\n\n\ndef home() -> str:\n    return f"{os.environ["HOME"]}/x"\n'
    lowered = lower(source)
    assert lowered is not None
    assert lowered.text.splitlines()[-1] == '    return f"{_}/x"'
