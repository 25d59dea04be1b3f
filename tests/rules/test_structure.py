"""STR rules and the layout analysis behind them, on small projects and on the fixture
trees under tests/projects/shapes-*."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from fastaudit.audit.scan import project_view, run_project_rules, scan
from fastaudit.config import Config
from fastaudit.engine.layout import find_apps, proposed_layout, singular
from fastaudit.engine.project_view import ProjectView
from fastaudit.fixes.runner import fix_project
from fastaudit.model import Safety

from .conftest import write_tree

PROJECTS = Path(__file__).parent.parent / "projects"


def findings(root: Path, select: str = "STR"):
    # STR104 (a name from another domain's top module) is opt-in: asked for by id.
    return scan(root, Config(select=[select, "STR104"]), use_cache=False).findings


def located(root: Path, select: str = "STR") -> set[tuple[str, str, int]]:
    return {(f.rule, f.path, f.span.line) for f in findings(root, select)}


def view_of(root: Path) -> ProjectView:
    result = scan(root, Config(select=["STR"]), use_cache=False)
    run_project_rules(result)
    return project_view(result)


# A domain layout under src/ (a namespace package, imported as ``src.``).
APP = {
    "src/main.py": """
        from fastapi import FastAPI

        from src.auth.router import router as auth_router
        from src.posts.router import router as posts_router

        app = FastAPI(openapi_url=None)
        app.include_router(auth_router)
        app.include_router(posts_router)
        """,
    "src/config.py": "ENVIRONMENT = 'local'\n",
    "src/auth/__init__.py": "",
    "src/auth/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
    "src/auth/service.py": """
        async def get_user(user_id: int) -> dict:
            return {"id": user_id}


        class User:
            pass
        """,
    "src/posts/__init__.py": "",
    "src/posts/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
}


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {**APP, **files})


# --------------------------------------------------------------------- fixture shapes
SHAPES = {
    "shapes-flat": {("STR101", "app/main.py", 5)},
    "shapes-domain": set(),
    "shapes-monorepo": {
        ("STR104", "services/api/app/billing/service.py", 3),
        ("STR103", "services/worker/app/jobs/service.py", 1),
    },
    "shapes-package": {
        ("STR104", "myshop/cart/router.py", 5),
        ("STR102", "myshop/cart/service.py", 1),
        ("STR102", "myshop/cart/service.py", 2),
    },
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_structure_findings_on_shapes(shape):
    assert located(PROJECTS / shape) == SHAPES[shape]


@pytest.mark.parametrize(
    ("shape", "apps"),
    [
        ("shapes-flat", [("app/main.py", "app", [])]),
        ("shapes-domain", [("src/main.py", "src", ["auth", "notifications", "posts"])]),
        (
            "shapes-monorepo",
            [
                ("services/api/app/main.py", "services/api/app", ["billing", "users"]),
                (
                    "services/worker/app/main.py",
                    "services/worker/app",
                    ["jobs", "reports", "users"],
                ),
            ],
        ),
        ("shapes-package", [("myshop/app.py", "myshop", ["cart", "catalog"])]),
    ],
)
def test_find_apps(shape, apps):
    found = find_apps(view_of(PROJECTS / shape))
    assert [(a.path, a.root, sorted(a.domains)) for a in found] == apps


def test_an_app_and_routers_built_from_renamed_imports_are_found(tmp_path):
    """``FastAPI`` and ``APIRouter`` imported under other names still make the app and
    its routers (the layout once went by the written name)."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/main.py": (
                "from fastapi import FastAPI as Application\n\n"
                "from shop.orders.views import routes\n\n"
                "app = Application()\napp.include_router(routes)\n"
            ),
            "shop/orders/__init__.py": "",
            "shop/orders/views.py": (
                "import fastapi as fa\n\nroutes = fa.APIRouter()\n\n\n"
                '@routes.get("/orders")\nasync def orders() -> list[int]:\n    return []\n'
            ),
        },
    )
    (app,) = find_apps(view_of(tmp_path))
    assert (app.path, app.root, sorted(app.domains)) == ("shop/main.py", "shop", ["orders"])


