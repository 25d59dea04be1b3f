"""DEP101/DEP102: FastAPI markers as parameter defaults, what is reported and how it is
fixed. The rule's own Do/Don't examples are checked in test_examples.py; these cover
positions, messages, name resolution, and the fixes' edge cases (ordering, comments)."""

from __future__ import annotations

import ast
import itertools

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.fixes.apply import apply_edits
from fastaudit.fixes.runner import fix_project, fix_source
from fastaudit.model import Finding, Safety

from .conftest import code, write_tree
from .conftest import fixed as fixed_rules
from .conftest import found as found_rules

DEP = ["DEP101", "DEP102"]


def found(text: str) -> list[Finding]:
    return found_rules(text, DEP)


def fixed(text: str, *, unsafe: bool = True) -> str:
    return fixed_rules(text, DEP, unsafe=unsafe)


# ----------------------------------------------------------------------------- reports
def test_depends_default_is_reported_with_position_and_message():
    (finding,) = found(
        """
        from fastapi import Depends

        async def get_profile(user: User = Depends(get_user)):
            return user
        """
    )
    assert finding.rule == "DEP101"
    assert (finding.span.line, finding.span.column) == (3, 23)
    assert (finding.span.end_line, finding.span.end_column) == (3, 53)
    assert finding.message == (
        "`user: User = Depends(get_user)` in `get_profile`: "
        "use `user: Annotated[User, Depends(get_user)]`"
    )
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE


def test_query_default_message_shows_the_default_moving_out():
    (finding,) = found(
        """
        from fastapi import Query

        def search(q: str | None = Query(None, max_length=5)):
            return q
        """
    )
    assert finding.rule == "DEP102"
    assert (finding.span.line, finding.span.column) == (3, 12)
    assert finding.message == (
        "`q: str | None = Query(None, max_length=5)` in `search`: "
        "use `q: Annotated[str | None, Query(max_length=5)] = None`"
    )


def test_unannotated_parameter_message_asks_for_a_type():
    (finding,) = found(
        """
        from fastapi import Depends

        def list_items(db=Depends(get_db)):
            return db
        """
    )
    assert finding.message == (
        "`db=Depends(get_db)` in `list_items`: use `db: Annotated[<type>, Depends(get_db)]`"
    )


def test_long_marker_call_is_shortened_in_the_message():
    (finding,) = found(
        """
        from fastapi import Depends

        def f(
            account: Account = Depends(
                load_account,  # cached
            ),
        ):
            return account
        """
    )
    assert finding.message == (
        "`account: Account = Depends(...)` in `f`: use `account: Annotated[Account, Depends(...)]`"
    )
    assert (finding.span.line, finding.span.end_line) == (4, 6)


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from fastapi import Depends as D", "D(get_db)"),
        ("import fastapi", "fastapi.Depends(get_db)"),
        ("import fastapi.params", "fastapi.params.Depends(get_db)"),
        ("from fastapi import params", "params.Depends(get_db)"),
        ("from fastapi.param_functions import Depends", "Depends(get_db)"),
        ("import fastapi as fa", "fa.Security(get_db, scopes=['a'])"),
        ("from fastapi.params import Security", "Security(get_db)"),
    ],
)
def test_dependency_markers_are_resolved_through_imports(imports, call):
    text = f"{imports}\n\n\ndef handler(db: Session = {call}):\n    return db\n"
    assert [f.rule for f in found(text)] == ["DEP101"]


@pytest.mark.parametrize("kind", ["Query", "Path", "Header", "Body", "Cookie", "Form", "File"])
def test_every_parameter_marker_is_reported(kind):
    text = f"from fastapi import {kind}\n\n\ndef handler(x: str = {kind}(...)):\n    return x\n"
    assert [f.rule for f in found(text)] == ["DEP102"]


