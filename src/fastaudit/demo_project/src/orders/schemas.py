from datetime import datetime
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, Field, root_validator


class OrderStatus(str, Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class OrderLineIn(BaseModel):
    product_id: int
    quantity: int = Field(ge=1, le=100)


class OrderCreate(BaseModel):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)
    shipping_address_id: int
    coupon_code: str | None = None

    @root_validator(skip_on_failure=True)
    def one_line_per_product(cls, values):
        product_ids = [line.product_id for line in values.get("lines", [])]
        if len(product_ids) != len(set(product_ids)):
            raise ValueError("each product may appear only once; raise its quantity instead")
        return values


class OrderLineOut(BaseModel):
    product_id: int
    quantity: int
    unit_price: Decimal

    class Config:
        orm_mode = True


class OrderOut(BaseModel):
    id: int
    status: OrderStatus
    total: Decimal
    placed: datetime
    lines: list[OrderLineOut]

    class Config:
        orm_mode = True
        json_encoders = {Decimal: lambda value: f"{value:.2f}"}


class PaymentEvent(BaseModel):
    """The claims of a payment provider callback token."""

    type: str
    order_id: int
    reference: str
    amount: Decimal
