"""PYD105 pydantic-v1-validator: `@validator` / `@root_validator` from Pydantic v1."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import insert_line_before, remove_call_arguments
from fastaudit.model import Edit, Fix, Severity
from fastaudit.rules.pydantic._shared import PydanticRule

VALIDATORS = {
    "pydantic.validator": "validator",
    "pydantic.class_validators.validator": "validator",
    "pydantic.deprecated.class_validators.validator": "validator",
    "pydantic.root_validator": "root_validator",
    "pydantic.class_validators.root_validator": "root_validator",
    "pydantic.deprecated.class_validators.root_validator": "root_validator",
}


class V1Validator(PydanticRule):
    id = "PYD105"
    name = "pydantic-v1-validator"
    title = "`@validator` / `@root_validator` from Pydantic v1"
    severity = Severity.WARNING
    peers = ("bump-pydantic BP007",)
    fix_safety = (
        "Safe for `@validator(...)` on a `(cls, value)` function with no `each_item` or "
        "`always`: it becomes `@field_validator(...)` plus `@classmethod`, `pre=True` "
        'becomes `mode="before"` and `allow_reuse` is dropped. Unsafe for '
        "`@root_validator(pre=True)` on `(cls, values)`: a v2 before-validator also gets "
        "input that is not a dict (a model instance, an ORM object). Validators that use "
        "`values`, `field` or `config`, and after-root validators, are not fixed: their "
        "v2 form has a different signature."
    )
    rationale = """
    Pydantic v2 replaced `@validator` with `@field_validator` and `@root_validator` with
    `@model_validator`. The v1 decorators still work but are deprecated, and their
    options changed: `pre=True` is now `mode="before"`, `always=True` moved to
    `validate_default=True` on the field, `each_item=True` is gone, and other fields'
    values come from `info.data` instead of a `values` argument. An after-root
    validator in v2 receives the model instance, not a dict.
    """
    dont = """
    from pydantic import BaseModel, validator


    class SignupForm(BaseModel):
        username: str

        @validator("username", pre=True)
        def normalise_username(cls, value):
            return str(value).strip().lower()
    """
    dont_fixed = """
    from pydantic import BaseModel, field_validator


    class SignupForm(BaseModel):
        username: str

        @field_validator("username", mode="before")
        @classmethod
        def normalise_username(cls, value):
            return str(value).strip().lower()
    """
    extra_valid = (
        # A validator decorator from another library.
        """
        from attrs import define, field, validators

        def validator(*names):
            return lambda f: f

        class Form:
            @validator("name")
            def check(cls, value):
                return value
        """,
        # The v1 compatibility layer.
        """
        from pydantic.v1 import BaseModel, validator

        class Legacy(BaseModel):
            name: str

            @validator("name")
            def check(cls, value):
                return value
        """,
    )
    extra_invalid = (
        """
        import pydantic

        class Window(pydantic.BaseModel):
            width: int
            height: int

            @pydantic.root_validator(skip_on_failure=True)
            def check_ratio(cls, values):
                return values
        """,
        """
        from pydantic import BaseModel, validator as check

        class Tags(BaseModel):
            tags: list[str]

            @check("tags", each_item=True)
            def strip(cls, tag):
                return tag.strip()
        """,
    )

    # The validators it looks for resolve to ``pydantic.*`` names: imported from pydantic.
    needs_text = ("pydantic",)

    def __init__(self) -> None:
        super().__init__()
        self._names: set[str] = set()  # local names imported for the v1 decorators
        self._uses: dict[str, int] = {}
        self._found: list[tuple[ast.expr, ast.FunctionDef | ast.AsyncFunctionDef, str]] = []

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        super().visit_ImportFrom(node, ctx)
        if node.module and not node.level and node.module.startswith("pydantic"):
            self._names.update(
                alias.asname or alias.name
                for alias in node.names
                if alias.name in ("validator", "root_validator")
            )

    def visit_Name(self, node: ast.Name, ctx: FileContext) -> None:
        if node.id in self._names and ctx.resolve(node) in VALIDATORS:
            self._uses[node.id] = self._uses.get(node.id, 0) + 1

    def visit_FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
    ) -> None:
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            kind = VALIDATORS.get(ctx.resolve(func) or "")
            if kind is not None:
                self._found.append((decorator, node, kind))

    visit_AsyncFunctionDef = visit_FunctionDef

    def finish(self, ctx: FileContext) -> None:
        for decorator, function, kind in self._found:
            if kind == "validator":
                message, fix = self._field_validator(decorator, function, ctx)
            else:
                message, fix = self._model_validator(decorator, function, ctx)
            self.defer(decorator, message, fix=fix)
        super().finish(ctx)

    # -- @validator
    def _field_validator(
        self,
        decorator: ast.expr,
        function: ast.FunctionDef | ast.AsyncFunctionDef,
        ctx: FileContext,
    ) -> tuple[str, Fix | None]:
        base = (
            "`@validator` is deprecated in Pydantic v2: use `@field_validator` with `@classmethod`"
        )
        if not isinstance(decorator, ast.Call):
            return base, None
        options = {k.arg: k for k in decorator.keywords if k.arg}
        if "always" in options:
            return (
                "`@validator(..., always=True)` is Pydantic v1 API: use `@field_validator` and "
                "set `validate_default=True` on the field",
                None,
            )
        if "each_item" in options:
            return (
                "`@validator(..., each_item=True)` is Pydantic v1 API: v2 has no `each_item`; "
                "validate the item type instead (`list[Annotated[T, AfterValidator(...)]]`)",
                None,
            )
        pre = options.get("pre")
        if pre is not None and not (isinstance(pre.value, ast.Constant) and not pre.value.value):
            base = (
                "`@validator(..., pre=True)` is deprecated in Pydantic v2: use "
                '`@field_validator(..., mode="before")` with `@classmethod`'
            )
        problem = _signature_problem(function, "value")
        if problem:
            return f"{base} ({problem})", None
        unknown = set(options) - {"pre", "allow_reuse", "check_fields"}
        if unknown or any(k.arg is None for k in decorator.keywords):
            return base, None
        edits: list[Edit | None] = []
        dropped: list[ast.keyword] = []
        if pre is not None:
            if not (isinstance(pre.value, ast.Constant) and isinstance(pre.value.value, bool)):
                return base, None
            if pre.value.value:
                edits.append(ctx.replace(pre, 'mode="before"'))
            else:
                dropped.append(pre)
        if "allow_reuse" in options:
            dropped.append(options["allow_reuse"])
        removals = remove_call_arguments(ctx, decorator, dropped)
        if removals is None:
            return base, None
        edits.extend(removals)
        fix = self._rewrite(decorator, function, "field_validator", edits, ctx, safe=True)
        return base, fix

    # -- @root_validator
    def _model_validator(
        self,
        decorator: ast.expr,
        function: ast.FunctionDef | ast.AsyncFunctionDef,
        ctx: FileContext,
    ) -> tuple[str, Fix | None]:
        options = (
            {k.arg: k for k in decorator.keywords if k.arg}
            if isinstance(decorator, ast.Call)
            else {}
        )
        pre = options.get("pre")
        is_pre = pre is not None and isinstance(pre.value, ast.Constant) and pre.value.value is True
        if not is_pre:
            message = (
                "`@root_validator` is deprecated in Pydantic v2: use "
                '`@model_validator(mode="after")`, which receives the model instance '
                "(`self`) rather than a dict of values"
            )
            skip = options.get("skip_on_failure")
            if not (
                skip is not None
                and isinstance(skip.value, ast.Constant)
                and skip.value.value is True
            ):
                message += "; v2 refuses this one outright without `skip_on_failure=True`"
            return message, None
        message = (
            "`@root_validator(pre=True)` is deprecated in Pydantic v2: use "
            '`@model_validator(mode="before")` with `@classmethod`'
        )
        # ``is_pre`` holds: ``pre`` is a keyword of the decorator call.
        assert isinstance(decorator, ast.Call)
        assert pre is not None
        problem = _signature_problem(function, "data")
        if problem or set(options) - {"pre", "allow_reuse", "skip_on_failure"}:
            return message + (f" ({problem})" if problem else ""), None
        if any(k.arg is None for k in decorator.keywords) or decorator.args:
            return message, None
        edits: list[Edit | None] = [ctx.replace(pre, 'mode="before"')]
        dropped = [options[name] for name in ("allow_reuse", "skip_on_failure") if name in options]
        removals = remove_call_arguments(ctx, decorator, dropped)
        if removals is None:
            return message, None
        edits.extend(removals)
        fix = self._rewrite(decorator, function, "model_validator", edits, ctx, safe=False)
        return message, fix

    def _rewrite(
        self,
        decorator: ast.Call,
        function: ast.FunctionDef | ast.AsyncFunctionDef,
        new: str,
        edits: list[Edit | None],
        ctx: FileContext,
        *,
        safe: bool,
    ) -> Fix | None:
        decorators = [ctx.resolve(d) for d in function.decorator_list]
        if "builtins.staticmethod" in decorators:
            return None
        func = decorator.func
        if isinstance(func, ast.Attribute):
            edits.append(ctx.replace(func, f"{ctx.text(func.value)}.{new}"))
        elif isinstance(func, ast.Name):
            alias = self._sole_import(func, ctx)
            if alias is not None and not ctx.lookup(new)[0]:
                edits.append(ctx.replace(alias, new))
                edits.append(ctx.replace(func, new))
            else:
                name, import_edit = self.import_name(ctx, "pydantic", new)
                edits.append(ctx.replace(func, name))
                edits.append(import_edit)
        else:
            return None
        if "builtins.classmethod" not in decorators:
            decorate = insert_line_before(ctx, function, "@classmethod")
            if decorate is None:
                return None
            edits.append(decorate)
        note = "" if safe else "a v2 before-validator may also receive non-dict input"
        return ctx.fix(f"Use `@{new}`", *edits, safe=safe, note=note)

    def _sole_import(self, func: ast.Name, ctx: FileContext) -> ast.alias | None:
        """The ``validator`` alias of a module-level ``from pydantic import``, when this
        decorator is the only use of the name (so the import can be renamed in place)."""
        if self._uses.get(func.id, 0) != 1:
            return None
        for stmt in self._from_imports:
            if stmt.module != "pydantic":
                continue
            for alias in stmt.names:
                if alias.asname is None and alias.name == func.id:
                    return alias
        return None


def _signature_problem(function: ast.FunctionDef | ast.AsyncFunctionDef, second: str) -> str:
    """Why ``function`` is not a plain ``(cls, value)`` validator, or ''."""
    args = function.args
    params = [*args.posonlyargs, *args.args]
    names = [p.arg for p in params]
    if "values" in names[2:] or (args.kwarg is not None) or args.kwonlyargs:
        if "values" in names[2:] or any(a.arg == "values" for a in args.kwonlyargs):
            return "it takes `values`: in v2 take `info: ValidationInfo` and read `info.data`"
        return "its signature takes extra arguments v2 does not pass"
    if len(params) != 2 or args.vararg is not None:
        return "its signature takes extra arguments v2 does not pass"
    if names[0] != "cls":
        return f"its first parameter is `{names[0]}`, not `cls`"
    return ""
