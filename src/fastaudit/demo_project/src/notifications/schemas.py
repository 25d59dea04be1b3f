from datetime import datetime

from pydantic import BaseModel, EmailStr, Field


class EmailMessage(BaseModel):
    to: EmailStr
    subject: str = Field(max_length=200)
    text: str
    template: str | None = None


class OrderEvent(BaseModel):
    """Published to the `orders` topic for the warehouse and analytics consumers."""

    kind: str
    order_id: int
    total: str | None = None
    occurred_at: datetime
