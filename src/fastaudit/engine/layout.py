"""Where the application lives, and how it is laid out.

Everything here works from what the per-file walk recorded (imports, classes, and the
facts :class:`LayoutFacts` notes: "this file creates ``FastAPI()`` at line N", "this file
defines routes") plus the list of files; no audited code is imported or run.

* An **app** is a ``FastAPI()`` call outside the tests. Its **package root** is the
  top-most regular package holding that file (``app/``, ``src/myshop/``), or the file's
  own folder when that is not a package (``src/`` used as a namespace, the project root).
  Apps nested inside another app's root (mounted sub-apps) belong to the outer one.
* A **domain** is a package directly under the root that holds routes or the usual
  domain modules (``router.py``, ``service.py``, ``schemas.py``...), other than folders
  named for a kind of file (``routers/``, ``schemas/``, ``crud/``...) or for shared code
  (``core/``, ``utils/``...).
* A root is laid out **by file type** when it has a folder of routers and at least one
  other type folder, and the same feature names recur across them
  (``routers/users.py``, ``schemas/user.py``). :func:`proposed_layout` says where each of
  those files would go in a layout by domain.
"""

from __future__ import annotations

import ast
import functools
import posixpath
import re
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from fastaudit.engine.context import CallFilter, FileContext, RuleInfo, shared_visitor
from fastaudit.engine.names import same_qualname
from fastaudit.engine.walk import own_statements, walk

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView
    from fastaudit.model import Finding

# Fact kinds noted per file.
APP_FACT = "fastapi-app"  # (line, column, end_line, end_column) of a ``FastAPI(...)`` call
ROUTES_FACT = "routes"  # line of an ``APIRouter()`` or a route decorator
# (first line, last line) of a def registered as a command of a command-line framework
# (``@app.command`` on a ``cyclopts.App()``/``typer.Typer()``, ``@click.command()``,
# ``@group.command()`` on a click group this file defines): it runs on the command's own
# loop, never on the server's, so the serving rules say nothing inside it.
CLI_COMMAND_FACT = "cli-command"
# Qualname of a function the app runs once, at start-up or shutdown, never while serving:
# its ``lifespan=``, an ``on_startup=[...]``/``on_shutdown=[...]`` entry, a def decorated
# ``@app.on_event("startup")`` or given to ``app.add_event_handler("startup", ...)``.
# Uvicorn accepts no connection before start-up ends, so a blocking call there stalls no
# request (the blocking rules follow, see ``rules.async_code._startup``).
STARTUP_HANDLER_FACT = "startup-handler"
# (qualname, first line, last line) of each module-level ``async def``: where a start-up
# function's findings are, once the project pass knows which functions only start-up runs.
ASYNC_DEF_SPAN_FACT = "async-def-span"
_STARTUP_EVENTS = frozenset({"startup", "shutdown"})
_STARTUP_KEYWORDS = frozenset({"lifespan", "on_startup", "on_shutdown"})
# The command-line frameworks: a module importing one is a command-line program.
CLI_FRAMEWORKS = ("typer", "click", "asyncclick", "cyclopts", "fire")
# What registers a def on such a framework's object: ``app.command``, ``app.default``
# (cyclopts), ``app.callback`` (typer), ``group.command``/``group.group`` (click).
_CLI_REGISTERS = frozenset({"command", "group", "default", "callback"})
# ``FileContext.memo`` keys: whether the file imports a framework; the click groups and
# commands it defines (names of module-level defs).
_CLI_FILE = ("cli-file",)
_CLI_GROUPS = ("cli-groups",)

