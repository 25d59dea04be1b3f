"""Pricing a basket before it becomes an order (shown on the checkout page)."""

from dataclasses import asdict, dataclass
from decimal import Decimal

from src.orders.config import orders_settings

SHIPPING_FEE = Decimal("4.90")


@dataclass(frozen=True)
class CartTotals:
    subtotal: Decimal
    shipping: Decimal
    discount: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping - self.discount

    def dict(self) -> dict[str, str]:
        values = asdict(self) | {"total": self.total}
        return {name: f"{amount:.2f}" for name, amount in values.items()}


def price_cart(subtotal: Decimal, discount: Decimal = Decimal(0)) -> CartTotals:
    free_shipping = subtotal - discount >= orders_settings.FREE_SHIPPING_OVER
    shipping = Decimal(0) if free_shipping else SHIPPING_FEE
    return CartTotals(subtotal=subtotal, shipping=shipping, discount=discount)
