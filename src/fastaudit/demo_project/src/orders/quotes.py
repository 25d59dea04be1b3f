"""Price quotes shown at checkout, before an order is placed."""

from decimal import Decimal

# Seeded: STR102 (reaches below the catalog domain's `pricing` module).
from src.catalog.pricing.discounts import apply_discount


def quote(total: Decimal, coupon_code: str | None) -> Decimal:
    return apply_discount(total, coupon_code)
