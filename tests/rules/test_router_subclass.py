"""A project's own router class: a subclass of ``fastapi.APIRouter`` (or one built by a
factory) that endpoint modules import under the name ``APIRouter`` is a router, so the
route rules see the routes declared on it; a look-alike is not."""

from __future__ import annotations

from pathlib import Path

from fastaudit.audit.scan import check_source

from .conftest import code, project_findings, write_tree

ROUTING = """
    from typing import Any

    from fastapi import APIRouter as _APIRouter
    from fastapi.routing import APIRoute


    class CommitRoute(APIRoute):
        pass


    class APIRouter(_APIRouter):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("route_class", CommitRoute)
            super().__init__(**kwargs)
    """

# A router class made by a factory, not a class statement: known only by its name.
FACTORY = """
    from fastapi import APIRouter as _APIRouter

    from app.routing import CommitRoute


    def router_class(route_class: type) -> type[_APIRouter]:
        class _Router(_APIRouter):
            def __init__(self, **kwargs: object) -> None:
                super().__init__(route_class=route_class, **kwargs)

        return _Router


    APIRouter = router_class(CommitRoute)
    """

ENDPOINTS = """
    from {module} import APIRouter
    from app.schemas import Item

    router = APIRouter(prefix="/items", tags=["items"])


    @router.get("/{{item_id}}", response_model=Item)
    async def read_item(item_id: int) -> Item:
        return Item(id=item_id)


    @router.get("/{{item_id}}")
    async def read_item_again(item_id: int) -> Item:
        return Item(id=item_id)
    """

SCHEMAS = "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    id: int\n"

MAIN = """
    from fastapi import FastAPI

    from app import items

    app = FastAPI()
    app.include_router(items.router)
    """

# Same shape, but ``Router`` is a project class deriving from something else, and the
# ``APIRouter`` imported from a library is not the project's own.
LOOKALIKES = {
    "app/bus.py": """
        class EventBus:
            def __init__(self, prefix: str = "") -> None:
                self.prefix = prefix


        class Router(EventBus):
            def get(self, topic: str, response_model: object = None):
                return lambda handler: handler
        """,
    "app/events.py": """
        from app.bus import Router
        from app.schemas import Item

        router = Router(prefix="/items")


        @router.get("/{item_id}", response_model=Item)
        async def on_item(item_id: int) -> Item:
            return Item(id=item_id)


        @router.get("/{item_id}")
        async def on_item_again(item_id: int) -> Item:
            return Item(id=item_id)
        """,
    "app/other.py": """
        from messaging import APIRouter
        from app.schemas import Item

        router = APIRouter(prefix="/items")


        @router.get("/{item_id}", response_model=Item)
        async def on_item(item_id: int) -> Item:
            return Item(id=item_id)
        """,
}


def _project(root: Path, module: str) -> Path:
    return write_tree(
        root,
        {
            "app/__init__.py": "",
            "app/schemas.py": SCHEMAS,
            "app/routing.py": ROUTING,
            "app/kit.py": FACTORY,
            "app/items.py": ENDPOINTS.format(module=module),
            "app/main.py": MAIN,
        },
    )


def test_routes_on_a_project_router_subclass_are_checked(tmp_path):
    root = _project(tmp_path, "app.routing")
    (redundant,) = project_findings(root, "RTE101")
    assert (redundant.path, redundant.line) == ("app/items.py", 7)
    (duplicate,) = project_findings(root, "RTE105")
    assert (duplicate.path, duplicate.line) == ("app/items.py", 12)


def test_routes_on_a_router_class_made_by_a_factory_are_checked(tmp_path):
    root = _project(tmp_path, "app.kit")
    assert [(f.path, f.line) for f in project_findings(root, "RTE101")] == [("app/items.py", 7)]
    assert [(f.path, f.line) for f in project_findings(root, "RTE105")] == [("app/items.py", 12)]


def test_a_router_subclass_defined_in_the_same_file_is_a_router():
    text = code(
        """
        from fastapi import APIRouter

        from app.schemas import Item


        class VersionedRouter(APIRouter):
            pass


        router = VersionedRouter(prefix="/v2")


        @router.get("/items/{item_id}", response_model=Item)
        async def read_item(item_id: int) -> Item:
            return Item(id=item_id)
        """
    )
    findings = [f for f in check_source(text, "app/items.py", ["RTE101"]) if f.rule == "RTE101"]
    assert [f.line for f in findings] == [13]


def test_a_project_router_look_alike_stays_silent(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": SCHEMAS,
            **LOOKALIKES,
            "app/main.py": MAIN.replace("items", "events"),
        },
    )
    assert project_findings(root, "RTE101") == []
    assert project_findings(root, "RTE105") == []


def test_a_project_fastapi_subclass_is_an_app(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core.py": """
                import fastapi


                class FastAPI(fastapi.FastAPI):
                    pass
                """,
            "app/main.py": """
                from app.core import FastAPI

                app = FastAPI(debug=True)
                """,
        },
    )
    assert [(f.path, f.line) for f in project_findings(root, "SEC102")] == [("app/main.py", 3)]
