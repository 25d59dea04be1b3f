"""What the PYD rules share: the `PydanticRule` base (findings deferred to the end of the
file, dropped in files on the ``pydantic.v1`` layer), and where a model's configuration
is written (``class Config`` entries, ``ConfigDict(...)`` keywords)."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import add_import
from fastaudit.model import Edit, Fix
from fastaudit.rules.base import Rule

# ------------------------------------------------------------------------ shared facts
CONFIG_DICTS = {
    "pydantic.ConfigDict": "ConfigDict",
    "pydantic.config.ConfigDict": "ConfigDict",
    "pydantic_settings.SettingsConfigDict": "SettingsConfigDict",
    "pydantic_settings.main.SettingsConfigDict": "SettingsConfigDict",
}


# Names the BaseSettings rule moves out of a ``from pydantic import ...`` statement;
# other fixes never add names to such a statement (the two edits would interleave).
MOVED_OUT_OF_PYDANTIC = frozenset({"BaseSettings"})


def model_qualname(ctx: FileContext, name: str) -> str:
    return ctx.qualify(name)


def uses_v1_layer(ctx: FileContext) -> bool:
    """True when the file imports ``pydantic.v1``: its models are v1 on purpose."""
    for record in ctx.imports:
        module = record.module
        if module == "pydantic.v1" or module.startswith("pydantic.v1."):
            return True
        if module == "pydantic" and record.is_from and "v1" in record.names:
            return True
    return False


def config_sites(node: ast.ClassDef) -> list[tuple[str, ast.AST, list[str]]]:
    """Where a model class sets v1-style configuration: ``(key, site, sibling keys)``.

    Sites are keyword arguments of the class statement, assignments in an inner
    ``class Config`` and string keys of a literal ``model_config = {...}``.
    (``ConfigDict(...)`` calls are found on their own, wherever they are.)
    """
    sites: list[tuple[str, ast.AST, list[str]]] = []
    keywords = [(k.arg, k) for k in node.keywords if k.arg and k.arg != "metaclass"]
    names = [name for name, _ in keywords]
    sites.extend((name, k, names) for name, k in keywords)
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            entries = [(name, target) for name, target, _ in class_config_entries(stmt)]
            keys = [name for name, _ in entries]
            sites.extend((name, target, keys) for name, target in entries)
        elif (
            isinstance(stmt, (ast.Assign, ast.AnnAssign))
            and _assigned_name(stmt) == "model_config"
            and isinstance(stmt.value, ast.Dict)
        ):
            dict_keys = [
                (key.value, key)
                for key in stmt.value.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            ]
            keys = [name for name, _ in dict_keys]
            sites.extend((name, key, keys) for name, key in dict_keys)
    return sites


def class_config_entries(config: ast.ClassDef) -> list[tuple[str, ast.Name, ast.stmt]]:
    """``(key, target, statement)`` for the plain assignments of a ``class Config``."""
    entries: list[tuple[str, ast.Name, ast.stmt]] = []
    for stmt in config.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target = stmt.target
        else:
            continue
        if isinstance(target, ast.Name):
            entries.append((target.id, target, stmt))
    return entries


def _assigned_name(stmt: ast.Assign | ast.AnnAssign) -> str | None:
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
    if isinstance(stmt, ast.Assign) and len(stmt.targets) != 1:
        return None
    return target.id if isinstance(target, ast.Name) else None


def config_call_keywords(node: ast.Call, ctx: FileContext, key: str) -> list[ast.keyword] | None:
    """The keywords of a ``ConfigDict(...)`` / ``SettingsConfigDict(...)`` call that
    passes ``key`` (None for any other call)."""
    if not any(k.arg == key for k in node.keywords) or ctx.resolve(node.func) not in CONFIG_DICTS:
        return None
    return [k for k in node.keywords if k.arg]


class PydanticRule(Rule):
    """Shared plumbing: findings wait for the end of the file, and are dropped if the
    file turns out to use the ``pydantic.v1`` compatibility layer; module-level
    ``from ... import`` statements are remembered so fixes can extend them."""

    def __init__(self) -> None:
        # (node, message, fix, when) of each finding, reported at the end of the file.
        self._pending: list[tuple[ast.AST, str, Fix | None, tuple[str, str] | None]] = []
        self._from_imports: list[ast.ImportFrom] = []

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if isinstance(ctx.parent, ast.Module) and not node.level:
            self._from_imports.append(node)

    def defer(
        self,
        node: ast.AST,
        message: str,
        *,
        fix: Fix | None = None,
        when: tuple[str, str] | None = None,
    ) -> None:
        self._pending.append((node, message, fix, when))

    def finish(self, ctx: FileContext) -> None:
        if self._pending and not uses_v1_layer(ctx):
            for node, message, fix, when in self._pending:
                ctx.report(node, message, fix=fix, when=when)

    def import_name(self, ctx: FileContext, module: str, name: str) -> tuple[str, Edit | None]:
        return add_import(
            ctx,
            module,
            name,
            merge_into=self._from_imports,
            unless_importing=MOVED_OUT_OF_PYDANTIC if module == "pydantic" else frozenset(),
        )

    @staticmethod
    def model_condition(node: ast.ClassDef, ctx: FileContext) -> tuple[str, str] | None:
        """The condition under which ``node`` is a Pydantic model, for top-level (or
        function-level) classes, which the project index knows about."""
        if ctx.class_name is not None:
            return None
        return ("pydantic-model", model_qualname(ctx, node.name))
