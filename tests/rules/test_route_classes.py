"""A project's own router and app classes under other names, defined in another module:
every route rule sees the routes of the files that import them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastaudit.audit.route_classes import importers, project_route_classes
from fastaudit.audit.scan import refresh, scan
from fastaudit.config import Config

from .conftest import code, project_findings, write_tree

# A router class two steps from FastAPI's, an app class, and a look-alike.
ROUTING = {
    "shop/__init__.py": "",
    "shop/web/__init__.py": "",
    "shop/web/routing.py": """
        from fastapi import APIRouter, FastAPI


        class AuditedRouter(APIRouter):
            '''Records who called each route.'''


        class ShopRouter(AuditedRouter):
            '''The shop's routers: audited, with its error responses.'''


        class ShopApp(FastAPI):
            '''The shop's app.'''


        class Router:
            '''Routes jobs to queues: nothing to do with HTTP.'''
    """,
    "shop/orders.py": """
        from shop.web.routing import ShopRouter

        router = ShopRouter(prefix="/orders")


        @router.get("/{order_id}")
        async def read_order(order_id: int):
            return {"id": order_id}
    """,
    "shop/main.py": """
        from shop.web import routing

        app = routing.ShopApp()


        @app.get("/health")
        async def health():
            return {"ok": True}
    """,
    "shop/jobs.py": """
        from shop.web.routing import Router

        queue = Router()


        @queue.get("/nightly")
        async def nightly():
            return {}
    """,
}


def test_routes_of_a_router_class_from_another_module_are_seen(tmp_path: Path) -> None:
    write_tree(tmp_path, ROUTING)
    findings = project_findings(tmp_path, "DOC102")
    # The routes of the shop's router and app classes; not those of the job router.
    assert [(f.path, f.line) for f in findings] == [("shop/main.py", 6), ("shop/orders.py", 6)]
    assert findings[1].message.startswith("`GET /{order_id}` (`read_order`) declares neither")


def test_a_large_project_walks_the_importers_again_on_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the size that starts worker processes, the second walk of the files
    importing a router class goes to the same workers, however few those files are:
    the parent analyses nothing itself, and finds what one process finds."""
    from fastaudit.engine import parallel
    from fastaudit.engine.parallel import PARALLEL_THRESHOLD

    filler = {f"shop/util_{n}.py": f"VALUE_{n} = {n}\n" for n in range(PARALLEL_THRESHOLD)}
    root = write_tree(tmp_path, {**ROUTING, **filler})
    config = Config(select=["DOC102"])
    alone = scan(root, config, use_cache=False, jobs=1)

    in_parent: list[str] = []
    real = parallel._analyze_one

    def spy(root: Path, rel: str, *rest: object) -> object:
        in_parent.append(rel)  # a worker's own copy of the list, when run there
        return real(root, rel, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_analyze_one", spy)
    shared = scan(root, config, use_cache=False, jobs=2)
    assert in_parent == []
    assert [(f.path, f.span.line) for f in shared.findings] == [
        ("shop/main.py", 6),
        ("shop/orders.py", 6),
    ]
    assert [(f.path, f.span.line) for f in alone.findings] == [
        (f.path, f.span.line) for f in shared.findings
    ]


def test_an_app_of_a_class_from_another_module_reaches_the_rules_filtering_calls(
    tmp_path: Path,
) -> None:
    """SEC102, SET103 and RTE107 are called only on calls that build an app or a router
    (``CallFilter.route_owners``): the project's own app class, defined in another
    module, is one."""
    root = write_tree(
        tmp_path,
        {
            **ROUTING,
            "shop/debug.py": """
                from starlette.middleware.cors import CORSMiddleware
                from starlette.middleware import Middleware

                from shop.auth import ApiKeyMiddleware
                from shop.web.routing import ShopApp

                app = ShopApp(
                    debug=True,
                    middleware=[Middleware(ApiKeyMiddleware), Middleware(CORSMiddleware)],
                )
            """,
        },
    )
    found = scan(root, Config(select=["SEC102", "RTE107"]), use_cache=False).findings
    assert [(f.rule, f.path, f.span.line) for f in found] == [
        ("SEC102", "shop/debug.py", 8),
        ("RTE107", "shop/debug.py", 9),
    ]


def test_the_classes_and_the_files_importing_them(tmp_path: Path) -> None:
    write_tree(tmp_path, ROUTING)
    result = scan(tmp_path, Config(select=["DOC102"]), use_cache=False)
    classes = project_route_classes(result.files.values())
    assert classes == (
        ("shop.web.routing.AuditedRouter", "router"),
        ("shop.web.routing.ShopApp", "app"),
        ("shop.web.routing.ShopRouter", "router"),
    )
    # ``from shop.web import routing`` imports the module defining them; ``jobs`` imports
    # a name of that module, but not one of the classes.
    assert importers(result.files.values(), classes) == ["shop/main.py", "shop/orders.py"]
    assert result.options.route_classes == classes


def test_a_warm_run_and_a_rescan_keep_the_classes(tmp_path: Path) -> None:
    root = write_tree(tmp_path, ROUTING)
    config = Config(select=["DOC102"])
    first = scan(root, config)
    warm = scan(root, config)
    assert warm.cache_hits == len(ROUTING)
    assert [f.path for f in warm.findings] == [f.path for f in first.findings]
    # A rescan of one file (the TUI after an edit) walks it with the same classes.
    orders = root / "shop/orders.py"
    orders.write_text(
        code(ROUTING["shop/orders.py"]).replace("/{order_id}", "/{order_id}/lines"),
        encoding="utf-8",
    )
    refreshed = refresh(warm, ["shop/orders.py"])
    assert [(f.path, f.message.split(" (")[0]) for f in refreshed.findings] == [
        ("shop/main.py", "`GET /health`"),
        ("shop/orders.py", "`GET /{order_id}/lines`"),
    ]


def test_a_class_that_stops_deriving_from_fastapi_is_dropped(tmp_path: Path) -> None:
    root = write_tree(tmp_path, ROUTING)
    config = Config(select=["DOC102"])
    assert len(scan(root, config).findings) == 2
    routing = root / "shop/web/routing.py"
    routing.write_text(
        code(ROUTING["shop/web/routing.py"]).replace(
            "class AuditedRouter(APIRouter)", "class AuditedRouter"
        ),
        encoding="utf-8",
    )
    # The router's files were walked with the old classes: they are walked again.
    assert [f.path for f in scan(root, config).findings] == ["shop/main.py"]


def test_the_app_made_by_a_class_of_another_name_is_found(tmp_path: Path) -> None:
    """The layout (where the app is, which files it serves) finds an app built by the
    project's own class, from another module or from the same file."""
    root = write_tree(
        tmp_path,
        {
            **ROUTING,
            "shop/admin.py": """
                from fastapi import FastAPI


                class AdminApp(FastAPI):
                    '''The back office.'''


                admin = AdminApp()
            """,
        },
    )
    result = scan(root, Config(), use_cache=False)
    assert "fastapi-app" in result.files["shop/main.py"].facts
    assert "fastapi-app" in result.files["shop/admin.py"].facts
