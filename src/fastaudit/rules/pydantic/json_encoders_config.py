"""PYD104 json-encoders-config: `json_encoders` in model configuration."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Severity
from fastaudit.rules.pydantic._shared import (
    CONFIG_DICTS,
    PydanticRule,
    config_call_keywords,
    config_sites,
)


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

    calls = CallFilter.of(callees=CONFIG_DICTS)

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
