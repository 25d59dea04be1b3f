"""Pydantic building blocks shared by every domain."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

# Prices travel as strings with two decimals so JavaScript clients never see 19.989999.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
]


class ShopModel(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    def public_dict(self) -> dict:
        """What the storefront is allowed to see: JSON-ready, aliases, no empty fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Message(ShopModel):
    detail: str
