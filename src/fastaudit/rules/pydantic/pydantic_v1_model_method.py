"""PYD101 pydantic-v1-model-method: Pydantic v1 method called on a model."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FILE_DONE, CallFilter, FileContext, Visited
from fastaudit.engine.edit_builders import add_call_argument, rename_attribute
from fastaudit.engine.walk import walk
from fastaudit.model import Fix, Severity
from fastaudit.rules.pydantic._shared import PydanticRule
from fastaudit.rules.pydantic._version_guard import may_guard_versions, v1_only_parts

# v1 method -> (v2 name, or None when there is no drop-in one; called on instances
# rather than on the class; keyword arguments that keep their meaning in v2)
_METHODS: dict[str, tuple[str | None, bool, frozenset[str]]] = {
    "dict": (
        "model_dump",
        True,
        frozenset(
            {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
        ),
    ),
    "json": (
        "model_dump_json",
        True,
        frozenset(
            {
                "include",
                "exclude",
                "by_alias",
                "exclude_unset",
                "exclude_defaults",
                "exclude_none",
                "indent",
            }
        ),
    ),
    "copy": ("model_copy", True, frozenset({"update", "deep"})),
    "parse_obj": ("model_validate", False, frozenset()),
    "parse_raw": ("model_validate_json", False, frozenset()),
    "from_orm": ("model_validate", False, frozenset()),
    "construct": ("model_construct", False, frozenset()),
    "parse_file": (None, False, frozenset()),
    "schema": (None, False, frozenset()),
    "schema_json": (None, False, frozenset()),
    "update_forward_refs": (None, False, frozenset()),
}
# Advice for the methods without a drop-in replacement; {0} is the receiver.
_ADVICE = {
    "parse_file": "read the file yourself and pass its text to `{0}.model_validate_json()`",
    "schema": "use `{0}.model_json_schema()` (v2 schemas put definitions under `$defs`)",
    "schema_json": "use `json.dumps({0}.model_json_schema())`",
    "update_forward_refs": "use `{0}.model_rebuild()`",
}
# Why a v1 keyword argument blocks the fix.
_ARGUMENT_ADVICE = {
    "skip_defaults": "`skip_defaults=` is spelled `exclude_unset=` in v2",
    "encoder": "`encoder=` has no v2 counterpart; use `@field_serializer`",
    "models_as_dict": "`models_as_dict=` has no v2 counterpart",
    "include": "`model_copy()` has no `include=`",
    "exclude": "`model_copy()` has no `exclude=`",
}
# Calls on a model class that hand back an instance of it.
_MAKES_INSTANCE = (
    ".parse_obj()",
    ".parse_raw()",
    ".from_orm()",
    ".construct()",
    ".model_validate()",
    ".model_validate_json()",
    ".model_construct()",
)


# Calls on a model instance that hand back an instance of the same model.
_COPIES = (".copy()", ".model_copy()")


def receiver_model(value: str | None) -> tuple[str, bool] | None:
    """``(class qualname, is_instance)`` for a resolved receiver that may be a model."""
    if not value:
        return None
    while value.endswith(_COPIES) and value.count("()") > 1:
        value = value[: value.rindex(".")]
    for suffix in _MAKES_INSTANCE:
        if value.endswith(suffix):
            owner = value[: -len(suffix)]
            return (owner, True) if owner and "()" not in owner else None
    instance = value.endswith("()")
    owner = value[:-2] if instance else value
    if not owner or "()" in owner:
        return None
    return owner, instance


class V1ModelMethod(PydanticRule):
    id = "PYD101"
    name = "pydantic-v1-model-method"
    title = "Pydantic v1 method called on a model"
    severity = Severity.WARNING
    fix_safety = (
        "Safe for `.dict()`, `.parse_obj()`, `.parse_raw()`, `.from_orm()`, `.copy()` and "
        "`.construct()` when every argument keeps its meaning in v2. Unsafe for `.json()`: "
        "`model_dump_json()` writes compact JSON and leaves non-ASCII characters unescaped, "
        "so the text differs even though the JSON value is the same. Not fixed when an "
        "argument has no v2 counterpart (`skip_defaults`, `encoder`, `models_as_dict`, "
        "`content_type`, `include`/`exclude` on `copy`...). Neither reported nor fixed in "
        "the v1 branch of a Pydantic version check, where code that supports both majors "
        "keeps the v1 API on purpose (`if is_v2_model(m): ... else: m.json()`, "
        '`if PYDANTIC_V2:`, `if hasattr(m, "model_dump"):`, '
        '`if pydantic.VERSION.startswith("1."):`, and what follows such an `if` whose '
        "v2 branch returns)."
    )
    rationale = """
    Pydantic v2 renamed the model API into a `model_` namespace: `.dict()` is
    `.model_dump()`, `.json()` is `.model_dump_json()`, `.parse_obj()` is
    `.model_validate()`, `.copy()` is `.model_copy()`. The old names still run, but
    through a compatibility shim that warns on every call and is slated for removal.
    Only calls on Pydantic models are reported, so `response.json()` on an HTTP
    response or `.dict()` on a class of your own is left alone.
    """
    dont = """
    from pydantic import BaseModel


    class Invoice(BaseModel):
        number: str
        note: str | None = None


    def invoice_payload(invoice: Invoice) -> dict:
        return invoice.dict(exclude_none=True)
    """
    dont_fixed = """
    from pydantic import BaseModel


    class Invoice(BaseModel):
        number: str
        note: str | None = None


    def invoice_payload(invoice: Invoice) -> dict:
        return invoice.model_dump(exclude_none=True)
    """
    extra_valid = (
        # An HTTP response's .json() is not Pydantic.
        """
        import httpx

        def fetch(url: str) -> dict:
            response = httpx.get(url)
            return response.json()
        """,
        # A class of the project's own with a dict() method, and the dict builtin.
        """
        from dataclasses import dataclass

        @dataclass
        class Point:
            x: int
            def dict(self):
                return {"x": self.x}

        def dump(point: Point, pairs):
            return point.dict(), dict(pairs)
        """,
        # Models on the v1 compatibility layer keep the v1 API on purpose.
        """
        from pydantic.v1 import BaseModel

        class Legacy(BaseModel):
            x: int

        def dump(item: Legacy):
            return item.dict()
        """,
        # Both majors supported on purpose: the v1 branch of a version check.
        """
        import pydantic
        from pydantic import BaseModel

        PYDANTIC_V2 = pydantic.VERSION.startswith("2.")

        def to_text(item: BaseModel) -> str:
            if PYDANTIC_V2:
                return item.model_dump_json()
            return item.json()
        """,
        # The v2 API, and text that only mentions the old one.
        """
        from pydantic import BaseModel

        class Item(BaseModel):
            name: str

        def dump(item: Item):
            # item.dict() was the v1 way
            return item.model_dump(), "item.json()"
        """,
    )
    extra_invalid = (
        """
        from pydantic import BaseModel

        class Item(BaseModel):
            name: str

        def load(raw: bytes) -> Item:
            return Item.parse_raw(raw)
        """,
        """
        from pydantic import BaseModel

        class Item(BaseModel):
            name: str

            def as_json(self) -> str:
                return self.json(indent=2)
        """,
        """
        import pydantic

        def dump(model: pydantic.BaseModel):
            return model.copy(update={"name": "x"})
        """,
        """
        from pydantic import BaseModel

        class Item(BaseModel):
            name: str

        def rename(data: dict) -> dict:
            item = Item.parse_obj(data)
            return item.dict()
        """,
    )

    calls = CallFilter.of(attrs=_METHODS)

    def __init__(self) -> None:
        super().__init__()
        self._v1_path: set[int] = set()  # ids of the calls on a Pydantic v1 code path

    def visit_If(self, node: ast.If | ast.IfExp, ctx: FileContext) -> Visited | None:
        # Visited before what it holds, so the calls are known before they are visited.
        if not may_guard_versions(ctx):
            return FILE_DONE  # no test here can name Pydantic's version
        for part in v1_only_parts(node, ctx):
            self._v1_path.update(id(n) for n in walk(part) if isinstance(n, ast.Call))
        return None

    visit_IfExp = visit_If

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
            return
        if id(node) in self._v1_path:
            return  # the v1 branch of a version check: v1 API on purpose
        new, on_instance, kept = _METHODS[func.attr]
        found = receiver_model(ctx.resolve(func.value))
        if found is None:
            return
        owner, is_instance = found
        if on_instance and not is_instance:
            return
        receiver = ctx.text(func.value)
        shown = receiver if len(receiver) <= 40 and "\n" not in receiver else ""
        args = "(...)" if node.args or node.keywords else "()"
        old_call = f"`{shown}.{func.attr}{args}`"
        if new is None:
            advice = _ADVICE[func.attr].format(shown or owner.rpartition(".")[2])
            message = f"{old_call} is Pydantic v1 API: {advice}"
            fix = None
        else:
            suggested = (
                f"{shown}.model_validate(..., from_attributes=True)"
                if func.attr == "from_orm"
                else f"{shown}.{new}{args}"
            )
            message = f"{old_call} is Pydantic v1 API: use `{suggested}`"
            fix, why_not = self._fix(node, func, new, kept, ctx)
            if why_not:
                message += f" (not fixed automatically: {why_not})"
        self.defer(node, message, fix=fix, when=("pydantic-model", owner))

    @staticmethod
    def _fix(
        node: ast.Call, func: ast.Attribute, new: str, kept: frozenset[str], ctx: FileContext
    ) -> tuple[Fix | None, str]:
        method = func.attr
        edits = [rename_attribute(ctx, func, new)]
        safe = True
        note = ""
        if method in ("parse_obj", "parse_raw", "from_orm"):
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                return None, f"v2's `{new}()` takes the data alone; move the other arguments"
            if method == "from_orm":
                edits.append(add_call_argument(ctx, node, "from_attributes=True"))
        elif method != "construct":
            if node.args:
                return None, "v1 took no positional arguments here"
            for keyword in node.keywords:
                if keyword.arg is None:
                    safe = False
                    note = "`**` arguments are passed on unchecked"
                elif keyword.arg not in kept:
                    return None, _ARGUMENT_ADVICE.get(
                        keyword.arg, f"`{keyword.arg}=` has no v2 counterpart"
                    )
        if method == "json":
            safe = False
            note = "v2 writes compact JSON and does not escape non-ASCII characters"
        return ctx.fix(f"Use `.{new}()`", *edits, safe=safe, note=note), ""
