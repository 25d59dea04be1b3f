"""PYD109 redundant-field-call: a `Field(...)` that holds only the default, or nothing."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import moved_text
from fastaudit.model import Edit, Severity
from fastaudit.rules.pydantic._shared import PydanticRule, model_qualname
from fastaudit.rules.pydantic.none_default_on_non_optional_field import allows_none
from fastaudit.rules.pydantic.positional_field_default import field_call, is_ellipsis, only_default


class RedundantFieldCall(PydanticRule):
    id = "PYD109"
    name = "redundant-field-call"
    title = "`Field(...)` that adds nothing to the default"
    severity = Severity.INFO
    peers = ("flake8-pydantic PYD003",)
    fix_safety = (
        "Safe: `x: int = Field(default=3)` and `x: int = 3` build the same field, and "
        "`x: int = Field()` is `x: int`. Where the call only says `...` (required) and "
        "the annotation may allow None, the fix is unsafe: Pydantic v1 gives an optional "
        "field with no default an implicit None default."
    )
    rationale = """
    `Field()` is for what a plain default cannot say: constraints, an alias, a
    description, `default_factory`, `exclude`. A call holding only the default
    (`Field(default=3)`, `Field(3)`) or nothing at all (`Field()`) is noise, and it
    suggests a setting that is not there. Write the default after the `=` (`x: int = 3`),
    or nothing for a required field. Peer: flake8-pydantic PYD003 (only
    `Field(default=...)`, no fix); ours also reads `Field()`, the positional form and
    `sqlmodel.Field`, and fixes them.
    """
    dont = """
    from pydantic import BaseModel, Field


    class Page(BaseModel):
        query: str = Field()
        size: int = Field(default=20)
        sort: str = Field("-created_at")
    """
    dont_fixed = """
    from pydantic import BaseModel


    class Page(BaseModel):
        query: str
        size: int = 20
        sort: str = "-created_at"
    """
    extra_valid = (
        """
        from pydantic import BaseModel, Field

        class Page(BaseModel):
            size: int = Field(default=20, le=100)
            tags: list[str] = Field(default_factory=list)
            note: str = Field(description="free text")
            _secret: str = Field(default="x")
        """,
        # Field inside Annotated carries metadata; a dataclass is not a model here.
        """
        from dataclasses import dataclass
        from typing import Annotated
        from pydantic import BaseModel, Field

        class Page(BaseModel):
            size: Annotated[int, Field(le=100)] = 20

        @dataclass
        class Row:
            n: int = Field(default=1)
        """,
    )
    extra_invalid = (
        """
        from sqlmodel import Field, SQLModel

        class Hero(SQLModel):
            name: str | None = Field(default=None)
        """,
    )

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        call = field_call(node, ctx)
        if call is None:
            return
        default = only_default(call)
        if default is None:
            return
        field = node.target.id if isinstance(node.target, ast.Name) else "?"
        written = ctx.text(call)
        annotation_end = ctx.offsets(node.annotation)[1]
        call_start, call_end = ctx.offsets(call)
        if isinstance(default, bool) or is_ellipsis(default):
            message = f"`{field}`: `{written}` adds nothing: a field with no default is required"
            edit = Edit(annotation_end, call_end, "")
            may_be_none = default is not True and allows_none(node.annotation, ctx) is not False
            fix = ctx.fix(
                f"Drop `= {written}`",
                edit,
                safe=not may_be_none,
                note=(
                    "the annotation may allow None: on Pydantic v1 the field would then "
                    "default to None"
                    if may_be_none
                    else ""
                ),
            )
        else:
            # Where ``Field(`` opened its own lines, the value moves one level out.
            value = moved_text(ctx, default, node.lineno)
            shown = value if len(value) <= 30 and "\n" not in value else "..."
            message = (
                f"`{field}`: `Field` holds only the default; write `= {shown}` without it"
                if shown != "..."
                else f"`{field}`: `Field` holds only the default; write it after `=` instead"
            )
            fix = ctx.fix(
                f"Write the default `{shown}` without `Field`", Edit(call_start, call_end, value)
            )
        self.defer(
            node,
            message,
            fix=fix,
            when=("pydantic-model", model_qualname(ctx, ctx.class_name or "")),
        )
