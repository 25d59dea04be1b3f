"""PYD102 class-based-model-config: Inner `class Config` on a Pydantic model."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import line_prefix, rest_of_line
from fastaudit.model import Edit, Fix, Severity
from fastaudit.rules.pydantic._shared import PydanticRule, _assigned_name, class_config_entries

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
    peers = ("bump-pydantic BP002",)
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
            for comments, key, value_text, trailing in items:
                lines.extend(inner + comment for comment in comments)
                lines.append(f"{inner}{key}={value_text}," + (f"  {trailing}" if trailing else ""))
            lines.append(f"{outer})")
            text = newline.join(lines)
        start = ctx.offsets(config)[0]
        description = f"Replace `class Config` with `model_config = {builder}(...)`"
        return (
            ctx.fix(description, Edit(start, last_end, text), import_edit, safe=safe, note=note),
            "",
        )
