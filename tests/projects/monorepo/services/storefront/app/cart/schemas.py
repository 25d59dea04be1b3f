from decimal import Decimal

from pydantic import BaseModel, Field


class CartLine(BaseModel):
    sku: str
    quantity: int = Field(ge=1, le=99)
    unit_price: Decimal


class Cart(BaseModel):
    lines: list[CartLine] = []

    @property
    def total(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))