def test_an_app_class_defined_below_a_call_of_it_still_makes_the_app(tmp_path):
    """``App()`` called in a function above ``class App(FastAPI)`` is not known for an
    app there; the same call below the class is."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/main.py": (
                "from fastapi import FastAPI\n\n\n"
                "def testing_app():\n    return App(debug=True)\n\n\n"
                "class App(FastAPI):\n    pass\n\n\napp = App()\n"
            ),
        },
    )
    (app,) = find_apps(view_of(tmp_path))
    assert (app.path, app.line) == ("shop/main.py", 12)


def test_flat_layout_type_folders_and_proposal():
    view = view_of(PROJECTS / "shapes-flat")
    (app,) = find_apps(view)
    assert app.type_folders == {
        "app/crud": "crud",
        "app/models": "models",
        "app/routers": "router",
        "app/schemas": "schemas",
    }
    assert proposed_layout(view) == [
        ("app/crud/__init__.py", None),
        ("app/crud/item.py", "app/items/crud.py"),
        ("app/crud/user.py", "app/users/crud.py"),
        ("app/models/__init__.py", None),
        ("app/models/base.py", "app/models.py"),
        ("app/models/item.py", "app/items/models.py"),
        ("app/models/user.py", "app/users/models.py"),
        ("app/routers/__init__.py", None),
        ("app/routers/items.py", "app/items/router.py"),
        ("app/routers/users.py", "app/users/router.py"),
        ("app/schemas/__init__.py", None),
        ("app/schemas/item.py", "app/items/schemas.py"),
        ("app/schemas/user.py", "app/users/schemas.py"),
    ]


def test_flat_layout_message_lists_the_domains():
    (finding,) = findings(PROJECTS / "shapes-flat")
    assert finding.span.column == 7  # at ``FastAPI(``
    assert "crud/, models/, routers/, schemas/" in finding.message
    # The proposed layout is in the whole text (the one-line message is cut at 300).
    assert "users/ <- crud/user.py, models/user.py, routers/users.py, schemas/user.py" in (
        finding.detail
    )
    assert "shared: models/base.py -> models.py" in finding.detail


def test_domain_layout_has_no_proposal():
    assert proposed_layout(view_of(PROJECTS / "shapes-domain")) == []


# --------------------------------------------------------------------- STR101 negatives
def test_single_type_folder_is_not_a_file_type_layout(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "app/routers/__init__.py": "",
            "app/routers/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "app/models.py": "",
            "app/crud.py": "",
        },
    )
    assert located(tmp_path) == set()


def test_type_folders_without_shared_features_are_not_flagged(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "app/routers/__init__.py": "",
            "app/routers/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "app/schemas/__init__.py": "",
            "app/schemas/common.py": "",
        },
    )
    assert located(tmp_path) == set()


def test_no_app_no_structure_findings(tmp_path):
    write_tree(
        tmp_path,
        {
            "lib/routers/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "lib/schemas/user.py": "",
        },
    )
    assert located(tmp_path) == set()


def test_app_in_tests_is_not_the_application(tmp_path):
    write_tree(
        tmp_path,
        {
            "tests/conftest.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "tests/routers/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "tests/schemas/user.py": "",
        },
    )
    assert located(tmp_path) == set()


def test_api_routes_nesting_counts_as_router_folder(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "app/api/__init__.py": "",
            "app/api/routes/__init__.py": "",
            "app/api/routes/orders.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "app/schemas/__init__.py": "",
            "app/schemas/order.py": "",
        },
    )
    assert located(tmp_path) == {("STR101", "app/main.py", 3)}


def test_singular():
    assert [singular(w) for w in ("users", "categories", "addresses", "status", "news")] == [
        "user",
        "category",
        "address",
        "status",
        "new",  # good enough to pair files: both sides are normalised alike
    ]


# --------------------------------------------------------------------- STR102
def test_name_from_other_domain_module(tmp_path):
    root = project(
        tmp_path,
        {
            "src/posts/service.py": """
            from src.auth.service import get_user


            async def author(post_id: int):
                return await get_user(post_id)
            """
        },
    )
    (finding,) = findings(root)
    assert (finding.rule, finding.path, finding.span.line, finding.span.column) == (
        "STR104",
        "src/posts/service.py",
        1,
        1,
    )
    assert finding.span.end_column == len("from src.auth.service import get_user") + 1
    assert "from src.auth import service as auth_service" in finding.message
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE


def test_deep_imports_into_a_package_without_routes_are_a_librarys_use(tmp_path):
    """A client library beside the server (``src/billing_client``, schemas and a service,
    no routes) is used the way any library is; the same deep import into a domain with
    routes of its own is reported."""
    root = project(
        tmp_path,
        {
            "src/billing_client/__init__.py": "",
            "src/billing_client/schemas/__init__.py": "",
            "src/billing_client/schemas/invoices.py": "class Invoice:\n    total: int = 0\n",
            "src/billing_client/service.py": "def fetch() -> None:\n    return None\n",
            "src/auth/tokens/__init__.py": "",
            "src/auth/tokens/signing.py": "def sign(value: str) -> str:\n    return value\n",
            "src/posts/service.py": """
            from src.auth.tokens.signing import sign
            from src.billing_client.schemas.invoices import Invoice


            def receipt(invoice: Invoice) -> str:
                return sign(str(invoice.total))
            """,
        },
    )
    assert [(f.rule, f.path, f.span.line) for f in findings(root, "STR102")] == [
        ("STR102", "src/posts/service.py", 1)
    ]


def fixed(root: Path, rel: str) -> str:
    result = scan(root, Config(select=["STR102", "STR104"]), use_cache=False)
    report = fix_project(result, unsafe=True, write=True)
    assert not report.errors
    return (root / rel).read_text(encoding="utf-8")


def test_fix_renames_uses_but_not_shadowed_ones(tmp_path):
    root = project(
        tmp_path,
        {
            "src/posts/service.py": """
            from src.auth.service import User, get_user as fetch_user


            async def author(post_id: int) -> User:
                return await fetch_user(post_id)


            def other(fetch_user):
                return fetch_user(1)


            class Post:
                owner: User | None = None
            """
        },
    )
    assert fixed(root, "src/posts/service.py") == textwrap.dedent(
        """\
        from src.auth import service as auth_service


        async def author(post_id: int) -> auth_service.User:
            return await auth_service.get_user(post_id)


        def other(fetch_user):
            return fetch_user(1)


        class Post:
            owner: auth_service.User | None = None
        """
    )
    assert located(root) == set()


def test_relative_import_stays_relative(tmp_path):
    root = project(
        tmp_path,
        {
            "src/posts/service.py": """
            from ..auth.service import get_user

            handler = get_user
            """
        },
    )
    assert fixed(root, "src/posts/service.py") == (
        "from ..auth import service as auth_service\n\nhandler = auth_service.get_user\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        # Rebound at module level: renaming the uses would change what they mean.
        "from src.auth.service import get_user\n\nget_user = staticmethod(get_user)\n",
        # Re-exported.
        "from src.auth.service import get_user\n\n__all__ = ['get_user']\n",
        # Imported inside a function (often to break a cycle): reported, not rewritten.
        "def load():\n    from src.auth.service import get_user\n    return get_user\n",
        # Bound twice.
        "from src.auth.service import get_user\nfrom src.config import get_user\n",
    ],
)
def test_no_fix_when_not_mechanical(tmp_path, body):
    root = project(tmp_path, {"src/posts/service.py": body})
    (finding,) = findings(root)
    assert finding.rule == "STR104" and finding.fix is None


def test_a_taken_alias_gives_way_to_another_name(tmp_path):
    body = "from src.auth.service import get_user\n\nauth_service = None\nx = get_user\n"
    root = project(tmp_path, {"src/posts/service.py": body})
    assert fixed(root, "src/posts/service.py") == (
        "from src.auth import service as auth_service_module\n\n"
        "auth_service = None\nx = auth_service_module.get_user\n"
    )


def test_name_in_a_string_makes_the_fix_unsafe(tmp_path):
    root = project(
        tmp_path,
        {
            "src/posts/service.py": """
            from src.auth.service import User


            def owner() -> "User":
                return User()
            """
        },
    )
    (finding,) = findings(root)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert "string" in finding.fix.note


def test_star_import_from_another_domain(tmp_path):
    root = project(tmp_path, {"src/posts/service.py": "from src.auth import *\n"})
    (finding,) = findings(root)
    assert (finding.path, finding.span.line, finding.fix) == ("src/posts/service.py", 1, None)
    assert "`from src.auth import *`" in finding.message


def test_deep_import_fixed_only_when_exposed(tmp_path):
    files = {
        "src/auth/users/__init__.py": "",
        "src/auth/users/lookup.py": "def get_user(i):\n    return i\n",
        "src/posts/service.py": "from src.auth.users.lookup import get_user\n\nx = get_user\n",
    }
    root = project(tmp_path, files)
    (finding,) = findings(root)
    assert finding.fix is None
    assert "internals" in finding.message and "after exposing `get_user`" in finding.message
    (root / "src/auth/users/__init__.py").write_text("from .lookup import get_user\n")
    (finding,) = findings(root)
    assert finding.fix is not None
    assert fixed(root, "src/posts/service.py") == (
        "from src.auth import users as auth_users\n\nx = auth_users.get_user\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        # The recommended form.
        "from src.auth import service as auth_service\n",
        # A name with an alias that says where it comes from.
        "from src.auth.service import User as AuthUser\n",
        # The domain package's own public names.
        "from src.auth import get_user\n",
        # Shared modules of the app are not domains.
        "from src.config import ENVIRONMENT\n",
        # Its own domain.
        "from src.posts.router import router\n",
        # A library that happens to share a domain's name prefix.
        "from authlib.jose import jwt\n",
    ],
)
def test_allowed_imports(tmp_path, body):
    root = project(tmp_path, {"src/posts/service.py": body})
    assert located(root) == set()


def test_main_module_may_import_domains(tmp_path):
    root = project(tmp_path, {"src/wiring.py": "from src.auth.service import get_user\n"})
    assert located(root) == set()


def test_tests_may_import_domain_internals(tmp_path):
    root = project(
        tmp_path,
        {"src/posts/tests/test_x.py": "from src.auth.service import get_user\n"},
    )
    assert located(root) == set()


def test_nested_packages_inside_a_domain_are_not_domains(tmp_path):
    root = project(
        tmp_path,
        {
            "src/auth/oauth/google.py": "from src.auth.tokens.jwt import sign\n",
            "src/auth/tokens/jwt.py": "def sign():\n    pass\n",
        },
    )
    assert located(root) == set()


# --------------------------------------------------------------------- STR103
def test_cycle_through_three_domains_is_printed(tmp_path):
    root = project(
        tmp_path,
        {
            "src/auth/service.py": "from src.posts import service as posts_service\n",
            "src/posts/service.py": "from src.billing import service as billing_service\n",
            "src/billing/__init__.py": "",
            "src/billing/service.py": "# billing\n\nfrom src.auth import service as auth_service\n",
        },
    )
    (finding,) = [f for f in findings(root) if f.rule == "STR103"]
    assert (finding.path, finding.span.line) == ("src/auth/service.py", 1)
    assert "auth -> posts -> billing -> auth" in finding.message
    assert "src/billing/service.py:3 imports src.auth.service" in finding.message


def test_one_way_dependencies_are_no_cycle(tmp_path):
    root = project(
        tmp_path,
        {
            "src/auth/service.py": "from src import config\n",
            "src/posts/service.py": "from src.auth import service as auth_service\n",
        },
    )
    assert located(root) == set()


def test_cycle_in_one_app_of_a_monorepo_only():
    found = [f for f in findings(PROJECTS / "shapes-monorepo") if f.rule == "STR103"]
    assert len(found) == 1
    assert "jobs -> reports -> jobs" in found[0].message


# --------------------------------------------------------------------- fixes on a shape
def test_fixes_on_the_package_shape(tmp_path):
    root = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shapes-package", root)
    result = scan(root, Config(select=["STR102", "STR104"]), use_cache=False)
    by_line = {(f.path, f.span.line): f for f in result.findings}
    assert by_line[("myshop/cart/service.py", 2)].fix.safety is Safety.UNSAFE  # star import
    assert by_line[("myshop/cart/router.py", 5)].fix.safety is Safety.SAFE
    report = fix_project(result, unsafe=True, write=True)
    assert not report.errors
    router = (root / "myshop/cart/router.py").read_text(encoding="utf-8")
    assert "from ..catalog import service as catalog_service\n" in router
    assert "await catalog_service.find_product(product_id)" in router
    service = (root / "myshop/cart/service.py").read_text(encoding="utf-8")
    assert service.splitlines()[:2] == [
        "from myshop.catalog import *",
        "from myshop.catalog import pricing as catalog_pricing",
    ]
    assert "catalog_pricing.price_for(i)" in service
    assert located(root) == {("STR102", "myshop/cart/service.py", 1)}


def test_app_at_the_repository_root(tmp_path):
    """``main.py`` next to the domain packages: imports carry no prefix."""
    write_tree(
        tmp_path,
        {
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI(openapi_url=None)\n",
            "auth/__init__.py": "",
            "auth/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "auth/service.py": "from posts import service as posts_service\n",
            "posts/__init__.py": "",
            "posts/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "posts/service.py": "import auth.service\n",
        },
    )
    (app,) = find_apps(view_of(tmp_path))
    assert (app.root, sorted(app.domains)) == ("", ["auth", "posts"])
    assert located(tmp_path) == {("STR103", "auth/service.py", 1)}


def test_a_patched_name_makes_the_qualifying_fix_unsafe(tmp_path):
    """``mock.patch("src.posts.service.get_user")`` stops finding the name once the fix
    qualifies it as ``auth_service.get_user``."""
    root = project(
        tmp_path,
        {
            "src/posts/service.py": """
            from src.auth.service import get_user


            async def author(post_id: int):
                return await get_user(post_id)
            """,
            "tests/test_posts.py": """
            from unittest import mock


            def test_author():
                with mock.patch("src.posts.service.get_user") as fake:
                    assert fake
            """,
        },
    )
    (finding,) = [f for f in findings(root) if f.path == "src/posts/service.py"]
    assert finding.rule == "STR104" and finding.fix is not None
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note == (
        "`src.posts.service.get_user` is named in a string at tests/test_posts.py:5 "
        "(a `mock.patch` target?): once `get_user` is qualified, that attribute no longer exists"
    )


def test_a_name_from_a_domain_module_is_opt_in_and_a_deep_import_is_not(tmp_path):
    root = project(
        tmp_path,
        {
            "src/auth/tokens/__init__.py": "from .issue import issue_token\n",
            "src/auth/tokens/issue.py": "def issue_token():\n    return 'x'\n",
            "src/posts/service.py": """
            from src.auth.service import get_user
            from src.auth.tokens.issue import issue_token


            async def author(post_id: int):
                return await get_user(post_id), issue_token()
            """,
        },
    )
    default = scan(root, Config(), use_cache=False).findings
    assert [(f.rule, f.span.line) for f in default if f.rule.startswith("STR")] == [("STR102", 2)]
    # The walk notes an import only for the cross-import rules that run (the shape each
    # keeps): whichever run, each still finds its own, with its fix.
    for select, expected in (
        (["STR104"], [("STR104", 1)]),
        (["STR102", "STR104"], [("STR104", 1), ("STR102", 2)]),
        (["STR104", "STR102"], [("STR104", 1), ("STR102", 2)]),
    ):
        found = scan(root, Config(select=select), use_cache=False).findings
        assert [(f.rule, f.span.line) for f in found] == expected, select
        assert all(f.fix is not None for f in found if f.rule == "STR104")


def test_folder_grouping_whole_domains_is_not_a_domain(tmp_path):
    """``src/feedback/`` holds no module of its own, only two complete domains: an
    import of ``src.feedback.orders.enums`` names that domain's top-level module."""
    domain = {
        "__init__.py": "",
        "router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
        "enums.py": "import enum\n\n\nclass Rating(enum.Enum):\n    GOOD = 1\n",
        "service.py": "def rate():\n    return 1\n",
    }
    files = {
        f"src/feedback/{name}/{rel}": text
        for name in ("orders", "staff")
        for rel, text in domain.items()
    }
    files["src/posts/router.py"] = (
        "from fastapi import APIRouter\n\n"
        "from src.feedback.orders.enums import Rating\n"
        "from src.auth.service import get_user\n\nrouter = APIRouter()\n"
    )
    root = project(tmp_path, files)
    assert {(f.rule, f.path, f.span.line) for f in findings(root, "STR102")} == {
        ("STR104", "src/posts/router.py", 4)
    }


