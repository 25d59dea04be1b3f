def price_for(product_id: int) -> int:
    return product_id * 100