@pytest.mark.parametrize(
    "text",
    [
        # A local function called Depends.
        """
        def Depends(x):
            return x

        def handler(db=Depends(1)):
            return db
        """,
        # An enclosing function's parameter shadows the import.
        """
        from fastapi import Depends

        def make(Depends):
            def inner(db=Depends(1)):
                return db
            return inner
        """,
        # A name that is never imported.
        """
        def handler(q: str = Query(None)):
            return q
        """,
        # Already Annotated; markers elsewhere than a default.
        """
        from typing import Annotated

        from fastapi import APIRouter, Depends, Query

        router = APIRouter(dependencies=[Depends(audit)])
        Page = Annotated[int, Query(ge=1)]

        @router.get("/", dependencies=[Depends(verify)])
        def handler(page: Page = 1, q: Annotated[str, Query()] = "", x=Depends):
            return Depends(page)
        """,
        # A lambda's default is not a FastAPI signature we can annotate.
        """
        from fastapi import Depends

        handler = lambda db=Depends(get_db): db
        """,
    ],
)
def test_look_alikes_are_not_reported(text):
    assert found(text) == []


# ----------------------------------------------------------------------------- fixes
def test_several_dependencies_in_one_signature_are_fixed_safely_in_one_go():
    before = """
        from fastapi import APIRouter, Depends

        router = APIRouter()


        @router.get("/orders")
        async def orders(db: Session = Depends(db_), user: User = Depends(me)):
            return []
        """
    after = code(
        """
        from typing import Annotated

        from fastapi import APIRouter, Depends

        router = APIRouter()


        @router.get("/orders")
        async def orders(db: Annotated[Session, Depends(db_)], user: Annotated[User, Depends(me)]):
            return []
        """
    )
    findings = found(before)
    assert [f.fix.safety for f in findings] == [Safety.SAFE, Safety.SAFE]
    # The later parameter's fix takes the earlier one along, so it is valid alone too.
    assert "with `db` before it" in findings[1].fix.description
    assert fixed(before, unsafe=False) == after
    assert fixed(before) == after
    alone, applied = apply_edits(code(before), [findings[1].fix])
    # (The raw edits; the blank line between import sections comes with the tidy-up.)
    assert applied and alone == after.replace("Annotated\n\nfrom", "Annotated\nfrom")


def test_default_kept_before_a_dependency_makes_it_keyword_only_unsafely():
    before = """
        from fastapi import Depends, Query


        def search(
            q: str = Query("all"),
            user: User = Depends(get_user),
            limit: int = Query(10, le=50),
        ):
            return q
        """
    findings = found(before)
    by_name = {f.message.split(":")[0].strip("`"): f for f in findings}
    user_fix = by_name["user"].fix
    assert user_fix.safety is Safety.UNSAFE
    assert "a `*` goes before `user`" in user_fix.note
    assert fixed(before) == code(
        """
        from typing import Annotated

        from fastapi import Depends, Query


        def search(
            q: Annotated[str, Query()] = "all",
            *,
            user: Annotated[User, Depends(get_user)],
            limit: Annotated[int, Query(le=50)] = 10,
        ):
            return q
        """
    )
    # Safe fixes only: the dependency keeps its legacy form, the rest is converted.
    safe = fixed(before, unsafe=False)
    assert "user: User = Depends(get_user)," in safe
    assert 'q: Annotated[str, Query()] = "all",' in safe
    assert [f.rule for f in found(safe)] == ["DEP101"]


def test_star_goes_inline_when_parameters_share_a_line():
    before = """
        from fastapi import Depends, Query

        def f(q: int = Query(1), a: A = Depends(x), b: B = Depends(y)):
            pass
        """
    assert fixed(before).splitlines()[4] == (
        "def f(q: Annotated[int, Query()] = 1, *, a: Annotated[A, Depends(x)], "
        "b: Annotated[B, Depends(y)]):"
    )


