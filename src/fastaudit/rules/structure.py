"""STR: how the application is laid out.

These rules look at the whole project (see :mod:`fastaudit.engine.layout` for how the
app, its package root and its domains are found). Findings about a domain import are
computed per file (the fix renames uses in that file) and confirmed once the domains
are known.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import (
    DOMAIN_MODULES,
    ROUTES_FACT,
    App,
    LayoutFacts,
    facts,
    find_apps,
    is_test_path,
    join,
    line_finding,
    module_bound_names,
    singular,
    type_layout,
)
from fastaudit.engine.names import absolute_module
from fastaudit.engine.project import ProjectView
from fastaudit.model import Finding, Fix, Safety, Severity
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


# --------------------------------------------------------------- cross-domain imports
CROSS_IMPORT_FACT = "cross-domain-import"


@dataclass(frozen=True, slots=True)
class CrossImport:
    """An import from another package under a common parent, noted per file; the project
    pass keeps those whose parent is an app root and whose packages are domains."""

    line: int
    column: int
    end_line: int
    end_column: int
    root: str  # folder of the common parent (candidate package root)
    source: str  # importing domain
    target: str  # imported domain
    module: str  # absolute module imported from
    rest: tuple[str, ...]  # module parts below the imported domain
    names: tuple[str, ...]
    written: str  # the import's module as written (dots included)
    alias: str  # suggested alias: ``auth_service``
    suggestion: str  # the import to write instead
    fix: Fix | None = None


def _align(
    module: str, is_package: bool, path: str, imported: str
) -> tuple[str, str, str, tuple[str, ...]] | None:
    """(root folder, importing package, imported package, parts below it) when
    ``imported`` leaves the importing file's package for a sibling package."""
    parts = module.split(".") if module else []
    dirs = parts if is_package else parts[:-1]
    target = imported.split(".") if imported else []
    if not target:
        return None
    path_dirs = path.split("/")[:-1]
    if len(path_dirs) != len(dirs):
        return None
    for start, part in enumerate(dirs):
        if part != target[0]:
            continue
        common = 0
        while (
            start + common < len(dirs)
            and common < len(target)
            and dirs[start + common] == target[common]
        ):
            common += 1
        split = start + common
        if split >= len(dirs) or common >= len(target):
            return None
        return (
            "/".join(path_dirs[:split]),
            dirs[split],
            target[common],
            tuple(target[common + 1 :]),
        )
    return None


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class CrossDomainImport(LayoutFacts, ProjectRule):
    id = "STR102"
    name = "cross-domain-internal-import"
    title = "Import reaching into another domain's internals"
    severity = Severity.WARNING
    fix_safety = (
        "Safe when the imported names are bound once at module level, never appear in "
        'strings, and no file patches them by dotted name (`mock.patch("pkg.mod.name")` '
        "stops finding the name once it is qualified): otherwise unsafe or not offered. "
        "Offered only when the domain's module already exposes the names."
    )
    rationale = """
    Domains should meet through a module of the other domain, imported under a name
    that says where things come from: `from src.auth import service as auth_service`,
    then `auth_service.get_user(...)`. A star import hides what one domain takes from
    the other, and a deep import (`from src.auth.service.user import get_user`) ties the
    caller to the other domain's internal file layout, so the two cannot be refactored
    apart. (A name taken from another domain's top-level module, which the guide itself
    shows, is the separate, opt-in STR104.)
    """
    dont = """
    # src/orders/quotes.py
    from src.catalog.pricing.discounts import apply_discount


    def quote(total: int, code: str) -> int:
        return apply_discount(total, code)
    """
    do = """
    # src/orders/quotes.py
    from src.catalog import pricing as catalog_pricing


    def quote(total: int, code: str) -> int:
        return catalog_pricing.apply_discount(total, code)
    """
    dont_fixed = do
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
    def wants(item: CrossImport) -> bool:
        """STR102 keeps star imports and imports from below a domain's top module."""
        return item.names == ("*",) or len(item.rest) > 1

    def __init__(self) -> None:
        self._prepared = False
        self._watch: set[str] = set()
        self._bindings: dict[str, int] = {}
        self._exported: set[str] = set()
        self._candidates: list[tuple[ast.ImportFrom, bool]] = []
        # local name -> [(use, what it refers to where it is used)]
        self._uses: dict[str, list[tuple[ast.Name, str | None]]] = defaultdict(list)
        self._blocked: set[str] = set()  # rebound or deleted at module level, or global
        self._in_strings: set[str] = set()
        self._has_star = False

    # ------------------------------------------------------------------ per file
    def _prepare(self, ctx: FileContext) -> None:
        self._prepared = True
        for stmt in _module_statements(ctx.tree.body):
            for name in _bound_by(stmt):
                self._bindings[name] = self._bindings.get(name, 0) + 1
            if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                self._has_star = True
            if isinstance(stmt, ast.ImportFrom) and self._aligned(stmt, ctx) is not None:
                for alias in stmt.names:
                    self._watch.add(alias.asname or alias.name)
            if (
                isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                and any(
                    isinstance(t, ast.Name) and t.id == "__all__"
                    for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
                )
                and stmt.value is not None
            ):
                for node in ast.walk(stmt.value):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str):
                        self._exported.add(node.value)

    def _aligned(self, node: ast.ImportFrom, ctx: FileContext):
        module = absolute_module(node.module, node.level, ctx.module, ctx.is_package)
        found = _align(ctx.module, ctx.is_package, ctx.path, module)
        if found is None:
            return None
        _root, _source, _target, rest = found
        star = any(alias.name == "*" for alias in node.names)
        if not rest and not star:
            return None  # names from the domain package itself: its public surface
        if len(rest) == 1 and all(_names_domain(a.asname, _target) for a in node.names):
            return None  # ``import ErrorCode as PostsErrorCode``: the origin stays visible
        return module, found, star

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        if node.level == 0 and node.module == "__future__":
            return
        if self._aligned(node, ctx) is not None:
            module_level = ctx.function is None and ctx.class_name is None
            self._candidates.append((node, module_level))

    def visit_Name(self, node: ast.Name, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        if node.id not in self._watch:
            return
        if isinstance(node.ctx, ast.Load):
            self._uses[node.id].append((node, ctx.resolve(node)))
        elif (ctx.function is None and ctx.class_name is None) or isinstance(node.ctx, ast.Del):
            self._blocked.add(node.id)

    def visit_Global(self, node: ast.Global, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        self._blocked.update(node.names)

    def visit_Constant(self, node: ast.Constant, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        value = node.value
        if isinstance(value, str) and 3 < len(value) < 200 and _DOTTED.fullmatch(value):
            # A dotted path in a string: a ``mock.patch`` target, maybe of a name a fix
            # would qualify (any file, tests included; settled in the project pass).
            ctx.add_fact(DOTTED_STRING_FACT, (value, node.lineno))
        if not self._watch or not isinstance(value, str) or isinstance(ctx.parent, ast.Expr):
            return
        for word in _IDENTIFIER.findall(node.value):
            if word in self._watch:
                self._in_strings.add(word)

    def finish(self, ctx: FileContext) -> None:
        for node, module_level in self._candidates:
            aligned = self._aligned(node, ctx)
            assert aligned is not None
            module, (root, source, target, rest), star = aligned
            written = "." * node.level + (node.module or "")
            member = rest[0] if rest else "<module>"
            alias = f"{target}_{member}" if rest else f"{target}_<module>"
            if rest and _named_in(ctx.source.text, alias):
                # ``tax_calculation`` is already a local somewhere in the file: a name
                # that means the module must not be read as that variable.
                alias = f"{alias}_module"
            head = _strip_written(node, len(rest))
            if head is None:
                head = ".".join(module.split(".")[: len(module.split(".")) - len(rest)])
            suggestion = f"from {head} import {member} as {alias}"
            fix = None
            if not star and module_level and rest:
                fix = self._make_fix(node, ctx, module, rest, alias, suggestion)
            span = ctx.span(node)
            ctx.add_fact(
                CROSS_IMPORT_FACT,
                CrossImport(
                    span.line,
                    span.column,
                    span.end_line,
                    span.end_column,
                    root,
                    source,
                    target,
                    module,
                    rest,
                    tuple(alias.name for alias in node.names),
                    written,
                    alias,
                    suggestion,
                    fix,
                ),
            )

    def _make_fix(
        self,
        node: ast.ImportFrom,
        ctx: FileContext,
        module: str,
        rest: tuple[str, ...],
        alias: str,
        suggestion: str,
    ) -> Fix | None:
        if _strip_written(node, len(rest)) is None or not alias.isidentifier():
            return None
        statement = ctx.text(node)
        unsafe_reasons = []
        if "#" in statement:
            unsafe_reasons.append("drops comments inside the import")
        if self._has_star:
            unsafe_reasons.append("a star import in the file may bind the same names")
        target_module = ".".join(module.split(".")[: len(module.split(".")) - len(rest) + 1])
        found, value = ctx.lookup(alias)
        if found and value != target_module:
            return None
        edits = [ctx.replace(node, suggestion)]
        for imported in node.names:
            local = imported.asname or imported.name
            if (
                local in self._blocked
                or local in self._exported
                or self._bindings.get(local, 0) != 1
            ):
                return None
            if local in self._in_strings:
                unsafe_reasons.append(f"`{local}` also appears in a string")
            qualified = f"{module}.{imported.name}"
            for use, meaning in self._uses.get(local, ()):
                if meaning != qualified:
                    continue  # shadowed here by a local of the same name
                if ctx.text(use) != use.id:
                    return None
                edits.append(ctx.replace(use, f"{alias}.{imported.name}"))
        return ctx.fix(
            f"Import `{target_module}` as `{alias}` and qualify its uses",
            *edits,
            safe=not unsafe_reasons,
            note="; ".join(unsafe_reasons),
        )

    # ------------------------------------------------------------------ project
    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        apps = {app.root: app for app in find_apps(project)}
        patched: dict[str, str] | None = None
        units = _sub_domains(project)
        for path, value in facts(project, CROSS_IMPORT_FACT):
            item: CrossImport = value  # type: ignore[assignment]
            if not self.wants(item):
                continue
            app = apps.get(item.root)
            if app is None or item.source not in app.domains or item.target not in app.domains:
                continue
            if len(item.rest) == 2 and join(app.domains[item.target], item.rest[0]) in units:
                # ``incident/severity`` has its own router and service: a domain of its
                # own, whose top-level module this import names (the opt-in STR104 case).
                continue
            if is_test_path(path):
                continue
            fix = item.fix
            if fix is not None and not self._fix_holds(project, app, item):
                fix = None
            if fix is not None and fix.safety is Safety.SAFE:
                if patched is None:
                    patched = {
                        text: f"{where}:{line}"
                        for where, (text, line) in facts(project, DOTTED_STRING_FACT)
                    }
                reason = _patched_by_name(path, item, patched)
                if reason:
                    fix = replace(fix, safety=Safety.UNSAFE, note=reason)
            yield project.finding(
                self,
                path,
                item.line,
                _cross_message(item, fixable=fix is not None),
                column=item.column,
                end_line=item.end_line,
                end_column=item.end_column,
                fix=fix,
            )

    @staticmethod
    def _fix_holds(project: ProjectView, app: App, item: CrossImport) -> bool:
        """The suggested module really offers every imported name."""
        base = join(app.domains[item.target], item.rest[0])
        files = set(project.python_files)
        if f"{base}.py" in files:
            return len(item.rest) == 1
        init = f"{base}/__init__.py"
        if init not in files:
            return False
        # A package: its ``__init__`` must bind the names (a deep import's names are
        # re-exported there, or the fix would break).
        text = project.read_text(init)
        bound = module_bound_names(text.text) if text is not None else None
        return bound is not None and all(name in bound for name in item.names)


DOTTED_STRING_FACT = "dotted-string"
_DOTTED = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+")


def _patched_by_name(path: str, item: CrossImport, patched: dict[str, str]) -> str:
    """Why qualifying the names would break a test that patches them where they are
    used (``mock.patch("src.orders.quotes.apply_discount")``), or ""."""
    module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    for name in item.names:
        for candidate in (f"{module}.{name}", f"{module.partition('.')[2]}.{name}"):
            where = patched.get(candidate)
            if where is not None:
                return (
                    f"`{candidate}` is named in a string at {where} (a `mock.patch` target?): "
                    f"once `{name}` is qualified, that attribute no longer exists"
                )
    return ""


class NameFromDomainModule(CrossDomainImport):
    id = "STR104"
    name = "name-from-domain-module"
    title = "Name imported from another domain's module"
    severity = Severity.INFO
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
    do = """
    # src/orders/service.py
    from src.customers import service as customers_service


    async def place_order(customer_id: int):
        customer = await customers_service.find_customer(customer_id)
        return {"customer": customer}
    """
    dont_fixed = do
    _app = """
        from fastapi import FastAPI

        from src.customers.router import router as customers_router
        from src.orders.router import router as orders_router

        app = FastAPI(openapi_url=None)
        app.include_router(customers_router)
        app.include_router(orders_router)
        """
    _customers_router = """
        from fastapi import APIRouter

        router = APIRouter(prefix="/customers")
        """
    _customers_service = """
        async def find_customer(customer_id: int):
            return {"id": customer_id}
        """
    _orders_router = """
        from fastapi import APIRouter

        router = APIRouter(prefix="/orders")
        """
    dont_files = {
        "src/main.py": _app,
        "src/customers/__init__.py": "",
        "src/customers/router.py": _customers_router,
        "src/customers/service.py": _customers_service,
        "src/orders/__init__.py": "",
        "src/orders/router.py": _orders_router,
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
    def wants(item: CrossImport) -> bool:
        return item.names != ("*",) and len(item.rest) == 1


def _named_in(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


def _sub_domains(project: ProjectView) -> set[str]:
    """Folders laid out as domains themselves (a nested ``incident/severity`` with its
    own router, a plugin with its own service and models): routes of their own, or two
    or more domain modules. Namespace folders (no ``__init__``) count too."""
    routes = {path for path, _ in facts(project, ROUTES_FACT)}
    modules: dict[str, int] = defaultdict(int)
    for path in project.python_files:
        folder, _, name = path.rpartition("/")
        stem = name.removesuffix(".py")
        if path in routes:
            modules[folder] += 2
        elif stem in DOMAIN_MODULES:
            modules[folder] += 1
    return {folder for folder, score in modules.items() if score >= 2}


def _cross_message(item: CrossImport, *, fixable: bool) -> str:
    if item.names == ("*",):
        return (
            f"`from {item.written} import *` pulls every name of the `{item.target}` domain "
            f"into `{item.source}`; import the module you need under a name instead: "
            f"`{item.suggestion}`"
        )
    names = ", ".join(f"`{n}`" for n in item.names)
    if len(item.rest) > 1:
        return (
            f"`{item.source}` reaches into the internals of the `{item.target}` domain "
            f"(`{item.module}`); import its module instead: `{item.suggestion}`, and use "
            f"{', '.join(f'`{item.alias}.{n}`' for n in item.names)}"
            + ("" if fixable else f" (after exposing {names} in that module)")
        )
    return (
        f"{names} imported straight from the `{item.target}` domain's module "
        f"`{item.module}` into `{item.source}`; import the module under a name instead: "
        f"`{item.suggestion}`, and use " + ", ".join(f"`{item.alias}.{n}`" for n in item.names)
    )


def _names_domain(alias: str | None, domain: str) -> bool:
    """An alias that says which domain the name comes from (``PostsErrorCode``)."""
    if not alias:
        return False
    squashed = alias.replace("_", "").lower()
    return singular(domain.replace("_", "").lower()) in squashed


def _strip_written(node: ast.ImportFrom, count: int) -> str | None:
    """The import's module as written, without its last ``count`` parts (so a relative
    import stays relative), or None when it has too few parts."""
    parts = node.module.split(".") if node.module else []
    if count == 0:
        return "." * node.level + ".".join(parts)
    if count > len(parts) or (count == len(parts) and node.level == 0):
        return None
    return "." * node.level + ".".join(parts[: len(parts) - count])


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.TryStar, ast.With, ast.For, ast.While)):
            for part in ("body", "orelse", "finalbody"):
                yield from _module_statements(getattr(stmt, part, None) or [])
            for handler in getattr(stmt, "handlers", None) or []:
                yield from _module_statements(handler.body)


def _bound_by(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.partition(".")[0] for a in stmt.names if a.name != "*"]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For)):
        targets = [stmt.target]
    elif isinstance(stmt, ast.With):
        targets = [i.optional_vars for i in stmt.items if i.optional_vars is not None]
    names = []
    for target in targets:
        names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


# ------------------------------------------------------------------------ cycles
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
        "src/main.py": NameFromDomainModule._app,
        "src/customers/__init__.py": "",
        "src/customers/router.py": NameFromDomainModule._customers_router,
        "src/orders/__init__.py": "",
        "src/orders/router.py": NameFromDomainModule._orders_router,
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
