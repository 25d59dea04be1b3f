"""STR101: Application laid out by file type instead of by domain."""

from __future__ import annotations

from collections.abc import Iterable

from fastaudit.engine.layout import LayoutFacts, find_apps, join, line_finding, type_layout
from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.rules.base import ProjectRule


def _relative_to(path: str, root: str) -> str:
    return path[len(root) + 1 :] if root else path


class FileTypeLayout(LayoutFacts, ProjectRule):
    id = "STR101"
    name = "layout-by-file-type"
    title = "Application laid out by file type instead of by domain"
    severity = Severity.INFO
    rationale = """
    With top-level `routers/`, `schemas/`, `models/` and `crud/` folders, every feature
    is spread over as many folders as there are kinds of file: a change to "orders"
    touches four places, and nothing shows which schema belongs to which router. Group
    the code by domain instead, one package per feature holding its `router.py`,
    `schemas.py`, `models.py` and `service.py`, so a feature can be read, changed,
    owned and removed as one unit. The finding lists where each file would go.
    """
    dont = """
    app/
    ├── main.py
    ├── routers/   orders.py  invoices.py
    ├── schemas/   order.py   invoice.py
    ├── models/    order.py   invoice.py
    └── crud/      order.py   invoice.py
    """
    do = """
    app/
    ├── main.py
    ├── config.py
    ├── orders/     router.py  schemas.py  models.py  service.py
    └── invoices/   router.py  schemas.py  models.py  service.py
    """
    dont_files = {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI

            from app.routers import invoices, orders

            app = FastAPI(openapi_url=None)
            app.include_router(orders.router)
            app.include_router(invoices.router)
            """,
        "app/routers/__init__.py": "",
        "app/routers/orders.py": """
            from fastapi import APIRouter

            from app.schemas.order import OrderOut

            router = APIRouter(prefix="/orders")


            @router.get("/{order_id}")
            async def read_order(order_id: int) -> OrderOut:
                return OrderOut(id=order_id)
            """,
        "app/routers/invoices.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/invoices")


            @router.get("/")
            async def list_invoices() -> list[int]:
                return []
            """,
        "app/schemas/__init__.py": "",
        "app/schemas/order.py": """
            from pydantic import BaseModel


            class OrderOut(BaseModel):
                id: int
            """,
        "app/schemas/invoice.py": """
            from pydantic import BaseModel


            class InvoiceOut(BaseModel):
                id: int
            """,
    }
    do_files = {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI

            from app.invoices.router import router as invoices_router
            from app.orders.router import router as orders_router

            app = FastAPI(openapi_url=None)
            app.include_router(orders_router)
            app.include_router(invoices_router)
            """,
        "app/orders/__init__.py": "",
        "app/orders/router.py": """
            from fastapi import APIRouter

            from app.orders.schemas import OrderOut

            router = APIRouter(prefix="/orders")


            @router.get("/{order_id}")
            async def read_order(order_id: int) -> OrderOut:
                return OrderOut(id=order_id)
            """,
        "app/orders/schemas.py": """
            from pydantic import BaseModel


            class OrderOut(BaseModel):
                id: int
            """,
        "app/invoices/__init__.py": "",
        "app/invoices/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/invoices")


            @router.get("/")
            async def list_invoices() -> list[int]:
                return []
            """,
        # A shared models package next to domains is not a layout by type.
        "app/models/__init__.py": "",
        "app/models/base.py": """
            from sqlalchemy.orm import DeclarativeBase


            class Base(DeclarativeBase):
                pass
            """,
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        for app in find_apps(project):
            layout = type_layout(project, app)
            if layout is None:
                continue
            root = app.root
            where = f"`{root}/`" if root else "The project"
            folders = ", ".join(f"{_relative_to(f, root)}/" for f in sorted(layout.folders))
            groups = []
            for name, paths in sorted(layout.domains.items()):
                files = ", ".join(_relative_to(p, root) for p in paths)
                groups.append(f"{name}/ <- {files}")
            shared = [
                f"{_relative_to(old, root)} -> {_relative_to(new, root)}"
                for old, new in layout.moves
                if new is not None
                and not any(new.startswith(join(root, d) + "/") for d in layout.domains)
            ]
            message = (
                f"{where} is laid out by file type ({folders}): each feature is spread over "
                f"several folders. Group it by domain, one package per feature: "
                + "; ".join(groups)
            )
            if shared:
                message += "; shared: " + ", ".join(shared)
            yield line_finding(project, self, app.path, app.line, message, app.column)
