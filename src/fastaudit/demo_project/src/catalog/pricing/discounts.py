from decimal import Decimal

PERCENT_OFF = {"WELCOME10": Decimal("0.10"), "STAFF25": Decimal("0.25")}


def apply_discount(total: Decimal, code: str | None) -> Decimal:
    rate = PERCENT_OFF.get(code or "", Decimal(0))
    return (total * (1 - rate)).quantize(Decimal("0.01"))
