"""PYD: Pydantic v1 leftovers in code that runs on Pydantic v2.

Pydantic v2 keeps much of the v1 API working with deprecation warnings, ignores renamed
configuration keys, and moved ``BaseSettings`` out to ``pydantic-settings``. These rules
point at each leftover; their fixes write the v2 spelling, so they assume the project
runs Pydantic v2.

Methods and configuration only count on Pydantic models, which may be declared in
another file: such findings are filed on condition (``when=("pydantic-model", ...)``)
and kept once the whole project has been indexed. A file that imports the
``pydantic.v1`` compatibility layer is deliberately on v1, and is left alone by the
model rules.
"""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import (
    add_call_argument,
    add_import,
    insert_line_before,
    line_prefix,
    remove_call_arguments,
    remove_import_name,
    rename_attribute,
    rename_keyword,
    rest_of_line,
    statement_separator,
)
from fastaudit.model import Edit, Fix, Severity
from fastaudit.rules.base import Rule

# ------------------------------------------------------------------------ shared facts
CONFIG_DICTS = {
    "pydantic.ConfigDict": "ConfigDict",
    "pydantic.config.ConfigDict": "ConfigDict",
    "pydantic_settings.SettingsConfigDict": "SettingsConfigDict",
    "pydantic_settings.main.SettingsConfigDict": "SettingsConfigDict",
}
SETTINGS_BASES = frozenset(
    {
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
    }
)
# v1 configuration keys v2 renamed (v2 warns and ignores the old names).
RENAMED_KEYS = {
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "keep_untouched": "ignored_types",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "orm_mode": "from_attributes",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}
# v1 configuration keys v2 dropped without a same-meaning replacement.
REMOVED_KEYS = frozenset(
    {
        "fields",
        "error_msg_templates",
        "getter_dict",
        "smart_union",
        "underscore_attrs_are_private",
        "json_loads",
        "json_dumps",
        "copy_on_model_validation",
        "post_init_call",
    }
)
MODEL_KEYS = frozenset(
    [
        "title",
        "model_title_generator",
        "field_title_generator",
        "str_to_lower",
        "str_to_upper",
        "str_strip_whitespace",
        "str_min_length",
        "str_max_length",
        "extra",
        "frozen",
        "populate_by_name",
        "use_enum_values",
        "validate_assignment",
        "arbitrary_types_allowed",
        "from_attributes",
        "loc_by_alias",
        "alias_generator",
        "ignored_types",
        "allow_inf_nan",
        "json_schema_extra",
        "json_encoders",
        "strict",
        "revalidate_instances",
        "ser_json_timedelta",
        "ser_json_bytes",
        "ser_json_inf_nan",
        "val_json_bytes",
        "validate_default",
        "validate_return",
        "protected_namespaces",
        "hide_input_in_errors",
        "defer_build",
        "plugin_settings",
        "json_schema_serialization_defaults_required",
        "json_schema_mode_override",
        "coerce_numbers_to_str",
        "regex_engine",
        "validation_error_cause",
        "use_attribute_docstrings",
        "cache_strings",
        "validate_by_alias",
        "validate_by_name",
        "serialize_by_alias",
    ]
)
SETTINGS_KEYS = frozenset(
    [
        "case_sensitive",
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_ignore_empty",
        "env_nested_delimiter",
        "env_parse_none_str",
        "env_parse_enums",
        "secrets_dir",
    ]
)
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
    keywords = [k for k in node.keywords if k.arg and k.arg != "metaclass"]
    names = [k.arg for k in keywords]
    sites.extend((k.arg, k, names) for k in keywords)  # type: ignore[misc]
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
    entries = []
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
        self._pending: list[tuple] = []
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


