"""Which distributions the code imports, for "imported but not declared" checks.

The engine records every import statement; here they are reduced to the third-party
distributions they need: the standard library and the project's own modules drop out,
import names are mapped to distribution names (``jwt`` -> ``pyjwt``), and imports
guarded by ``try: ... except ImportError`` (optional dependencies) are ignored.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastaudit.engine.context import FILE_DONE
from fastaudit.engine.walk import walk
from fastaudit.project.deps.matrix import NAMESPACE_ROOTS, Matrix
from fastaudit.rules._support.project_walk import text_contains

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext, Visited
    from fastaudit.engine.project_view import ProjectView

_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


# Top-level standard-library modules of Pythons other than the one running fastaudit,
# so the answer does not depend on it: those added in 3.12-3.14 (public ones and the
# private ones code reaches for, such as ``_pyrepl``), and those removed in 3.12 and
# 3.13, still the standard library of every Python a project may support before them.
NEWER_STDLIB = frozenset(
    {
        "annotationlib",  # 3.14
        "compression",  # 3.14, with compression.zstd
        "_zstd",
        "_remote_debugging",
        "_hmac",
        "_colorize",  # 3.13
        "_pyrepl",
        "_android_support",
        "_ios_support",
        "_interpchannels",
        "_interpqueues",
        "_interpreters",
        "_opcode_metadata",
        "_suggestions",
        "_sysconfig",
        "_pydatetime",  # 3.12
        "_pylong",
        "_sha2",
        "_wmi",
    }
)
REMOVED_STDLIB = frozenset(
    {
        "asynchat",  # 3.12
        "asyncore",
        "distutils",
        "imp",
        "smtpd",
        "aifc",  # 3.13
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "imghdr",
        "lib2to3",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "uu",
        "xdrlib",
    }
)
# Typeshed's private module of the standard library's stubs (``StrPath``,
# ``SupportsRead``): it exists for type checkers only, imported under ``TYPE_CHECKING``,
# and no distribution provides it.
TYPING_ONLY_STDLIB = frozenset({"_typeshed"})
STDLIB = frozenset(sys.stdlib_module_names) | NEWER_STDLIB | REMOVED_STDLIB | TYPING_ONLY_STDLIB


@dataclass(frozen=True, slots=True)
class ImportSite:
    path: str
    line: int
    column: int
    module: str
    names: tuple[str, ...] = ()  # what ``from module import ...`` takes from it


def own_modules(view: ProjectView) -> set[str]:
    """Every folder and module name in the project: ``src/shop/api.py`` gives ``src``,
    ``shop`` and ``api``, so ``import shop`` (src layout) is recognised as the project's."""
    names: set[str] = set()
    for path in view.python_files:
        names.update(path.removesuffix(".py").split("/"))
    return names


# The last result, kept while its view is alive: PIN106-108 of one scan share it.
_last: tuple[object, object, dict[tuple[str, ...], list[ImportSite]]] | None = None


def third_party_imports(
    view: ProjectView, matrix: Matrix
) -> dict[tuple[str, ...], list[ImportSite]]:
    """Distributions (alternatives) -> where the code imports them, in path/line order.
    Worked out once per view and matrix; callers must not change the result."""
    global _last
    if _last is not None and _last[0] is view and _last[1] is matrix:
        return _last[2]
    own = own_modules(view)
    found: dict[tuple[str, ...], list[ImportSite]] = {}
    distributions: dict[str, tuple[str, ...]] = {}
    for path in sorted(view.outcomes):
        for record in view.outcomes[path].imports:
            if record.relative or not record.module:
                continue
            top = record.module.split(".", 1)[0]
            if top in STDLIB or top in own or top == "__future__":
                continue
            if record.is_from and record.module in NAMESPACE_ROOTS:
                # ``from opentelemetry import trace``, ``from google import genai``: in a
                # namespace package each imported name may be another distribution's.
                modules = [f"{record.module}.{name}" for name in record.names if name != "*"]
            else:
                modules = [record.module]
            for module in modules or [record.module]:
                names = tuple(record.names) if record.is_from else ()
                site = ImportSite(path, record.line, record.column, module, names)
                dists = distributions.get(module)
                if dists is None:
                    dists = distributions[module] = matrix.distributions_for(module)
                found.setdefault(dists, []).append(site)
    _last = (view, matrix, found)
    return found


# Lines of imports inside ``try:`` blocks that catch ImportError, noted per file.
GUARDED_IMPORT_FACT = "guarded-import"
# (line, Python version) of imports in the ``except ImportError`` handler of a ``try``
# importing a standard-library module that Python version added.
BACKPORT_FACT = "backport-import"
# Standard-library modules with a backport on PyPI, and the Python that has them (with
# the API the backports are used for: ``importlib.resources.files``, 3.9).
STDLIB_ADDED = {
    "tomllib": "3.11",
    "zoneinfo": "3.9",
    "graphlib": "3.9",
    "importlib.resources": "3.9",
    "importlib.metadata": "3.10",
}
# Lines of imports a function makes after adding a folder to ``sys.path`` itself.
PATH_IMPORT_FACT = "path-import"


