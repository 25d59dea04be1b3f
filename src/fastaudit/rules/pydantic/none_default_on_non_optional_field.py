"""PYD107 none-default-on-non-optional-field: `Field(default=None)` on a type that does not allow
None."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.model import Severity
from fastaudit.rules.pydantic._shared import PydanticRule, model_qualname

_FIELDS = frozenset({"pydantic.Field", "pydantic.fields.Field"})
_CONSTRAINTS = (
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "regex",
    "max_digits",
    "decimal_places",
    "min_items",
    "max_items",
)
_ACCEPTS_NONE = frozenset(
    {"typing.Any", "typing_extensions.Any", "builtins.object", "types.NoneType", "typing.Never"}
)


def _typing(value: str | None) -> str | None:
    if value and value.startswith("typing_extensions."):
        return "typing." + value.removeprefix("typing_extensions.")
    return value


def allows_none(node: ast.expr | None, ctx: FileContext, depth: int = 0) -> bool | None:
    """Whether an annotation admits None: True, False, or None when it cannot be told
    (a type alias, a type variable, something unresolved)."""
    if node is None or depth > 8:
        return None
    if isinstance(node, ast.Constant):
        if node.value is None:
            return True
        if isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            return allows_none(parsed, ctx, depth + 1)
        return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        value = _typing(ctx.resolve(node))
        if value is None or value.endswith("()"):
            return None
        if value in _ACCEPTS_NONE:
            return True
        if value.startswith("typing.") and value not in _CONCRETE_TYPING:
            return None
        if ctx.is_own(value):
            # The project's own name, from another module: a class, or an alias such
            # as ``EmptyStrToNone = Annotated[str | None, ...]``. One file cannot tell.
            return None
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _any_of([node.left, node.right], ctx, depth)
    if isinstance(node, ast.Subscript):
        head = _typing(ctx.resolve(node.value))
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head == "typing.Optional":
            return True
        if head == "typing.Union":
            return _any_of(elements, ctx, depth)
        if head == "typing.Annotated":
            return allows_none(elements[0], ctx, depth + 1) if elements else None
        if head == "typing.Literal":
            return any(isinstance(e, ast.Constant) and e.value is None for e in elements)
        if head is None or head.endswith("()"):
            return None
        if head.startswith("typing.") and head not in _CONCRETE_TYPING:
            return None
        if head not in _CONTAINERS and not head.startswith(("typing.", "collections.abc.")):
            # A wrapper such as pydantic's ``SkipJsonSchema[int | None]``: it admits
            # None when what it wraps does, and may not say otherwise.
            return True if _any_of(elements, ctx, depth) is True else None
        return False
    return None


_CONTAINERS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.frozenset",
        "builtins.tuple",
        "builtins.type",
        "collections.deque",
        "collections.OrderedDict",
        "collections.defaultdict",
    }
)


_CONCRETE_TYPING = frozenset(
    {
        "typing.List",
        "typing.Dict",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Tuple",
        "typing.Sequence",
        "typing.Mapping",
        "typing.Iterable",
        "typing.Type",
        "typing.Pattern",
        "typing.Callable",
    }
)


def _any_of(elements: list[ast.expr], ctx: FileContext, depth: int) -> bool | None:
    answers = [allows_none(e, ctx, depth + 1) for e in elements]
    if any(a is True for a in answers):
        return True
    if any(a is None for a in answers):
        return None
    return False


class NoneDefaultOnRequiredType(PydanticRule):
    id = "PYD107"
    name = "none-default-on-non-optional-field"
    title = "`Field(default=None)` on a type that does not allow None"
    severity = Severity.WARNING
    fix_safety = (
        "Unsafe, and only one of two readings: it makes the annotation `T | None`, which "
        "keeps today's default but now also accepts an explicit `null` from clients and "
        "marks the field nullable in the schema. If the field is meant to be required, "
        "drop `default=None` instead."
    )
    rationale = """
    Pydantic does not validate defaults, so `age: int = Field(default=None, ge=18)`
    quietly produces `age=None` on a field typed `int`, and any constraint on it is never
    checked for the default. Clients sending `null` are rejected while the model itself
    holds None, and the schema says the field is an integer that may be omitted. Decide:
    required (`Field(ge=18)`) or optional (`int | None = Field(default=None, ge=18)`).
    """
    dont = """
    from pydantic import BaseModel, Field


    class Applicant(BaseModel):
        name: str
        age: int = Field(default=None, ge=18)
    """
    dont_fixed = """
    from pydantic import BaseModel, Field


    class Applicant(BaseModel):
        name: str
        age: int | None = Field(default=None, ge=18)
    """
    do = """
    from pydantic import BaseModel, Field


    class Applicant(BaseModel):
        name: str
        age: int = Field(ge=18)
        referrer: str | None = Field(default=None, max_length=64)
    """
    extra_valid = (
        """
        from typing import Annotated, Any, Optional, Union
        from pydantic import BaseModel, Field

        class Filters(BaseModel):
            a: Optional[int] = Field(None, ge=0)
            b: Union[int, None] = Field(default=None)
            c: Annotated[int | None, "x"] = Field(default=None, le=9)
            d: Any = Field(default=None)
            e: "int | None" = Field(default=None)
        """,
        # An alias or type variable could include None: not judged.
        """
        from typing import TypeVar
        from pydantic import BaseModel, Field

        MaybeInt = int | None
        T = TypeVar("T")

        class Page(BaseModel):
            size: MaybeInt = Field(default=None, ge=1)
            item: T = Field(default=None)
        """,
        # Not a Pydantic model.
        """
        from dataclasses import dataclass, field
        from pydantic import Field

        @dataclass
        class Row:
            count: int = Field(default=None)
        """,
    )
    extra_invalid = (
        """
        from pydantic import BaseModel, Field

        class Query(BaseModel):
            limit: int = Field(None, ge=1, le=100)
        """,
        """
        from typing import List
        import pydantic

        class Order(pydantic.BaseModel):
            lines: List[str] = pydantic.Field(default=None, min_length=1)
        """,
    )

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        value = node.value
        if not isinstance(ctx.parent, ast.ClassDef) or not isinstance(value, ast.Call):
            return
        if ctx.resolve(value.func) not in _FIELDS or not isinstance(node.target, ast.Name):
            return
        default = value.args[0] if value.args else None
        for keyword in value.keywords:
            if keyword.arg == "default":
                default = keyword.value
        if not (isinstance(default, ast.Constant) and default.value is None):
            return
        if allows_none(node.annotation, ctx) is not False:
            return
        annotation = ctx.text(node.annotation)
        constraints = [k.arg for k in value.keywords if k.arg in _CONSTRAINTS]
        field = node.target.id
        why = f" (nor is `{constraints[0]}=` checked for it)" if constraints else ""
        shown = annotation if len(annotation) <= 30 else "T"
        message = (
            f"`{field}: {annotation}` has a `None` default from `Field(...)`, which its type "
            f"does not allow and Pydantic does not validate{why}: make it `{shown} | None`, "
            "or drop the default to make the field required"
        )
        fix = None
        if not isinstance(node.annotation, ast.Constant) and "\n" not in annotation:
            fix = ctx.fix(
                f"Annotate `{field}` as `{annotation} | None`",
                ctx.replace(node.annotation, f"{annotation} | None"),
                safe=False,
                note="the field then accepts an explicit null; drop the default if required",
            )
        self.defer(
            node,
            message,
            fix=fix,
            when=("pydantic-model", model_qualname(ctx, ctx.class_name or "")),
        )
