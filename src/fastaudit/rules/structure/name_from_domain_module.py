"""STR104: Name imported from another domain's module."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.structure._shared import (
    CROSS_IMPORT_FIX_SAFETY,
    CUSTOMERS_ORDERS_APP,
    CUSTOMERS_ROUTER,
    ORDERS_ROUTER,
    CrossImportRule,
)


class NameFromDomainModule(CrossImportRule):
    id = "STR104"
    name = "name-from-domain-module"
    title = "Name imported from another domain's module"
    severity = Severity.INFO
    fix_safety = CROSS_IMPORT_FIX_SAFETY
    default_enabled = False  # the guide itself imports names this way; a style choice
    rationale = """
    `from src.auth.dependencies import CurrentUser` in the orders domain reads as if
    `CurrentUser` were local. Importing the module under a name that says where things
    come from (`from src.auth import dependencies as auth_dependencies`, then
    `auth_dependencies.CurrentUser`) makes every use say which domain it depends on.
    The guide shows both forms, so this is opt-in: select STR104 for a codebase that
    wants the qualified style throughout.
    """
    dont = """
    # src/orders/service.py
    from src.customers.service import find_customer


    async def place_order(customer_id: int):
        customer = await find_customer(customer_id)
        return {"customer": customer}
    """
    dont_fixed = """
    # src/orders/service.py
    from src.customers import service as customers_service


    async def place_order(customer_id: int):
        customer = await customers_service.find_customer(customer_id)
        return {"customer": customer}
    """
    _customers_service = """
        async def find_customer(customer_id: int):
            return {"id": customer_id}
        """
    dont_files = {
        "src/main.py": CUSTOMERS_ORDERS_APP,
        "src/customers/__init__.py": "",
        "src/customers/router.py": CUSTOMERS_ROUTER,
        "src/customers/service.py": _customers_service,
        "src/orders/__init__.py": "",
        "src/orders/router.py": ORDERS_ROUTER,
        "src/orders/service.py": """
            from src.customers.service import find_customer


            async def place_order(customer_id: int):
                customer = await find_customer(customer_id)
                return {"customer": customer}
            """,
    }
    dont_fixed_files = {
        "src/orders/service.py": """
            from src.customers import service as customers_service


            async def place_order(customer_id: int):
                customer = await customers_service.find_customer(customer_id)
                return {"customer": customer}
            """,
    }
    do_files = {
        **{k: v for k, v in dont_files.items() if k != "src/orders/service.py"},
        "src/orders/service.py": """
            from src.customers import service as customers_service
            from src.orders.router import router


            async def place_order(customer_id: int):
                customer = await customers_service.find_customer(customer_id)
                return {"customer": customer, "router": router}
            """,
    }

    @staticmethod
    def wants_shape(names: tuple[str, ...], rest: tuple[str, ...]) -> bool:
        return names != ("*",) and len(rest) == 1
