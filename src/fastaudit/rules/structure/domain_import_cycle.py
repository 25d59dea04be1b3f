"""STR103: Domains import each other in a cycle."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from fastaudit.engine.layout import App, LayoutFacts, find_apps, is_test_path, line_finding
from fastaudit.engine.project_view import ProjectView
from fastaudit.model import Finding, Severity
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.structure._shared import CUSTOMERS_ORDERS_APP, CUSTOMERS_ROUTER, ORDERS_ROUTER


class DomainImportCycle(LayoutFacts, ProjectRule):
    id = "STR103"
    name = "domain-import-cycle"
    title = "Domains import each other in a cycle"
    severity = Severity.WARNING
    rationale = """
    When `orders` imports from `customers` and `customers` imports from `orders`, neither
    domain can be understood, tested or moved without the other, and the first import
    that runs at module level on both sides fails with a partially initialised module.
    Decide which domain depends on which; move what both need into a shared module
    (or a third domain) and let the dependency point one way.
    """
    dont = """
    # src/orders/service.py
    from src.customers import service as customers_service

    # src/customers/service.py
    from src.orders import service as orders_service
    """
    do = """
    # src/orders/service.py
    from src.customers import service as customers_service

    # src/customers/service.py: no import from orders; what both need lives in
    # src/billing.py (or its own domain), imported by each.
    from src import billing
    """
    _base = {
        "src/main.py": CUSTOMERS_ORDERS_APP,
        "src/customers/__init__.py": "",
        "src/customers/router.py": CUSTOMERS_ROUTER,
        "src/orders/__init__.py": "",
        "src/orders/router.py": ORDERS_ROUTER,
    }
    dont_files = {
        **_base,
        "src/orders/service.py": """
            from src.customers import service as customers_service


            async def place_order(customer_id: int):
                return await customers_service.find_customer(customer_id)
            """,
        "src/customers/service.py": """
            from src.orders import service as orders_service


            async def find_customer(customer_id: int):
                return {"id": customer_id, "orders": orders_service.__name__}
            """,
    }
    do_files = {
        **_base,
        "src/billing.py": """
            def currency() -> str:
                return "EUR"
            """,
        "src/orders/service.py": """
            from src import billing
            from src.customers import service as customers_service


            async def place_order(customer_id: int):
                customer = await customers_service.find_customer(customer_id)
                return {"customer": customer, "currency": billing.currency()}
            """,
        "src/customers/service.py": """
            from src import billing


            async def find_customer(customer_id: int):
                return {"id": customer_id, "currency": billing.currency()}
            """,
    }

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        for app in find_apps(project):
            if len(app.domains) < 2:
                continue
            edges = domain_edges(project, app)
            for cycle in _cycles({k: set(v) for k, v in edges.items()}):
                steps = list(pairwise(cycle))
                evidence = [edges[a][b] for a, b in steps]
                first_path, first_line, _, first_column = evidence[0]
                shown = " -> ".join(cycle)
                where = "; ".join(
                    f"{path}:{line} imports {module}" for path, line, module, _ in evidence
                )
                yield line_finding(
                    project,
                    self,
                    first_path,
                    first_line,
                    f"Domains import each other in a cycle: {shown} ({where}). Let the "
                    "dependency point one way: move what both need into a shared module.",
                    first_column,
                )


def domain_edges(project: ProjectView, app: App) -> dict[str, dict[str, tuple[str, int, str, int]]]:
    """domain -> imported domain -> first (path, line, module, column) showing it."""
    edges: dict[str, dict[str, tuple[str, int, str, int]]] = defaultdict(dict)
    domain_of: dict[str, str | None] = {}  # module -> its domain, worked out once
    for path in sorted(project.outcomes):
        source = app.domain_of_path(path)
        if source is None or is_test_path(path):
            continue
        for record in project.outcomes[path].imports:
            modules = [f"{record.module}.{name}" for name in record.names if name != "*"]
            modules.append(record.module)
            for module in modules:
                if module in domain_of:
                    target = domain_of[module]
                else:
                    target = domain_of[module] = app.domain_of_module(module)
                if target is not None and target != source:
                    edges[source].setdefault(target, (path, record.line, module, record.column))
                    break
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle per strongly connected group of two or more domains, each
    starting and ending at its alphabetically first domain."""
    found = []
    for group in _strongly_connected(graph):
        if len(group) < 2:
            continue
        start = min(group)
        # Breadth-first from ``start`` back to itself, inside the group.
        previous: dict[str, str] = {}
        queue = [start]
        end = None
        while queue and end is None:
            current = queue.pop(0)
            for nxt in sorted(graph.get(current, ())):
                if nxt not in group:
                    continue
                if nxt == start:
                    end = current
                    break
                if nxt not in previous:
                    previous[nxt] = current
                    queue.append(nxt)
        if end is None:
            continue
        path = [end]
        while path[-1] != start:
            path.append(previous[path[-1]])
        path.reverse()
        found.append([*path, start])
    return sorted(found)


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = 0
    nodes = sorted(set(graph) | {n for targets in graph.values() for n in targets})
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