class GuardedImportFacts:
    """Mixin for rules that call :func:`unguarded`: notes, while the file is walked,
    the lines of imports guarded by ``try: ... except ImportError``."""

    def visit_Try(self, node: ast.Try | ast.TryStar, ctx: FileContext) -> None:
        if not any(_catches_import_error(handler) for handler in node.handlers):
            return
        tried: list[str] = []
        for statement in node.body:
            for inner in walk(statement):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    ctx.add_fact(GUARDED_IMPORT_FACT, inner.lineno)
                    tried.extend(_modules_of(inner))
        # ``try: import tomllib`` / ``except ImportError: import tomli``: the handler's
        # import is a backport, run only on Pythons older than the module.
        added = [STDLIB_ADDED.get(module) for module in tried]
        if not tried or None in added:
            return
        since = max(version for version in added if version is not None)
        for handler in node.handlers:
            if _catches_import_error(handler):
                for inner in walk(handler):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        ctx.add_fact(BACKPORT_FACT, (inner.lineno, since))

    def visit_TryStar(self, node: ast.TryStar, ctx: FileContext) -> None:
        self.visit_Try(node, ctx)

    def visit_FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
    ) -> Visited | None:
        """``sys.path.append(scripts)`` then ``from generate import main``: the function
        imports a module from the folder it has just put on the path (a test loading a
        script, or modules it wrote to a temporary folder), not a distribution."""
        # ``_extends_sys_path`` looks for ``sys.path.<method>(...)`` written out: a file
        # without that text has none, and its functions' bodies need no walk (asked for
        # every function of every file, the walk cost more than the rest of PIN107).
        if not text_contains(ctx, "sys.path"):
            return FILE_DONE  # the text settles it for every function of the file
        extended = False
        for statement in node.body:
            if extended:
                for inner in walk(statement):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        ctx.add_fact(PATH_IMPORT_FACT, inner.lineno)
            elif _extends_sys_path(statement):
                extended = True
        return None

    def visit_AsyncFunctionDef(
        self, node: ast.AsyncFunctionDef, ctx: FileContext
    ) -> Visited | None:
        return self.visit_FunctionDef(node, ctx)

    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        """``if SECRET_PROVIDER == "vault":`` then ``import hvac``: an integration the
        configuration selects, installed only where it is chosen."""
        start, end = ctx.offsets(node)
        if ctx.source.text.find("import", start, end) == -1:
            return  # no import in it to note (every import statement spells the word)
        if not _selects_by_setting(node.test):
            return
        for statement in (*node.body, *node.orelse):
            for inner in walk(statement):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    ctx.add_fact(GUARDED_IMPORT_FACT, inner.lineno)


def _modules_of(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""] if not node.level else [""]


def backports(view: ProjectView, sites: list[ImportSite]) -> dict[ImportSite, str]:
    """The sites that are the fallback of a standard-library import, with the Python
    version from which the fallback never runs (noted by :class:`GuardedImportFacts`)."""
    found: dict[ImportSite, str] = {}
    for site in sites:
        outcome = view.outcomes.get(site.path)
        facts = getattr(outcome, "facts", None) or {}
        for line, since in facts.get(BACKPORT_FACT, ()):
            if line == site.line:
                found[site] = since
    return found


def _extends_sys_path(statement: ast.stmt) -> bool:
    """``sys.path.insert(0, folder)``, ``.append``, ``.extend``, as a statement, or a
    ``with`` block that does it first thing."""
    for inner in walk(statement):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr in ("insert", "append", "extend")
            and isinstance(inner.func.value, ast.Attribute)
            and inner.func.value.attr == "path"
            and isinstance(inner.func.value.value, ast.Name)
            and inner.func.value.value.id == "sys"
        ):
            return True
    return False


def path_imports(view: ProjectView, sites: list[ImportSite]) -> set[ImportSite]:
    """The sites a function imports after putting a folder on ``sys.path`` (the lines
    :class:`GuardedImportFacts` noted)."""
    found: set[ImportSite] = set()
    for site in sites:
        outcome = view.outcomes.get(site.path)
        facts = getattr(outcome, "facts", None) or {}
        if site.line in facts.get(PATH_IMPORT_FACT, ()):
            found.add(site)
    return found


def unguarded(view: ProjectView, sites: list[ImportSite]) -> list[ImportSite]:
    """The sites not inside ``try:`` blocks that catch ImportError (the lines
    :class:`GuardedImportFacts` noted)."""
    kept: list[ImportSite] = []
    guarded_lines: dict[str, set[int]] = {}
    for site in sites:
        lines = guarded_lines.get(site.path)
        if lines is None:
            outcome = view.outcomes.get(site.path)
            facts = getattr(outcome, "facts", None) or {}
            lines = guarded_lines[site.path] = set(facts.get(GUARDED_IMPORT_FACT, ()))
        if site.line not in lines:
            kept.append(site)
    return kept


def _selects_by_setting(test: ast.expr) -> bool:
    """A comparison of some value with a string: ``provider == "vault"``,
    ``settings.BACKEND in ("s3", "gcs")``."""
    for node in walk(test):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                elements = (
                    operand.elts
                    if isinstance(operand, ast.Tuple | ast.List | ast.Set)
                    else [operand]
                )
                if any(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements):
                    return True
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(n, ast.Name) and n.id in _GUARDS)
        or (isinstance(n, ast.Attribute) and n.attr in _GUARDS)
        for n in names
    )
