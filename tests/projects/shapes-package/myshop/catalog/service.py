async def find_product(product_id: int) -> dict:
    return {"id": product_id}