# ------------------------------------------------------------------------ PYD101
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
        "`content_type`, `include`/`exclude` on `copy`...)."
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
    do = """
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

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
            return
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


# ------------------------------------------------------------------------ PYD102
def _is_settings_class(node: ast.ClassDef, ctx: FileContext, local_settings: set[str]) -> bool:
    for base in node.bases:
        value = ctx.resolve(base)
        if value in SETTINGS_BASES:
            return True
        if isinstance(base, ast.Name) and base.id in local_settings:
            return True
    return False


class ClassBasedConfig(PydanticRule):
    id = "PYD102"
    name = "class-based-model-config"
    title = "Inner `class Config` on a Pydantic model"
    severity = Severity.WARNING
    fix_safety = (
        "Safe: the same settings move to `model_config = ConfigDict(...)` "
        "(`SettingsConfigDict` for settings classes), v1 key names renamed to their v2 "
        "names, comments kept. Not fixed when the class holds methods, keys v2 dropped "
        "(`fields`, `smart_union`...) or names that are not Pydantic settings; unsafe when "
        "`allow_mutation=False` becomes `frozen=True` (which also makes instances hashable). "
        "Code that reads `Model.Config` itself must be updated by hand."
    )
    rationale = """
    Pydantic v2 reads model configuration from a `model_config` dictionary, built with
    `ConfigDict(...)` (or `SettingsConfigDict(...)` for settings). An inner
    `class Config` is still accepted with a deprecation warning, but under the v1 key
    names v2 renamed (`orm_mode`, `allow_population_by_field_name`, `schema_extra`...)
    the setting is silently ignored. `ConfigDict` lists every key it accepts, so
    editors and type checkers catch misspellings too.
    """
    dont = """
    from pydantic import BaseModel


    class InvoiceOut(BaseModel):
        number: str
        total_cents: int

        class Config:
            orm_mode = True
            anystr_strip_whitespace = True
    """
    dont_fixed = """
    from pydantic import BaseModel, ConfigDict


    class InvoiceOut(BaseModel):
        number: str
        total_cents: int

        model_config = ConfigDict(from_attributes=True, str_strip_whitespace=True)
    """
    do = """
    from pydantic import BaseModel, ConfigDict


    class InvoiceOut(BaseModel):
        model_config = ConfigDict(from_attributes=True, str_strip_whitespace=True)

        number: str
        total_cents: int
    """
    extra_valid = (
        # A Config class in something that is not a Pydantic model.
        """
        class Job:
            class Config:
                retries = 3
        """,
        # The v1 compatibility layer is v1 on purpose.
        """
        from pydantic.v1 import BaseModel

        class Legacy(BaseModel):
            class Config:
                orm_mode = True
        """,
    )
    extra_invalid = (
        """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            database_url: str

            class Config:
                env_file = ".env"
        """,
        """
        import pydantic

        class Base(pydantic.BaseModel):
            pass

        class Child(Base):
            class Config:
                extra = "forbid"
        """,
    )

    def __init__(self) -> None:
        super().__init__()
        self._settings: set[str] = set()  # classes of this file known to be settings

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        settings = _is_settings_class(node, ctx, self._settings)
        if settings:
            self._settings.add(node.name)
        condition = self.model_condition(node, ctx)
        if condition is None:
            return
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                # A settings class whose base lives in another file still shows itself
                # through its keys.
                keys = {name for name, _, _ in class_config_entries(stmt)}
                is_settings = settings or bool(keys & SETTINGS_KEYS)
                fix, why_not = self._fix(node, stmt, is_settings, ctx)
                builder = "SettingsConfigDict" if is_settings else "ConfigDict"
                message = (
                    f"`class Config` in `{node.name}` is Pydantic v1 style: "
                    f"use `model_config = {builder}(...)`"
                )
                if why_not:
                    message += f" (not fixed automatically: {why_not})"
                self.defer(stmt, message, fix=fix, when=condition)

    def _fix(
        self, model: ast.ClassDef, config: ast.ClassDef, settings: bool, ctx: FileContext
    ) -> tuple[Fix | None, str]:
        if config.bases or config.keywords or config.decorator_list:
            return None, "`class Config` inherits or is decorated"
        for stmt in model.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and (
                _assigned_name(stmt) == "model_config"
            ):
                return None, "the class also sets `model_config`"
        source = ctx.source
        items: list[tuple[list[str], str, str, str]] = []  # (comments, key, value, trailing)
        safe = True
        note = ""
        previous_line = config.lineno
        header, _ = rest_of_line(ctx, ctx.offsets(config)[0])
        header_comment = ""
        if "#" in header and config.body[0].lineno > config.lineno:
            header_comment = header[header.find("#") :].strip()
        last_end = ctx.offsets(config)[1]
        seen: set[str] = set()
        for stmt in config.body:
            comments = [
                source.line_text(number).strip()
                for number in range(previous_line + 1, stmt.lineno)
                if source.line_text(number).strip().startswith("#")
            ]
            previous_line = stmt.end_lineno or stmt.lineno
            if isinstance(stmt, ast.Pass):
                if comments:
                    return None, "it holds comments next to `pass`"
                continue
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return None, f"it defines `{stmt.name}()`, which has no `ConfigDict` form"
            if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                return None, "it holds more than plain assignments"
            key = _assigned_name(stmt)
            if key is None or stmt.value is None:
                return None, "it holds more than plain assignments"
            value = stmt.value
            if key in REMOVED_KEYS:
                return None, f"`{key}` has no Pydantic v2 equivalent"
            new_key = RENAMED_KEYS.get(key, key)
            value_text = ctx.text(value)
            if key == "allow_mutation":
                if not (isinstance(value, ast.Constant) and isinstance(value.value, bool)):
                    return None, "`allow_mutation` is not a plain True/False"
                new_key, value_text = "frozen", str(not value.value)
                if value.value is False:
                    safe = False
                    note = "`frozen=True` also makes instances hashable"
            if new_key not in MODEL_KEYS and new_key not in SETTINGS_KEYS:
                return None, f"`{key}` is not a Pydantic setting (code may read it from `Config`)"
            if new_key in seen:
                return None, f"`{new_key}` is set twice"
            seen.add(new_key)
            stmt_end = ctx.offsets(stmt)[1]
            rest, line_end = rest_of_line(ctx, stmt_end)
            trailing = rest.strip() if rest.strip().startswith("#") else ""
            if trailing:
                last_end = max(last_end, line_end)
            items.append((comments, new_key, value_text, trailing))
        module = "pydantic_settings" if settings else "pydantic"
        builder, import_edit = self.import_name(
            ctx, module, "SettingsConfigDict" if settings else "ConfigDict"
        )
        outer = line_prefix(ctx, config)
        inner = next(
            (line_prefix(ctx, s) for s in config.body if s.lineno > config.lineno), outer + "    "
        )
        if inner.strip():
            inner = outer + "    "
        newline = source.newline
        arguments = [f"{key}={value}" for _, key, value, _ in items]
        one_line = f"model_config = {builder}({', '.join(arguments)})"
        has_comments = header_comment or any(c or t for c, _, _, t in items)
        if not has_comments and "\n" not in one_line and len(outer) + len(one_line) <= 88:
            text = one_line
        else:
            lines = [f"model_config = {builder}("]
            if header_comment:
                lines.append(inner + header_comment)
            for comments, key, value, trailing in items:
                lines.extend(inner + comment for comment in comments)
                lines.append(f"{inner}{key}={value}," + (f"  {trailing}" if trailing else ""))
            lines.append(f"{outer})")
            text = newline.join(lines)
        start = ctx.offsets(config)[0]
        description = f"Replace `class Config` with `model_config = {builder}(...)`"
        return (
            ctx.fix(description, Edit(start, last_end, text), import_edit, safe=safe, note=note),
            "",
        )


# ------------------------------------------------------------------------ PYD103
class OrmModeConfig(PydanticRule):
    id = "PYD103"
    name = "orm-mode-config"
    title = "`orm_mode` instead of `from_attributes`"
    severity = Severity.WARNING
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
    do = """
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
        siblings = [k.arg for k in keywords]
        for keyword in keywords:
            if keyword.arg == self.key:
                fix = self.fix(keyword, siblings, ctx)  # type: ignore[arg-type]
                self.defer(keyword, self.message(siblings), fix=fix)  # type: ignore[arg-type]

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


