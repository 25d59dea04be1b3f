import os

from fastapi import APIRouter

from ..catalog.service import find_product
from myshop.config import get_settings

router = APIRouter(prefix="/cart")
DEBUG = os.environ.get("CART_DEBUG") == "1"


@router.post("/{product_id}")
async def add(product_id: int) -> dict:
    product = await find_product(product_id)
    return {"product": product, "ttl": get_settings().CART_TTL, "debug": DEBUG}