def test_a_nested_package_with_its_own_router_is_a_domain_of_its_own(tmp_path):
    """``src/posts/comments/`` has a router and a service: importing its top-level
    module is what the guide shows; reaching below it still is not."""
    files = {
        "src/posts/comments/__init__.py": "",
        "src/posts/comments/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
        "src/posts/comments/service.py": "def count():\n    return 0\n",
        "src/posts/comments/helpers/__init__.py": "",
        "src/posts/comments/helpers/text.py": "def clean(s):\n    return s\n",
        "src/auth/service.py": (
            "from src.posts.comments.service import count\n"
            "from src.posts.comments.helpers.text import clean\n"
        ),
    }
    root = project(tmp_path, files)
    assert {(f.rule, f.path, f.span.line) for f in findings(root, "STR102")} == {
        ("STR102", "src/auth/service.py", 2)
    }


def test_the_suggested_alias_never_takes_a_name_the_file_uses(tmp_path):
    """``auth_service`` is a local of the importing file: the module gets another name,
    or the rewritten code would read the local instead."""
    files = {
        "src/auth/service/__init__.py": "from src.auth.service.users import get_user\n",
        "src/auth/service/users.py": "def get_user(uid):\n    return uid\n",
        "src/posts/service.py": (
            "from src.auth.service.users import get_user\n\n\n"
            "def author(post_id):\n"
            "    auth_service = object()\n"
            "    return get_user(post_id), auth_service\n"
        ),
    }
    root = project(tmp_path, files)
    (finding,) = [f for f in findings(root, "STR102") if f.path == "src/posts/service.py"]
    assert "`from src.auth import service as auth_service_module`" in finding.message
    assert "`auth_service_module.get_user`" in finding.message