# ------------------------------------------------------------------------ PYD104
class JsonEncodersConfig(PydanticRule):
    id = "PYD104"
    name = "json-encoders-config"
    title = "`json_encoders` in model configuration"
    severity = Severity.WARNING
    rationale = """
    `json_encoders` is a v1 mechanism that Pydantic v2 keeps only as a deprecated
    fallback: it applies to JSON output alone, is matched by type in a way that misses
    subclasses and generics, and does not show up in the JSON schema. In v2, say how a
    field is serialised with `@field_serializer`, or attach the rule to the type with
    `Annotated[T, PlainSerializer(...)]` so every model using the type agrees.
    """
    dont = """
    from datetime import datetime

    from pydantic import BaseModel, ConfigDict


    class AuditEntry(BaseModel):
        model_config = ConfigDict(json_encoders={datetime: lambda moment: moment.isoformat()})

        action: str
        at: datetime
    """
    do = """
    from datetime import datetime

    from pydantic import BaseModel, field_serializer


    class AuditEntry(BaseModel):
        action: str
        at: datetime

        @field_serializer("at", when_used="json")
        def serialize_at(self, moment: datetime) -> str:
            return moment.isoformat()
    """
    extra_valid = (
        # A JSON encoder for the standard library's json module.
        """
        import json

        json_encoders = {set: list}

        def dumps(data):
            return json.dumps(data, default=lambda value: json_encoders[type(value)](value))
        """,
        """
        from pydantic import BaseModel, PlainSerializer
        from typing import Annotated
        from decimal import Decimal

        Money = Annotated[Decimal, PlainSerializer(lambda d: str(d), when_used="json")]

        class Price(BaseModel):
            amount: Money
        """,
    )
    extra_invalid = (
        """
        from datetime import datetime
        from pydantic import BaseModel

        class AuditEntry(BaseModel):
            at: datetime

            class Config:
                json_encoders = {datetime: str}
        """,
        """
        from pydantic_settings import SettingsConfigDict

        config = SettingsConfigDict(env_prefix="APP_", json_encoders={bytes: bytes.hex})
        """,
    )

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        condition = self.model_condition(node, ctx)
        if condition is None:
            return
        for key, site, _ in config_sites(node):
            if key == "json_encoders":
                self.defer(site, self.message(node.name), when=condition)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        keywords = config_call_keywords(node, ctx, "json_encoders")
        for keyword in keywords or ():
            if keyword.arg == "json_encoders":
                self.defer(keyword, self.message(None))

    @staticmethod
    def message(model: str | None) -> str:
        where = f" in `{model}`" if model else ""
        return (
            f"`json_encoders`{where} is deprecated in Pydantic v2: serialise with "
            "`@field_serializer`, or `Annotated[T, PlainSerializer(...)]` on the type"
        )


