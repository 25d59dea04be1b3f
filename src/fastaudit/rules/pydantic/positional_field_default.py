"""PYD108 positional-field-default: `Field(None, ...)` / `Field(..., ...)`, the default
passed without its name."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import insert_before, remove_call_argument
from fastaudit.model import Fix, Severity
from fastaudit.rules.pydantic._shared import PydanticRule, model_qualname
from fastaudit.rules.pydantic.none_default_on_non_optional_field import allows_none

FIELD_FUNCTIONS = frozenset(
    {"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field", "sqlmodel.main.Field"}
)


def field_call(node: ast.AnnAssign, ctx: FileContext) -> ast.Call | None:
    """The ``Field(...)`` call assigned to a public field of a class body, if any."""
    value = node.value
    if not isinstance(ctx.parent, ast.ClassDef) or not isinstance(value, ast.Call):
        return None
    if not isinstance(node.target, ast.Name) or node.target.id.startswith("_"):
        return None  # underscore names are private attributes, not fields
    if ctx.resolve(value.func) not in FIELD_FUNCTIONS:
        return None
    if any(isinstance(a, ast.Starred) for a in value.args) or any(
        k.arg is None for k in value.keywords
    ):
        return None
    return value


def is_ellipsis(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def only_default(call: ast.Call) -> ast.expr | bool | None:
    """For ``Field()``: True; for ``Field(v)`` / ``Field(default=v)`` alone: ``v``;
    None when the call says anything else (a description, a constraint, an alias)."""
    if not call.args and not call.keywords:
        return True
    if len(call.args) == 1 and not call.keywords:
        return call.args[0]
    if not call.args and len(call.keywords) == 1 and call.keywords[0].arg == "default":
        return call.keywords[0].value
    return None


class PositionalFieldDefault(PydanticRule):
    id = "PYD108"
    name = "positional-field-default"
    title = "`Field` default passed by position"
    severity = Severity.INFO
    peers = ("flake8-pydantic PYD001",)
    # A style point a codebase either follows everywhere or nowhere: polar alone writes
    # it 173 times, which would bury the findings that matter. Selected, `--fix`
    # settles them all at once.
    default_enabled = False
    fix_safety = (
        "Safe: `default` is `Field`'s only positional parameter, so naming it changes "
        "nothing. `Field(..., ...)` loses its `...` (a field with no default is required "
        "anyway); that is unsafe when the annotation may allow None, because Pydantic v1 "
        "gives such a field an implicit None default once the `...` is gone."
    )
    rationale = """
    `Field(None, ge=1)` hides what its first argument is: a reader has to know that
    `Field`'s only positional parameter is the default, and `Field(1)` next to
    `Field(gt=1)` reads like a constraint. Name it (`Field(default=None, ge=1)`), or
    put the default after the `=` and the metadata in `Annotated[int, Field(ge=1)]`,
    the form FastAPI's documentation uses. `Field(..., description="...")` marks a
    field required, which a field with no default already is in Pydantic v2: drop the
    `...`. A `Field` that holds nothing but the default is PYD109's (the call itself
    goes), so it is not reported here. A codebase written this way has hundreds, so
    the rule is opt-in (`--extend-select PYD108`); the fix is safe, so `--fix` settles
    them at once. Peer:
    flake8-pydantic PYD001, which reports every positional argument without a fix;
    ours fixes and reads `sqlmodel.Field` too (same signature).
    """
    dont = """
    from pydantic import BaseModel, Field


    class ProductFilter(BaseModel):
        name: str = Field(..., min_length=1)
        page: int = Field(1, ge=1)
        size: int | None = Field(None, le=100)
    """
    dont_fixed = """
    from pydantic import BaseModel, Field


    class ProductFilter(BaseModel):
        name: str = Field(min_length=1)
        page: int = Field(default=1, ge=1)
        size: int | None = Field(default=None, le=100)
    """
    extra_valid = (
        # Only the default: PYD109's.
        """
        from pydantic import BaseModel, Field

        class Page(BaseModel):
            size: int = Field(20)
        """,
        # Not a model; a private attribute; a query parameter marker.
        """
        from fastapi import Query
        from pydantic import BaseModel, Field, PrivateAttr

        class Plain:
            x: int = Field(1, ge=0)

        class Order(BaseModel):
            _cache: dict = Field({}, repr=False)

        def route(q: int = Query(1, ge=1)): ...
        """,
    )
    extra_invalid = (
        """
        import pydantic

        class Event(pydantic.BaseModel):
            kind: str = pydantic.Field("click", max_length=20)
        """,
        """
        from sqlmodel import Field, SQLModel

        class Hero(SQLModel, table=True):
            id: int | None = Field(None, primary_key=True)
        """,
    )

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        call = field_call(node, ctx)
        if call is None or len(call.args) != 1 or only_default(call) is not None:
            return
        default = call.args[0]
        field = node.target.id if isinstance(node.target, ast.Name) else "?"
        fix: Fix | None
        if is_ellipsis(default):
            message = (
                f"`{field}`: `Field(..., ...)` marks the field required, which it is "
                "without a default; drop the `...`"
            )
            edit = remove_call_argument(ctx, call, default)
            may_be_none = allows_none(node.annotation, ctx) is not False
            fix = (
                None
                if edit is None
                else ctx.fix(
                    "Drop the `...`",
                    edit,
                    safe=not may_be_none,
                    note=(
                        "the annotation may allow None: on Pydantic v1 the field would "
                        "then default to None"
                        if may_be_none
                        else ""
                    ),
                )
            )
        else:
            shown = ctx.text(default)
            shown = shown if len(shown) <= 30 and "\n" not in shown else "..."
            message = (
                f"`{field}`: the default of `Field({shown}, ...)` is passed by position; "
                f"write `Field(default={shown}, ...)`"
            )
            fix = ctx.fix("Name the default: `default=`", insert_before(ctx, default, "default="))
        self.defer(
            node,
            message,
            fix=fix,
            when=("pydantic-model", model_qualname(ctx, ctx.class_name or "")),
        )
