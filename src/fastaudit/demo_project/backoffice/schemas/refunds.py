from decimal import Decimal

from pydantic import BaseModel


class RefundSummary(BaseModel):
    order_id: int
    amount: Decimal
    reason: str | None = None