# ------------------------------------------------------------------------ PYD105
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
    do = """
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

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            kind = VALIDATORS.get(ctx.resolve(func) or "")
            if kind is not None:
                self._found.append((decorator, node, kind))

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

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
        self, decorator: ast.expr, function: ast.FunctionDef, ctx: FileContext
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
        self, decorator: ast.expr, function: ast.FunctionDef, ctx: FileContext
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
        assert isinstance(decorator, ast.Call)
        problem = _signature_problem(function, "data")
        if problem or set(options) - {"pre", "allow_reuse", "skip_on_failure"}:
            return message + (f" ({problem})" if problem else ""), None
        if any(k.arg is None for k in decorator.keywords) or decorator.args:
            return message, None
        edits: list[Edit | None] = [ctx.replace(pre, 'mode="before"')]  # type: ignore[arg-type]
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
        function: ast.FunctionDef,
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


def _signature_problem(function: ast.FunctionDef, second: str) -> str:
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


# ------------------------------------------------------------------------ PYD106
class BaseSettingsFromPydantic(Rule):
    id = "PYD106"
    name = "base-settings-from-pydantic"
    title = "`BaseSettings` imported from `pydantic`"
    severity = Severity.ERROR
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
    do = """
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


# ------------------------------------------------------------------------ PYD107
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