def test_a_module_imported_from_a_domain_package_is_already_named(tmp_path):
    """``from src.auth.providers import github as github_client`` imports a module under
    a name, the form STR104 asks for; a name pulled out of that module still counts."""
    files = {
        "src/auth/providers/__init__.py": "",
        "src/auth/providers/github.py": "def client():\n    return 'gh'\n",
        "src/auth/providers/gitlab/__init__.py": "def client():\n    return 'gl'\n",
        "src/posts/service.py": """
            from src.auth.providers import github as github_client, gitlab
            from src.auth.service import get_user


            async def author(post_id: int):
                return github_client.client(), gitlab.client(), await get_user(post_id)
            """,
    }
    root = project(tmp_path, files)
    assert located(root, "STR102") == {("STR104", "src/posts/service.py", 2)}


def test_a_command_may_import_a_domain_s_internals_when_it_runs(tmp_path):
    """Seen on real code (prefect's ``cli`` package): a command imports the server's
    parts inside the function that needs them, so the program starts without loading
    the server. Only the function-local import in a command-line module is left alone:
    the same import at the top of the module, or in a domain, is still reported."""
    root = project(
        tmp_path,
        {
            "src/auth/tokens/__init__.py": "",
            "src/auth/tokens/signing.py": "def sign(value: str) -> str:\n    return value\n",
            "src/cli/__init__.py": "",
            "src/cli/constants.py": 'PROGRAM = "shop"\n',
            "src/cli/users.py": """
            import typer

            from src.auth.tokens.signing import sign as sign_now

            app = typer.Typer()


            @app.command()
            def token(user: str) -> None:
                from src.auth.tokens.signing import sign

                print(sign(user), sign_now(user))
            """,
            "src/admin.py": """
            import click


            @click.command()
            def rotate() -> None:
                from src.auth.tokens.signing import sign

                print(sign("all"))
            """,
            "src/posts/service.py": """
            def receipt(total: int) -> str:
                from src.auth.tokens.signing import sign

                return sign(str(total))
            """,
        },
    )
    assert sorted((f.path, f.span.line) for f in findings(root, "STR102")) == [
        ("src/cli/users.py", 3),
        ("src/posts/service.py", 2),
    ]