# Folders named for a kind of file, and the module each kind becomes inside a domain.
TYPE_FOLDERS: dict[str, str] = {
    "routers": "router",
    "routes": "router",
    "endpoints": "router",
    "views": "router",
    "controllers": "router",
    "schemas": "schemas",
    "models": "models",
    "crud": "crud",
    "services": "service",
    "repositories": "repository",
    "repository": "repository",
    "dependencies": "dependencies",
    "exceptions": "exceptions",
    "constants": "constants",
}
ROUTER_ROLE = "router"
# Folders that hold code shared by the whole app, never a domain.
SHARED_FOLDERS = frozenset(
    {
        "api",
        "core",
        "common",
        "shared",
        "utils",
        "util",
        "lib",
        "libs",
        "helpers",
        # Toolkits every domain leans on (polar's ``kit``): shared code, not a feature.
        "kit",
        "toolkit",
        "infra",
        "infrastructure",
        "db",
        "database",
        "config",
        "settings",
        "middleware",
        "middlewares",
        "deps",
        "internal",
        "tests",
        "test",
        "migrations",
        "alembic",
        "scripts",
        "static",
        "templates",
        "v1",
        "v2",
    }
)
# Module names that mark a package as a domain even without routes.
DOMAIN_MODULES = frozenset(
    {
        "router",
        "routers",
        "routes",
        "views",
        "endpoints",
        "service",
        "services",
        "schemas",
        "models",
        "dependencies",
        "constants",
        "exceptions",
        "crud",
        "repository",
    }
)
# File names that hold settings: reading the environment there is the point.
SETTINGS_MODULES = frozenset({"config", "settings", "conf", "configuration"})


# ``FileContext.memo`` key: the layout rule noting the layout facts in a walk.
_LAYOUT_OWNER = ("layout-owner",)


class LayoutFacts:
    """Mixin for rules that need the layout: notes where ``FastAPI()`` is created and
    which files define routes. Rules overriding these visitors must call ``super()``."""

    def _notes_layout(self, ctx: FileContext) -> bool:
        """Several rules carry these visitors and the facts are the same: one of them
        notes them (the first of the rule set, see ``claim_layout``), the others need
        not look again."""
        owner = ctx.memo.get(_LAYOUT_OWNER)
        if owner is None:
            ctx.memo[_LAYOUT_OWNER] = owner = self
        return owner is self

    def claim_layout(self, ctx: FileContext) -> None:
        """Make this rule, the first layout rule of the walk's rule set, the one noting
        the layout, before the walk starts: the engine calls each shared visitor once,
        for the first rule inheriting it, and an override's ``super()`` call reaches the
        same owner."""
        ctx.memo[_LAYOUT_OWNER] = self

    # The calls ``visit_Call`` notes: ``app.add_event_handler(...)``, and those building
    # an app or a router, whatever name the class is imported under.
    calls: ClassVar[CallFilter | None] = CallFilter.of(
        attrs=("add_event_handler",), route_owners=True
    )

    @shared_visitor
    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "add_event_handler"
            and len(node.args) == 2
        ):
            # ``app.add_event_handler("startup", connect)``
            event, handler = node.args
            if (
                isinstance(event, ast.Constant)
                and event.value in _STARTUP_EVENTS
                and self._notes_layout(ctx)
                and (name := _function_name(handler, ctx)) is not None
            ):
                ctx.add_fact(STARTUP_HANDLER_FACT, name)
            return
        if not self._notes_layout(ctx):
            return
        made = ctx.route_owner_class(ctx.resolve(func))
        if made == "app":
            span = ctx.span(node)
            ctx.add_fact(APP_FACT, (span.line, span.column, span.end_line, span.end_column))
        elif made == "router":
            ctx.add_fact(ROUTES_FACT, node.lineno)
        if made is not None:
            for keyword in node.keywords:
                if keyword.arg not in _STARTUP_KEYWORDS:
                    continue
                value = keyword.value
                items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                for item in items:
                    if (qualname := _function_name(item, ctx)) is not None:
                        ctx.add_fact(STARTUP_HANDLER_FACT, qualname)

    @shared_visitor
    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        module_level = ctx.function is None and ctx.class_name is None
        is_async = isinstance(node, ast.AsyncFunctionDef)
        if module_level and is_async and self._notes_layout(ctx):
            ctx.add_fact(
                ASYNC_DEF_SPAN_FACT,
                (ctx.qualify(node.name), node.lineno, node.end_lineno or node.lineno),
            )
        if not node.decorator_list or not self._notes_layout(ctx):
            return
        decorator = ctx.route_decorator(node)
        if decorator is not None:
            ctx.add_fact(ROUTES_FACT, decorator.lineno)
        elif _is_cli_command(node, ctx):
            ctx.add_fact(CLI_COMMAND_FACT, (node.lineno, node.end_lineno or node.lineno))
        elif module_level and _on_startup_event(node, ctx):
            ctx.add_fact(STARTUP_HANDLER_FACT, ctx.qualify(node.name))

    @shared_visitor
    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        # Rules override visit_FunctionDef for plain defs; it reads only what both kinds share.
        self.visit_FunctionDef(node, ctx)  # type: ignore[arg-type]  # an async def, read alike


