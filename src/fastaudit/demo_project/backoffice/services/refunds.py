from decimal import Decimal

from backoffice.schemas.refunds import RefundSummary

_PENDING: list[RefundSummary] = [
    RefundSummary(order_id=1042, amount=Decimal("19.90"), reason="arrived damaged"),
]


async def pending_refunds() -> list[RefundSummary]:
    return list(_PENDING)
