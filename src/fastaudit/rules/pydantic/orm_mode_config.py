"""PYD103 orm-mode-config: `orm_mode` instead of `from_attributes`."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.edit_builders import rename_keyword
from fastaudit.model import Fix, Severity
from fastaudit.rules.pydantic._shared import (
    CONFIG_DICTS,
    PydanticRule,
    config_call_keywords,
    config_sites,
)


class OrmModeConfig(PydanticRule):
    id = "PYD103"
    name = "orm-mode-config"
    title = "`orm_mode` instead of `from_attributes`"
    severity = Severity.WARNING
    peers = ("bump-pydantic BP002",)
    fix_safety = (
        "Safe: renames the key to `from_attributes`, the name Pydantic v2 reads. Not "
        "fixed when the same configuration already sets `from_attributes`."
    )
    rationale = """
    `orm_mode` is the Pydantic v1 name of the setting that lets a model read its fields
    from object attributes (an ORM row, a dataclass). Pydantic v2 renamed it
    `from_attributes` and only warns about the old name: the setting itself is dropped,
    so `Model.model_validate(row)` fails validation instead of reading the row.
    """
    dont = """
    from pydantic import BaseModel, ConfigDict


    class CustomerOut(BaseModel):
        model_config = ConfigDict(orm_mode=True)

        id: int
        email: str
    """
    dont_fixed = """
    from pydantic import BaseModel, ConfigDict


    class CustomerOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)

        id: int
        email: str
    """
    extra_valid = (
        # A setting of the project's own called orm_mode, outside any Pydantic config.
        """
        ORM_MODE = True

        class Settings:
            orm_mode = True

        def configure(orm_mode: bool = True):
            return {"orm_mode": orm_mode}
        """,
    )
    extra_invalid = (
        """
        from pydantic import BaseModel

        class CustomerOut(BaseModel):
            id: int

            class Config:
                orm_mode = True
        """,
        """
        from pydantic import BaseModel

        class CustomerOut(BaseModel):
            model_config = {"orm_mode": True}
        """,
        """
        from pydantic import BaseModel

        class CustomerOut(BaseModel, orm_mode=True):
            id: int
        """,
    )

    key: ClassVar[str] = "orm_mode"
    new_key: ClassVar[str] = "from_attributes"

    calls = CallFilter.of(callees=CONFIG_DICTS)

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        condition = self.model_condition(node, ctx)
        if condition is None:
            return
        for key, site, siblings in config_sites(node):
            if key == self.key:
                fix = self.fix(site, siblings, ctx)
                self.defer(site, self.message(siblings), fix=fix, when=condition)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        keywords = config_call_keywords(node, ctx, self.key)
        if keywords is None:
            return
        # Every one is named (``config_call_keywords`` drops ``**extra``): the test only
        # tells the checker so.
        siblings = [k.arg for k in keywords if k.arg]
        for keyword in keywords:
            if keyword.arg == self.key:
                fix = self.fix(keyword, siblings, ctx)
                self.defer(keyword, self.message(siblings), fix=fix)

    def message(self, siblings: list[str]) -> str:
        if self.new_key in siblings:
            return (
                "`orm_mode` is the Pydantic v1 name, which v2 ignores (with a warning); "
                "`from_attributes` is already set here, so remove it"
            )
        return (
            "`orm_mode` is the Pydantic v1 name: v2 ignores it (with a warning), so "
            "attribute loading stays off; use `from_attributes=True`"
        )

    def fix(self, site: ast.AST, siblings: list[str], ctx: FileContext) -> Fix | None:
        if self.new_key in siblings:
            return None
        if isinstance(site, ast.keyword):
            edit = rename_keyword(ctx, site, self.new_key)
        elif isinstance(site, ast.Name):
            edit = ctx.replace(site, self.new_key)
        elif isinstance(site, ast.Constant):
            edit = ctx.replace(site, ctx.text(site).replace(self.key, self.new_key, 1))
        else:
            return None
        return ctx.fix(f"Rename `{self.key}` to `{self.new_key}`", edit)