def _function_name(node: ast.expr, ctx: FileContext) -> str | None:
    """The qualname of the function ``node`` names: one defined or imported here."""
    if isinstance(node, ast.Name) and ctx.is_module_binding(node.id):
        found, value = ctx.lookup(node.id)
        return value if found and value is not None else ctx.qualify(node.id)
    value = ctx.resolve(node)
    return value if value is not None and ctx.is_own(value) and "(" not in value else None


def _on_startup_event(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """``@app.on_event("startup")`` (or ``"shutdown"``) on an app or router."""
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "on_event"
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
            and decorator.args[0].value in _STARTUP_EVENTS
            and ctx.is_app_or_router(decorator.func.value)
        ):
            return True
    return False


def _is_cli_command(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """Whether a decorator registers ``node`` on a command-line framework (see
    ``CLI_COMMAND_FACT``). Only in a file importing one of them."""
    cli_file = ctx.memo.get(_CLI_FILE)
    if cli_file is None:
        cli_file = ctx.memo[_CLI_FILE] = any(
            record.module.split(".", 1)[0] in CLI_FRAMEWORKS for record in ctx.imports
        )
    if not cli_file:
        return False
    groups: set[str] = ctx.memo.setdefault(_CLI_GROUPS, set())
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not isinstance(target, ast.Attribute) or target.attr not in _CLI_REGISTERS:
            continue
        value = ctx.resolve(target)
        registered = value is not None and value.split(".", 1)[0] in CLI_FRAMEWORKS
        if not registered and isinstance(target.value, ast.Name):
            # ``@extensions.command()`` on a click group defined above in this file.
            registered = target.value.id in groups and ctx.is_module_binding(target.value.id)
        if registered:
            if ctx.function is None:
                groups.add(node.name)
            return True
    return False


# ----------------------------------------------------------------------------- paths
def parent_dir(path: str) -> str:
    # ``posixpath.dirname`` for the relative POSIX paths of a scan, at a third of its
    # cost (asked for every file of every app on each project pass).
    return path.rpartition("/")[0]


def is_under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


# Folders holding test suites: unit and integration tests, and end-to-end suites whose
# fixture apps (``cypress/e2e/<feature>/main.py``) only the suite starts.
_TEST_FOLDERS = frozenset({"tests", "test", "e2e", "cypress"})


@functools.lru_cache(maxsize=1 << 16)
def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(part in _TEST_FOLDERS for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


@functools.lru_cache(maxsize=1 << 16)
def is_migration_path(path: str) -> bool:
    """Where Alembic keeps its env.py and its revisions (anything under a ``versions/``
    folder). A file there is a migration when it also reads as one
    (``is_migration_file`` in the walk, ``is_migration`` in the project pass): an API's
    ``versions/v1.py`` or an app's ``env.py`` settings are not."""
    parts = path.split("/")
    return "versions" in parts[:-1] or (parts[-1] == "env.py" and len(parts) > 1)


def _names_alembic(module: str) -> bool:
    return module == "alembic" or module.startswith("alembic.")


# A revision's link to the one before, at the start of a line: every revision has one,
# a merge revision (``upgrade(): pass``) that imports nothing included.
_DOWN_REVISION = re.compile(r"^down_revision\b", re.MULTILINE)


def is_migration_file(ctx: FileContext) -> bool:
    """The file being walked is Alembic's env.py or one of its revisions: where Alembic
    keeps them, and importing alembic outside any function (a revision imports ``op``,
    an env.py ``context``) or naming its ``down_revision``."""
    if not is_migration_path(ctx.path):
        return False
    key = ("alembic-file",)
    found: bool | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = any(
            (
                isinstance(node, ast.ImportFrom)
                and not node.level
                and _names_alembic(node.module or "")
            )
            or (isinstance(node, ast.Import) and any(_names_alembic(a.name) for a in node.names))
            for node in own_statements(ctx.tree.body)
        ) or bool(_DOWN_REVISION.search(ctx.source.text))
    return found


def is_migration(view: ProjectView, path: str) -> bool:
    """``is_migration_file`` asked in the project pass: of what the walk recorded of
    ``path``'s imports (those outside any function), else of its text."""
    if not is_migration_path(path):
        return False
    outcome = view.outcomes.get(path)
    if outcome is None:
        return True  # not walked: where it lies is all there is to go on
    if any(
        record.top_level and not record.relative and _names_alembic(record.module)
        for record in outcome.imports
    ):
        return True
    # Rare (a merge revision, an API's ``versions/`` module): read once, kept.
    key = ("alembic-file", path)
    found: bool | None = view.memo.get(key)
    if found is None:
        text = view.read_text(path)
        found = view.memo[key] = text is not None and bool(_DOWN_REVISION.search(text.text))
    return found


def is_settings_path(path: str) -> bool:
    """A module meant to hold settings: ``config.py``, ``settings.py``, or any module of a
    ``config``/``settings`` package."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] in SETTINGS_MODULES:
        return True
    return any(part in SETTINGS_MODULES for part in parts[:-1])


def package_dirs(view: ProjectView) -> set[str]:
    return {parent_dir(p) for p in view.python_files if p.rsplit("/", 1)[-1] == "__init__.py"}


def python_dirs(view: ProjectView) -> set[str]:
    """Every folder (and ancestor folder) holding a Python file."""
    found: set[str] = set()
    for path in view.python_files:
        folder = parent_dir(path)
        while folder and folder not in found:
            found.add(folder)
            folder = parent_dir(folder)
    return found


def join(folder: str, *rest: str) -> str:
    return posixpath.join(folder, *rest) if folder else posixpath.join(*rest)


def line_finding(
    view: ProjectView, rule: RuleInfo, path: str, line: int, message: str, column: int = 1
) -> Finding:
    """A finding from ``column`` to the end of ``line`` (the file is read for that)."""
    view.read_text(path)
    return view.finding(rule, path, line, message, column=column)


def facts(view: ProjectView, kind: str) -> Iterator[tuple[str, Any]]:
    """(path, value) for every fact of ``kind``, files in path order; each value has the
    shape its kind's writer gave it (hence Any)."""
    for path in sorted(view.outcomes):
        for value in getattr(view.outcomes[path], "facts", {}).get(kind, ()):
            yield path, value


# ----------------------------------------------------------------------------- apps
@dataclass(slots=True)
class App:
    path: str  # the file creating FastAPI()
    line: int
    column: int
    root: str  # package root folder, relative POSIX ("" for the project root)
    root_is_package: bool
    domains: dict[str, str] = field(default_factory=dict)  # name -> folder
    type_folders: dict[str, str] = field(default_factory=dict)  # folder -> role
    _prefixes: list[tuple[str, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def import_prefixes(self) -> list[tuple[str, ...]]:
        """Dotted prefixes under which modules of the root can be imported, longest
        first: ``src/shop`` gives ``src.shop`` and ``shop``; a root that is not itself a
        package (``src/`` as a path entry) can also be imported from without prefix."""
        if self._prefixes is not None:
            return self._prefixes
        parts = tuple(self.root.split("/")) if self.root else ()
        prefixes = [parts[i:] for i in range(len(parts))]
        if not self.root_is_package or not parts:
            prefixes.append(())
        self._prefixes = prefixes
        return prefixes

    def locate(self, module: str) -> tuple[str, ...] | None:
        """The parts of ``module`` below the root, when it names a module of this app."""
        parts = tuple(module.split(".")) if module else ()
        for prefix in self.import_prefixes():
            if parts[: len(prefix)] == prefix and (len(parts) > len(prefix) or prefix):
                rest = parts[len(prefix) :]
                if not prefix and (not rest or rest[0] not in self.domains):
                    # Without a prefix only a domain name is trusted (it could be a
                    # library otherwise).
                    continue
                return rest
        return None

    def domain_of_module(self, module: str) -> str | None:
        rest = self.locate(module)
        if rest and rest[0] in self.domains:
            return rest[0]
        return None

    def domain_of_path(self, path: str) -> str | None:
        if not is_under(path, self.root):
            return None
        below = path[len(self.root) + 1 :] if self.root else path
        head, sep, _ = below.partition("/")
        return head if sep and head in self.domains else None


# The apps of the last view asked about: every layout rule of one scan shares them.
_last_apps: tuple[object, list[App]] | None = None


def find_apps(view: ProjectView) -> list[App]:
    """Every application of the project (one per package root), in path order. Worked
    out once per view; callers must not change the apps."""
    global _last_apps
    if _last_apps is not None and _last_apps[0] is view:
        return list(_last_apps[1])
    apps = _find_apps(view)
    _last_apps = (view, apps)
    return list(apps)


def _find_apps(view: ProjectView) -> list[App]:
    packages = package_dirs(view)
    apps: dict[str, App] = {}
    for path, value in facts(view, APP_FACT):
        if is_test_path(path):
            continue
        line, column, _, _ = value
        root = parent_dir(path)
        if root in packages:
            while root and parent_dir(root) in packages and parent_dir(root) != root:
                root = parent_dir(root)
        if root not in apps:
            apps[root] = App(path, line, column, root, root in packages)
    # Sub-apps mounted inside another app's root belong to that app.
    roots = sorted(apps, key=len)
    kept = [
        apps[r]
        for r in sorted(apps)
        if not any(o != r and (o == "" or r.startswith(o + "/")) for o in roots)
    ]
    route_files = {path for path, _ in facts(view, ROUTES_FACT)}
    dirs = python_dirs(view)
    for app in kept:
        _classify(view, app, dirs, route_files)
    return kept


def _classify(view: ProjectView, app: App, dirs: set[str], route_files: set[str]) -> None:
    root = app.root
    children = sorted(d for d in dirs if parent_dir(d) == root and d != root)
    # Non-test files below each child folder of the root, in one pass over the files.
    below: dict[str, list[str]] = defaultdict(list)
    start = len(root) + 1 if root else 0
    for path in view.python_files:
        if root and not path.startswith(root + "/"):
            continue
        head, sep, _ = path[start:].partition("/")
        if sep:
            below[path[: start + len(head)]].append(path)
    for folder in children:
        name = folder.rsplit("/", 1)[-1]
        if not name.isidentifier():
            continue
        if name in TYPE_FOLDERS:
            app.type_folders[folder] = TYPE_FOLDERS[name]
            continue
        if name in SHARED_FOLDERS:
            # ``api/routers``-style nesting still lays the code out by type.
            for sub in sorted(d for d in dirs if parent_dir(d) == folder):
                sub_name = sub.rsplit("/", 1)[-1]
                if TYPE_FOLDERS.get(sub_name) == ROUTER_ROLE:
                    app.type_folders[sub] = ROUTER_ROLE
            continue
        files = [p for p in below.get(folder, ()) if not is_test_path(p)]
        if not any(parent_dir(p) == folder for p in below.get(folder, ())):
            # No module of its own, not even ``__init__.py``: a folder grouping whole
            # sub-domains (``feedback/incident``, ``feedback/service``), not a domain.
            continue
        has_routes = any(p in route_files for p in files)
        has_domain_module = any(
            parent_dir(p) == folder and p.rsplit("/", 1)[-1][:-3] in DOMAIN_MODULES for p in files
        )
        if has_routes or has_domain_module:
            app.domains[name] = folder


def app_of_path(apps: list[App], path: str) -> App | None:
    best: App | None = None
    for app in apps:
        if is_under(path, app.root) and (best is None or len(app.root) > len(best.root)):
            best = app
    return best


# ----------------------------------------------------------------- file-type layout
def singular(word: str) -> str:
    """A plain English singular, enough to pair ``users`` with ``user``."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


@dataclass(slots=True)
class TypeLayout:
    """A root laid out by file type, and the domain layout proposed instead."""

    app: App
    folders: dict[str, str]  # type folder -> role
    domains: dict[str, list[str]]  # proposed domain folder name -> current files
    moves: list[tuple[str, str | None]]  # (current path, proposed path or None: removed)


def type_layout(view: ProjectView, app: App) -> TypeLayout | None:
    """The file-type layout of ``app``'s root, or None when it is laid out otherwise."""
    folders = app.type_folders
    if len(folders) < 2 or ROUTER_ROLE not in folders.values():
        return None
    # key (singular feature name) -> [(folder, path, stem)]
    by_key: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    inits: list[str] = []
    for folder in folders:
        for path in sorted(p for p in view.python_files if is_under(p, folder)):
            below = path[len(folder) + 1 :]
            if below == "__init__.py":
                inits.append(path)
                continue
            stem = below.split("/", 1)[0].removesuffix(".py")
            by_key[singular(stem)].append((folder, path, stem))
    router_keys = {
        key for key, items in by_key.items() if any(folders[f] == ROUTER_ROLE for f, _, _ in items)
    }
    domain_keys = {
        key
        for key, items in by_key.items()
        if key in router_keys or len({f for f, _, _ in items}) > 1
    }
    shared_across = [
        k
        for k in domain_keys
        if any(folders[f] != ROUTER_ROLE for f, _, _ in by_key[k])
        and any(folders[f] == ROUTER_ROLE for f, _, _ in by_key[k])
    ]
    if not shared_across:
        return None
    moves: list[tuple[str, str | None]] = []
    domains: dict[str, list[str]] = {}
    for key in sorted(domain_keys):
        items = by_key[key]
        routers = [stem for f, _, stem in items if folders[f] == ROUTER_ROLE]
        name = routers[0] if routers else items[0][2]
        domains[name] = [path for _, path, _ in items]
        for folder, path, _stem in items:
            role = folders[folder]
            below = path[len(folder) + 1 :]
            if "/" in below:  # a sub-package of a type folder: keep its inner layout
                inner = below.split("/", 1)[1]
                proposed = join(app.root, name, role, inner)
            else:
                proposed = join(app.root, name, f"{role}.py")
            moves.append((path, proposed))
    # Files that belong to no feature (``models/base.py``) become shared modules.
    shared: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(set(by_key) - domain_keys):
        for folder, path, stem in by_key[key]:
            shared[folders[folder]].append((path, stem))
    for role, members in sorted(shared.items()):
        for path, stem in members:
            target = f"{role}.py" if len(members) == 1 else f"{role}_{stem}.py"
            moves.append((path, join(app.root, target)))
    for path in inits:
        moves.append((path, None))
    moves.sort(key=lambda move: move[0])
    return TypeLayout(app, dict(folders), domains, moves)


def proposed_layout(view: ProjectView) -> list[tuple[str, str | None]]:
    """(current path, proposed path) for every file a layout by domain would move, over
    all apps of the project; ``None`` means the file is no longer needed (the
    ``__init__.py`` of a type folder). Files that stay where they are are not listed."""
    moves: list[tuple[str, str | None]] = []
    for app in find_apps(view):
        layout = type_layout(view, app)
        if layout is not None:
            moves.extend(layout.moves)
    return moves


# ------------------------------------------------------------------ settings classes
SETTINGS_ROOTS = frozenset({"pydantic_settings.BaseSettings", "pydantic.BaseSettings"})


@dataclass(frozen=True, slots=True)
class SettingsClass:
    name: str
    qualname: str
    path: str
    line: int


def settings_classes(view: ProjectView) -> list[SettingsClass]:
    """Classes deriving (directly or through project classes) from ``BaseSettings``."""
    by_name: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    where: dict[str, tuple[str, int]] = {}
    for path in sorted(view.outcomes):
        for info in view.outcomes[path].classes:
            module, _, name = info.qualname.rpartition(".")
            by_name[name].append((module, info.bases))
            where.setdefault(info.qualname, (path, info.line))
    memo: dict[str, bool] = {}

    def is_settings(qualname: str, depth: int = 0) -> bool:
        if qualname in SETTINGS_ROOTS:
            return True
        if depth > 20 or not qualname:
            return False
        if qualname in memo:
            return memo[qualname]
        memo[qualname] = False
        module, _, name = qualname.rpartition(".")
        answer = any(
            is_settings(base, depth + 1)
            for defined_in, bases in by_name.get(name, ())
            if not module or same_qualname(defined_in, module)
            for base in bases
        )
        memo[qualname] = answer
        return answer

    found = []
    for qualname, (path, line) in where.items():
        if qualname not in SETTINGS_ROOTS and is_settings(qualname):
            found.append(SettingsClass(qualname.rpartition(".")[2], qualname, path, line))
    return sorted(found, key=lambda c: (c.path, c.line))


def module_bound_names(text: str) -> set[str] | None:
    """Names a module binds at top level (imports, definitions, assignments), or None
    when it does not parse."""
    try:
        with warnings.catch_warnings():  # the audited code's warnings are not ours
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names: set[str] = set()
    pending = list(tree.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                names.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for node in walk(target):
                    if isinstance(node, ast.Name):
                        names.add(node.id)
        elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
            for part in ("body", "orelse", "finalbody"):
                pending.extend(getattr(stmt, part, None) or [])
            for handler in getattr(stmt, "handlers", None) or []:
                pending.extend(handler.body)
    return names