SIGNATURES = [
    "def f(a: A = Depends(x), b: B = Depends(y), c: C = Depends(z)): pass",
    "def f(q: int = Query(1), a: A = Depends(x), b: B = Depends(y)): pass",
    "def f(a: A = Depends(x), q: int = Query(1), b: B = Depends(y), p: int = Path(...)): pass",
    "def f(self, p: int = Path(...), q: str = Query(None), a: A = Depends(x)): pass",
    "def f(q: int = Query(1), /, a: A = Depends(x), *, b: B = Depends(y)): pass",
    "def f(a=Depends(x), q: int = Query(default=2), b=Depends(y)): pass",
    "def f(n: int = 3, a: A = Depends(x), b: B = Depends(y)): pass",
]


@pytest.mark.parametrize("signature", SIGNATURES)
def test_any_subset_of_the_fixes_leaves_a_valid_signature(signature):
    text = f"from fastapi import Depends, Path, Query\n\n\n{signature}\n"
    fixes = [f.fix for f in check_source(text, rule_ids=DEP) if f.fix is not None]
    assert fixes
    for size in range(1, len(fixes) + 1):
        for subset in itertools.combinations(fixes, size):
            result, applied = apply_edits(text, list(subset))
            assert len(applied) == size
            ast.parse(result)


@pytest.mark.parametrize("signature", SIGNATURES)
def test_fixing_until_done_leaves_nothing_fixable(signature):
    text = f"from fastapi import Depends, Path, Query\n\n\n{signature}\n"
    for unsafe in (False, True):
        result = fix_source(text, DEP, unsafe=unsafe)
        ast.parse(result)
        left = [f for f in check_source(result, rule_ids=DEP) if f.fix is not None]
        if unsafe:
            assert not left
        else:
            assert all(f.fix.safety is Safety.UNSAFE for f in left)


def test_comments_inside_and_around_the_signature_survive():
    before = """
        from fastapi import Depends, Query


        def f(  # the signature
            # who is asking
            user: User = Depends(get_user),  # required
            limit: int = Query(
                10,  # a sensible page
                le=100,  # no more
            ),
        ):  # end
            pass
        """
    assert fixed(before) == code(
        """
        from typing import Annotated

        from fastapi import Depends, Query


        def f(  # the signature
            # who is asking
            user: Annotated[User, Depends(get_user)],  # required
            limit: Annotated[int, Query(
                # a sensible page
                le=100,  # no more
            )] = 10,
        ):  # end
            pass
        """
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # `...` means required: no default is left.
        (
            "def f(item_id: int = Path(..., gt=0)): pass",
            "def f(item_id: Annotated[int, Path(gt=0)]): pass",
        ),
        (
            "def f(item_id: int = Path(default=..., gt=0)): pass",
            "def f(item_id: Annotated[int, Path(gt=0)]): pass",
        ),
        (
            "def f(q: str | None = Query(default=None, alias='query')): pass",
            "def f(q: Annotated[str | None, Query(alias='query')] = None): pass",
        ),
        (
            "def f(q: str = Query('x',)): pass",
            "def f(q: Annotated[str, Query()] = 'x'): pass",
        ),
        # default_factory stays in the marker; there is no plain default.
        (
            "def f(*, tags: list[str] = Query(default_factory=list)): pass",
            "def f(*, tags: Annotated[list[str], Query(default_factory=list)]): pass",
        ),
        # Already Annotated: the marker joins the existing metadata.
        (
            "def f(n: Annotated[int, Doc('n')] = Query(3)): pass",
            "def f(n: Annotated[int, Doc('n'), Query()] = 3): pass",
        ),
    ],
)
def test_parameter_marker_rewrites(before, after):
    header = "from typing import Annotated\nfrom fastapi import Path, Query\n\n\n"
    assert fixed(header + before + "\n") == header + after + "\n"


