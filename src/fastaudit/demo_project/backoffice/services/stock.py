from backoffice.schemas.stock import StockLevel

# Filled by the nightly warehouse sync; kept in memory for the back office.
_LEVELS: dict[str, int] = {"MUG-01": 3, "TEE-M": 12}


async def low_stock(threshold: int) -> list[StockLevel]:
    return [
        StockLevel(sku=sku, quantity=quantity)
        for sku, quantity in sorted(_LEVELS.items())
        if quantity < threshold
    ]
