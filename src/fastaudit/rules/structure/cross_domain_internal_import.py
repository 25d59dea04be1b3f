"""STR102: Import reaching into another domain's internals."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.structure._shared import CROSS_IMPORT_FIX_SAFETY, CrossImportRule


class CrossDomainImport(CrossImportRule):
    id = "STR102"
    name = "cross-domain-internal-import"
    title = "Import reaching into another domain's internals"
    severity = Severity.WARNING
    fix_safety = CROSS_IMPORT_FIX_SAFETY
    routed_targets_only = True
    rationale = """
    Domains should meet through a module of the other domain, imported under a name
    that says where things come from: `from src.auth import service as auth_service`,
    then `auth_service.get_user(...)`. A star import hides what one domain takes from
    the other, and a deep import (`from src.auth.service.user import get_user`) ties the
    caller to the other domain's internal file layout, so the two cannot be refactored
    apart. A domain here is a package of the app with routes of its own (its
    `router.py`); a package without any, such as a client library or shared helpers
    beside the server, is used the way a library is, and imports into it are left
    alone. So is an import inside a function of the command-line program (a `cli`
    package, a file of typer or click commands): the command composes the app's
    domains and imports what it runs only when it runs, so that the program starts
    without loading the server. (A name taken from another domain's top-level module,
    which the guide itself shows, is the separate, opt-in STR104.)
    """
    dont = """
    # src/orders/quotes.py
    from src.catalog.pricing.discounts import apply_discount


    def quote(total: int, code: str) -> int:
        return apply_discount(total, code)
    """
    dont_fixed = """
    # src/orders/quotes.py
    from src.catalog import pricing as catalog_pricing


    def quote(total: int, code: str) -> int:
        return catalog_pricing.apply_discount(total, code)
    """
    _app = """
        from fastapi import FastAPI

        from src.catalog.router import router as catalog_router
        from src.orders.router import router as orders_router

        app = FastAPI(openapi_url=None)
        app.include_router(catalog_router)
        app.include_router(orders_router)
        """
    _router = """
        from fastapi import APIRouter

        router = APIRouter()
        """
    dont_files = {
        "src/main.py": _app,
        "src/catalog/__init__.py": "",
        "src/catalog/router.py": _router,
        "src/catalog/pricing/__init__.py": "from .discounts import apply_discount\n",
        "src/catalog/pricing/discounts.py": """
            def apply_discount(total: int, code: str) -> int:
                return total - 1 if code else total
            """,
        "src/orders/__init__.py": "",
        "src/orders/router.py": _router,
        "src/orders/quotes.py": """
            from src.catalog.pricing.discounts import apply_discount


            def quote(total: int, code: str) -> int:
                return apply_discount(total, code)
            """,
    }
    dont_fixed_files = {
        "src/orders/quotes.py": """
            from src.catalog import pricing as catalog_pricing


            def quote(total: int, code: str) -> int:
                return catalog_pricing.apply_discount(total, code)
            """,
    }
    do_files = {
        **{k: v for k, v in dont_files.items() if k != "src/orders/quotes.py"},
        "src/orders/quotes.py": """
            from src.catalog import pricing as catalog_pricing


            def quote(total: int, code: str) -> int:
                return catalog_pricing.apply_discount(total, code)
            """,
    }

    @staticmethod
    def wants_shape(names: tuple[str, ...], rest: tuple[str, ...]) -> bool:
        """STR102 keeps star imports and imports from below a domain's top module."""
        return names == ("*",) or len(rest) > 1