def test_existing_imports_and_aliases_of_annotated_are_reused():
    assert fixed(
        """
        import typing

        from fastapi import Depends

        def f(db: Session = Depends(get_db)): pass
        """
    ).endswith("def f(db: typing.Annotated[Session, Depends(get_db)]): pass\n")
    assert fixed(
        """
        from typing_extensions import Annotated as A

        from fastapi import Depends

        def f(db: Session = Depends(get_db)): pass
        """
    ).endswith("def f(db: A[Session, Depends(get_db)]): pass\n")


def test_import_goes_after_docstring_and_future_import():
    assert fixed(
        '''
        """Orders."""
        from __future__ import annotations

        from fastapi import Depends

        def f(db: Session = Depends(get_db)): pass
        '''
    ) == code(
        '''
        """Orders."""
        from __future__ import annotations

        from typing import Annotated

        from fastapi import Depends

        def f(db: Annotated[Session, Depends(get_db)]): pass
        '''
    )


def test_unannotated_parameter_gets_any_in_an_unsafe_fix():
    before = """
        from fastapi import Depends, Query

        def f(db=Depends(get_db), q=Query(None)):
            pass
        """
    findings = found(before)
    assert all(f.fix.safety is Safety.UNSAFE for f in findings)
    assert "`db` had no annotation: replace `Any` with its type" in findings[0].fix.note
    assert fixed(before, unsafe=False) == code(before)
    assert fixed(before) == code(
        """
        from typing import Annotated, Any

        from fastapi import Depends, Query

        def f(db: Annotated[Any, Depends(get_db)], q: Annotated[Any, Query()] = None):
            pass
        """
    )


def test_string_annotation_fix_is_unsafe():
    (finding,) = found(
        """
        from fastapi import Depends

        def f(user: "User" = Depends(get_user)): pass
        """
    )
    assert finding.fix.safety is Safety.UNSAFE
    assert "string annotation" in finding.fix.note


@pytest.mark.parametrize(
    "signature",
    [
        # `*args` already: no room for a bare `*`.
        "def f(q: int = Query(1), a: A = Depends(x), *args): pass",
        # A bare `*` already, and a parameter before it would need another.
        "def f(q: int = Query(1), a: A = Depends(x), *, z: int = 1): pass",
        # Parentheses around the default.
        "def f(a: A = (Depends(x))): pass",
        # A bare Depends() builds its annotation, and there is none.
        "def f(a=Depends()): pass",
        # Two markers at once (FastAPI rejects this anyway).
        "def f(a: Annotated[A, Depends(y)] = Depends(x)): pass",
    ],
)
def test_no_fix_when_no_correct_rewrite_is_known(signature):
    text = f"from typing import Annotated\nfrom fastapi import Depends, Query\n\n\n{signature}\n"
    marked = [f for f in check_source(text, rule_ids=["DEP101"]) if f.rule == "DEP101"]
    assert marked and all(f.fix is None for f in marked)
    assert fix_source(text, DEP) == fix_source(text, ["DEP102"])


def test_keyword_only_parameters_without_defaults_can_be_scanned_again():
    # Regression: the walker once choked on ``kw_defaults`` holding None, which is what
    # every fixed keyword-only dependency looks like.
    # ``{**base}`` puts None in ``Dict.keys`` the same way.
    result = fixed(
        """
        from fastapi import Depends

        def f(*, a: A = Depends(x), b: B = Depends(y)): return {**a}
        """
    )
    assert result.endswith(
        "def f(*, a: Annotated[A, Depends(x)], b: Annotated[B, Depends(y)]): return {**a}\n"
    )
    assert found(result) == []


def test_class_shorthand_depends_keeps_its_empty_call():
    # ``Depends()`` builds the annotated class; inside Annotated it does the same.
    assert fixed(
        """
        from fastapi import Depends

        async def items(commons: CommonQueryParams = Depends()): pass
        """
    ).endswith("async def items(commons: Annotated[CommonQueryParams, Depends()]): pass\n")


