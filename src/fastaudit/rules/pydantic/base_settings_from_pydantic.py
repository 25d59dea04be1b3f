"""PYD106 base-settings-from-pydantic: `BaseSettings` imported from `pydantic`."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import remove_import_name, statement_separator
from fastaudit.model import Edit, Fix, Severity
from fastaudit.rules.base import Rule


class BaseSettingsFromPydantic(Rule):
    id = "PYD106"
    # Every name it reports is ``BaseSettings``, imported or reached by attribute.
    needs_text = ("BaseSettings",)
    name = "base-settings-from-pydantic"
    title = "`BaseSettings` imported from `pydantic`"
    severity = Severity.ERROR
    peers = ("bump-pydantic BP004",)
    fix_safety = (
        "Safe: under Pydantic v2 the old import raises at start-up, so nothing that works "
        "can change. Add `pydantic-settings` to the project's dependencies."
    )
    rationale = """
    Since Pydantic v2, settings management lives in its own package, `pydantic-settings`;
    `from pydantic import BaseSettings` raises `PydanticImportError` as soon as the
    module is imported. Import it from `pydantic_settings` (and list that package in
    your dependencies), and configure it with `SettingsConfigDict`.
    """
    dont = """
    from pydantic import BaseSettings, PostgresDsn


    class DatabaseSettings(BaseSettings):
        url: PostgresDsn
        pool_size: int = 5
    """
    dont_fixed = """
    from pydantic import PostgresDsn
    from pydantic_settings import BaseSettings


    class DatabaseSettings(BaseSettings):
        url: PostgresDsn
        pool_size: int = 5
    """
    extra_valid = (
        """
        from pydantic.v1 import BaseSettings
        from .settings import BaseSettings as LocalBase
        """,
        """
        # from pydantic import BaseSettings  (v1, before the upgrade)
        from pydantic_settings import BaseSettings
        """,
    )
    extra_invalid = (
        """
        import pydantic

        class Settings(pydantic.BaseSettings):
            debug: bool = False
        """,
        """
        from pydantic import BaseSettings as Settings
        """,
        """
        from pydantic.env_settings import BaseSettings
        """,
    )

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if node.level or node.module not in ("pydantic", "pydantic.env_settings"):
            return
        moved = [alias for alias in node.names if alias.name == "BaseSettings"]
        if not moved:
            return
        fix = self._fix(node, moved[0], ctx)
        ctx.report(
            node,
            f"`BaseSettings` is imported from `{node.module}`: it moved to the "
            "`pydantic-settings` package in v2 (`from pydantic_settings import BaseSettings`)",
            fix=fix,
        )

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if node.attr != "BaseSettings" or not isinstance(node.value, ast.Name):
            return
        if ctx.resolve(node) != "pydantic.BaseSettings":
            return
        owner, import_edit = ctx.ensure_import("pydantic_settings")
        fix = ctx.fix(
            "Use `pydantic_settings.BaseSettings`",
            ctx.replace(node, f"{owner}.BaseSettings"),
            import_edit,
        )
        ctx.report(
            node,
            f"`{ctx.text(node)}` moved to the `pydantic-settings` package in Pydantic v2: "
            "use `pydantic_settings.BaseSettings`",
            fix=fix,
        )

    @staticmethod
    def _fix(node: ast.ImportFrom, moved: ast.alias, ctx: FileContext) -> Fix | None:
        new_import = "from pydantic_settings import " + (
            f"BaseSettings as {moved.asname}" if moved.asname else "BaseSettings"
        )
        if len(node.names) == 1:
            return ctx.fix("Import it from `pydantic_settings`", ctx.replace(node, new_import))
        if node.module != "pydantic":
            return None
        removal = remove_import_name(ctx, node, moved)
        if removal is None:
            return None
        start, end = ctx.offsets(node)
        text = ctx.source.text[start:end]
        kept = text[: removal.start - start] + removal.text + text[removal.end - start :]
        return ctx.fix(
            "Import it from `pydantic_settings`",
            Edit(start, end, kept + statement_separator(ctx, node) + new_import),
        )
