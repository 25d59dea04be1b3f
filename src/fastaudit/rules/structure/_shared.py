"""What two or more STR rules share: the cross-domain import machinery of STR102 and
STR104, and the example app of STR103 and STR104.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

from fastaudit.engine.context import FILE_DONE, FileContext, Visited, shared_visitor
from fastaudit.engine.layout import (
    CLI_COMMAND_FACT,
    DOMAIN_MODULES,
    ROUTES_FACT,
    App,
    LayoutFacts,
    facts,
    find_apps,
    is_test_path,
    join,
    module_bound_names,
    parent_dir,
    singular,
)
from fastaudit.engine.names import absolute_module
from fastaudit.engine.project_view import ProjectView
from fastaudit.engine.walk import walk
from fastaudit.model import Finding, Fix, Safety
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules.base import ProjectRule

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
    module_level: bool = True  # False: inside a function or class body


@functools.lru_cache(maxsize=64)
def _cross_shapes(
    classes: tuple[type, ...],
) -> tuple[Callable[[tuple[str, ...], tuple[str, ...]], bool], ...] | None:
    """The ``wants_shape`` of each cross-import rule among ``classes`` (a rule set's,
    the same tuple for every file of a scan); None, all shapes, when there is none."""
    shapes = {c.wants_shape for c in classes if issubclass(c, CrossImportRule)}
    return tuple(shapes) if shapes else None


def _command_line(project: ProjectView, path: str) -> bool:
    """Whether ``path`` is a module of the command-line program: in a ``cli`` package,
    or holding commands (typer/click, ``CLI_COMMAND_FACT``). Seen on real code
    (prefect's ``prefect.cli``): its commands import the server's parts inside the
    function that needs them, so that ``prefect --help`` does not load the server; the
    command composes the app's domains rather than being one of them."""
    folders = path.split("/")[:-1]
    return "cli" in folders or bool(file_facts(project, path, CLI_COMMAND_FACT))


# (imported module, what ``_align`` found, whether the import is a star import).
_Alignment = tuple[str, tuple[str, str, str, tuple[str, ...]], bool]


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

# The fix is the same import rewrite for STR102 and STR104.
CROSS_IMPORT_FIX_SAFETY = (
    "Safe when the imported names are bound once at module level, never appear in "
    'strings, and no file patches them by dotted name (`mock.patch("pkg.mod.name")` '
    "stops finding the name once it is qualified): otherwise unsafe or not offered. "
    "Offered only when the domain's module already exposes the names."
)


class CrossImportRule(LayoutFacts, ProjectRule):
    """What STR102 and STR104 share; not a rule itself (no id). Imports from a sibling
    package are noted per file, with the fix that qualifies their uses; the project pass
    keeps those between two domains of one app, of the kind the rule ``wants``."""

    @staticmethod
    def wants_shape(names: tuple[str, ...], rest: tuple[str, ...]) -> bool:
        """Whether the rule keeps an import of ``names`` from the module ``rest`` below
        the imported domain's package (``("*",)`` for a star import)."""
        raise NotImplementedError

    @classmethod
    def wants(cls, item: CrossImport) -> bool:
        return cls.wants_shape(item.names, item.rest)

    # Only imports into a domain with routes of its own: a package of the app without
    # any (a client library, shared helpers) is used the way a library is.
    routed_targets_only: ClassVar[bool] = False

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
        self._module_read = False  # the three above are read (``_read_module``)
        # The ``wants_shape`` of each cross-import rule of this walk (None: all shapes).
        self._shapes: tuple[Callable[[tuple[str, ...], tuple[str, ...]], bool], ...] | None = None
        # ``_aligned`` by import statement: a module-level one is asked by ``_prepare``,
        # its visitor and ``finish``.
        self._alignments: dict[int, _Alignment | None] = {}

    # ------------------------------------------------------------------ per file
    def _prepare(self, ctx: FileContext) -> None:
        self._prepared = True
        # The rule running the shared visitors notes imports for every cross-import rule
        # of the walk (the others' state stays empty): those none of them keeps would
        # only cost their fixes, built for every use of every name they import.
        self._shapes = _cross_shapes(ctx.rule_classes)
        for stmt in _module_statements(ctx.tree.body):
            if isinstance(stmt, ast.ImportFrom) and self._kept(stmt, ctx) is not None:
                for alias in stmt.names:
                    self._watch.add(alias.asname or alias.name)

    def _read_module(self, ctx: FileContext) -> None:
        """What a fix must know of the module's statements: how many bind each name,
        the names ``__all__`` exports, whether a star import may bind any. Read when
        the first fix is built: most files have none to build."""
        if self._module_read:
            return
        self._module_read = True
        for stmt in _module_statements(ctx.tree.body):
            for name in _bound_by(stmt):
                self._bindings[name] = self._bindings.get(name, 0) + 1
            if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                self._has_star = True
            if (
                isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                and any(
                    isinstance(t, ast.Name) and t.id == "__all__"
                    for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
                )
                and stmt.value is not None
            ):
                for node in walk(stmt.value):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str):
                        self._exported.add(node.value)

    def _aligned(self, node: ast.ImportFrom, ctx: FileContext) -> _Alignment | None:
        """(imported module, what :func:`_align` found, whether it imports ``*``) for an
        import a fix would qualify, else None."""
        key = id(node)
        if key in self._alignments:
            return self._alignments[key]
        found = self._alignments[key] = self._align_import(node, ctx)
        return found

    @staticmethod
    def _align_import(node: ast.ImportFrom, ctx: FileContext) -> _Alignment | None:
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

    def _kept(self, node: ast.ImportFrom, ctx: FileContext) -> _Alignment | None:
        """``_aligned`` of an import some cross-import rule of the walk keeps, else None."""
        aligned = self._aligned(node, ctx)
        if aligned is None or self._shapes is None:
            return aligned
        names = tuple(alias.name for alias in node.names)
        rest = aligned[1][3]
        return aligned if any(keeps(names, rest) for keeps in self._shapes) else None

    @shared_visitor
    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        if node.level == 0 and node.module == "__future__":
            return
        if self._kept(node, ctx) is not None:
            module_level = ctx.function is None and ctx.class_name is None
            self._candidates.append((node, module_level))

    @shared_visitor
    def visit_Name(self, node: ast.Name, ctx: FileContext) -> Visited | None:
        if not self._prepared:
            self._prepare(ctx)
        if not self._watch:
            return FILE_DONE  # only ``_prepare`` fills it: no import here to watch
        if node.id not in self._watch:
            return None
        if isinstance(node.ctx, ast.Load):
            self._uses[node.id].append((node, ctx.resolve(node)))
        elif (ctx.function is None and ctx.class_name is None) or isinstance(node.ctx, ast.Del):
            self._blocked.add(node.id)
        return None

    @shared_visitor
    def visit_Global(self, node: ast.Global, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        self._blocked.update(node.names)

    @shared_visitor
    def visit_Constant(self, node: ast.Constant, ctx: FileContext) -> None:
        if not self._prepared:
            self._prepare(ctx)
        value = node.value
        if (
            isinstance(value, str)
            and 3 < len(value) < 200
            and "." in value  # what ``_DOTTED`` needs, tested before its match
            and _DOTTED.fullmatch(value)
        ):
            # A dotted path in a string: a ``mock.patch`` target, maybe of a name a fix
            # would qualify (any file, tests included; settled in the project pass).
            ctx.add_fact(DOTTED_STRING_FACT, (value, node.lineno))
        if not self._watch or not isinstance(value, str) or isinstance(ctx.parent, ast.Expr):
            return
        if not any(name in value for name in self._watch):
            return  # no watched name even as a piece of a word: no need to split it
        for word in _IDENTIFIER.findall(value):
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
                    module_level,
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
        self._read_module(ctx)
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
        files = frozenset(project.python_files)
        routed = _routed_folders(project) if self.routed_targets_only else None
        for path, value in facts(project, CROSS_IMPORT_FACT):
            item: CrossImport = value  # the values noted under CROSS_IMPORT_FACT
            if not self.wants(item):
                continue
            app = apps.get(item.root)
            if app is None or item.source not in app.domains or item.target not in app.domains:
                continue
            if routed is not None and app.domains[item.target] not in routed:
                continue
            if len(item.rest) == 2 and join(app.domains[item.target], item.rest[0]) in units:
                # ``incident/severity`` has its own router and service: a domain of its
                # own, whose top-level module this import names (the opt-in STR104 case).
                continue
            if is_test_path(path):
                continue
            if not item.module_level and _command_line(project, path):
                continue  # a command imports what it runs when it runs (see ``_command_line``)
            if len(item.rest) == 1 and _all_submodules(files, app, item):
                continue  # ``from src.auth import service as auth_service``: modules, named
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


def _all_submodules(files: frozenset[str], app: App, item: CrossImport) -> bool:
    """Every imported name is a module of the imported package (``from
    polar.integrations.github import client as github``): modules imported under a
    name, the form the rules ask for, not names pulled out of a module."""
    folder = join(app.domains[item.target], *item.rest)
    return all(
        f"{folder}/{name}.py" in files or f"{folder}/{name}/__init__.py" in files
        for name in item.names
    )


def _named_in(text: str, name: str) -> bool:
    # The substring test first: the regex (with its look-behind) over a whole file is
    # slow, and most aliases appear nowhere in it.
    return name in text and re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


def _routed_folders(project: ProjectView) -> set[str]:
    """Every folder holding, at any depth, a non-test module that declares routes or a
    router."""
    folders: set[str] = set()
    for path, _ in facts(project, ROUTES_FACT):
        if is_test_path(path):
            continue
        folder = parent_dir(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = parent_dir(folder)
    return folders


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
    names: list[str] = []
    for target in targets:
        names.extend(n.id for n in walk(target) if isinstance(n, ast.Name))
    return names


# An app with a customers and an orders domain: the STR104 and STR103 examples.
CUSTOMERS_ORDERS_APP = """
    from fastapi import FastAPI

    from src.customers.router import router as customers_router
    from src.orders.router import router as orders_router

    app = FastAPI(openapi_url=None)
    app.include_router(customers_router)
    app.include_router(orders_router)
    """

CUSTOMERS_ROUTER = """
    from fastapi import APIRouter

    router = APIRouter(prefix="/customers")
    """

ORDERS_ROUTER = """
    from fastapi import APIRouter

    router = APIRouter(prefix="/orders")
    """