def test_crlf_line_endings_are_kept():
    text = "from fastapi import Depends, Query\r\n\r\ndef f(\r\n    q: int = Query(1),\r\n"
    text += "    a: A = Depends(x),\r\n):\r\n    pass\r\n"
    result = fix_source(text, DEP)
    assert result == (
        "from typing import Annotated\r\n\r\nfrom fastapi import Depends, Query\r\n\r\ndef f(\r\n"
        "    q: Annotated[int, Query()] = 1,\r\n    *,\r\n    a: Annotated[A, Depends(x)],\r\n"
        "):\r\n    pass\r\n"
    )


def test_class_dependency_constructor_and_methods_are_covered():
    before = """
        from fastapi import Depends, Query


        class Paging:
            def __init__(self, page: int = Query(1, ge=1), size: int = Query(20, le=100)):
                self.page, self.size = page, size
        """
    assert [f.rule for f in found(before)] == ["DEP102", "DEP102"]
    assert "def __init__(self, page: Annotated[int, Query(ge=1)] = 1, size: Annotated[" in (
        fixed(before)
    )


# ------------------------------------------------------- markers that are not FastAPI's
def test_dependency_injector_provider_keeps_its_default_form():
    """``Depends(Provide[...])`` is dependency-injector's idiom: its ``@inject`` fills the
    parameter on direct calls too, and before 4.46 it finds markers in defaults only."""
    before = """
        from dependency_injector.wiring import Provide, inject
        from fastapi import APIRouter, Depends

        from shop.containers import Container

        router = APIRouter()


        @router.get("/stock")
        @inject
        async def stock(service: StockService = Depends(Provide[Container.stock])):
            return await service.levels()
        """
    assert found(before) == []
    # A method called by hand with the same marker: not FastAPI's either.
    assert (
        found(
            """
            from dependency_injector.wiring import Provide, inject
            from fastapi import Depends

            from shop.containers import Container


            class IsStaff:
                @inject
                async def allowed(self, users=Depends(Provide[Container.users])) -> bool:
                    return await users.is_staff()
            """
        )
        == []
    )


def test_inject_decorator_alone_makes_the_rewrite_unsafe():
    before = """
        from dependency_injector.wiring import inject
        from fastapi import Depends


        @inject
        def handler(repo: Repo = Depends(get_repo)):
            return repo
        """
    (finding,) = found(before)
    assert finding.fix.safety is Safety.UNSAFE
    assert "`@inject`" in finding.fix.note


def test_plain_fastapi_dependency_stays_safe():
    (finding,) = found(
        """
        from fastapi import Depends


        def handler(repo: Repo = Depends(get_repo)):
            return repo
        """
    )
    assert finding.fix.safety is Safety.SAFE


# ------------------------------------------------------ routes also called directly
ROUTES = """
    from fastapi import APIRouter, Depends

    from shop.db import get_session

    router = APIRouter()


    @router.get("/orders")
    def list_orders(session: Session = Depends(get_session)):
        return session.query()
    """


def test_route_called_directly_from_another_file_gets_an_unsafe_fix(tmp_path):
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/db.py": "def get_session():\n    return None\n",
            "shop/routes.py": ROUTES,
            "shop/report.py": """
                from shop.routes import list_orders


                def nightly(session):
                    return list_orders(session)
                """,
        },
    )
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "DEP101"]
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note == (
        "`list_orders` is also called directly (shop/report.py:5): the parameter loses "
        "its default, so such a call must now pass it"
    )
    before = (tmp_path / "shop/routes.py").read_text()
    fix_project(result)
    assert (tmp_path / "shop/routes.py").read_text() == before


def test_route_never_called_directly_keeps_a_safe_fix(tmp_path):
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/db.py": "def get_session():\n    return None\n",
            "shop/routes.py": ROUTES,
            # The same name on a library object is not our route.
            "shop/report.py": """
                import reports


                def nightly():
                    return reports.list_orders()
                """,
        },
    )
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "DEP101"]
    assert finding.fix.safety is Safety.SAFE
    fix_project(result)
    assert "Annotated[Session, Depends(get_session)]" in (tmp_path / "shop/routes.py").read_text()


def test_method_called_on_an_object_gets_an_unsafe_fix(tmp_path):
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/db.py": "def get_session():\n    return None\n",
            "shop/views.py": """
                from fastapi import Depends

                from shop.db import get_session


                class OrderViews:
                    def list_orders(self, session: Session = Depends(get_session)):
                        return session.query()

                    def export(self, session):
                        return self.list_orders(session)
                """,
        },
    )
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "DEP101"]
    assert finding.line == 7
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.startswith("`list_orders` is also called directly (shop/views.py:11)")


def test_class_dependency_built_directly_gets_an_unsafe_fix(tmp_path):
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/db.py": "def get_session():\n    return None\n",
            "shop/paging.py": """
                from fastapi import Depends

                from shop.db import get_session


                class Pager:
                    def __init__(self, session: Session = Depends(get_session)):
                        self.session = session
                """,
            "shop/jobs.py": """
                from shop.paging import Pager


                def first_page():
                    return Pager()
                """,
        },
    )
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "DEP101"]
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.startswith("`Pager` is also called directly (shop/jobs.py:5)")


def test_method_called_on_an_untyped_object_elsewhere_gets_an_unsafe_fix(tmp_path):
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/db.py": "def get_session():\n    return None\n",
            "shop/views.py": """
                from fastapi import Depends

                from shop.db import get_session


                class OrderViews:
                    def list_orders(self, session: Session = Depends(get_session)):
                        return session.query()
                """,
            "shop/cli.py": """
                def dump(views, session):
                    return views.list_orders(session)
                """,
        },
    )
    result = scan(tmp_path, Config(), use_cache=False, jobs=1)
    (finding,) = [f for f in result.findings if f.rule == "DEP101"]
    assert finding.fix.note.startswith("`list_orders` is also called directly (shop/cli.py:2)")


def test_a_mutable_default_moving_into_the_signature_makes_the_fix_unsafe():
    """``Query([])`` -> ``Annotated[list[str], Query()] = []``: FastAPI copies the list
    per request, but ruff's B006 reports a mutable default in a signature, so a project
    clean under B stays clean after ``--fix``."""
    source = code(
        """
        from fastapi import FastAPI, Query

        app = FastAPI()


        @app.get("/")
        def read(tags: list[str] = Query([], alias="tag"), q: str = Query("x")):
            return tags, q
        """
    )
    found = {
        f.message.split("`")[1].split(":")[0]: f.fix
        for f in check_source(source, "app.py", ["DEP102"])
        if f.fix is not None
    }
    assert found["tags"].safety is Safety.UNSAFE
    assert "ruff's B006" in found["tags"].note
    assert found["q"].safety is Safety.SAFE


@pytest.mark.parametrize(
    ("annotation", "safe"),
    [
        ("str", False),
        ("int", False),
        ("str | None", True),
        ("Optional[str]", True),
        ("Union[int, None]", True),
        ("Annotated[str | None, 'doc']", True),
        ("Any", True),
    ],
)
def test_a_none_default_moved_out_of_the_marker_needs_an_annotation_admitting_none(
    annotation: str, safe: bool
):
    """``q: str = Query(None)`` type-checks (the marker is ``Any``), ``q: str = None``
    does not (mypy, ruff's RUF013): such a move is left to a person."""
    (finding,) = found(
        f"""
        from typing import Annotated, Any, Optional, Union

        from fastapi import Query

        def search(q: {annotation} = Query(None, max_length=5)):
            return q
        """
    )
    assert finding.fix is not None
    assert (finding.fix.safety is Safety.SAFE) is safe
    if not safe:
        assert "does not admit None" in finding.fix.note
        assert "RUF013" in finding.fix.note
