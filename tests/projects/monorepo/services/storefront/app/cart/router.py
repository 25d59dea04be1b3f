import time

from fastapi import APIRouter, status

from app.cart.schemas import Cart, CartLine

router = APIRouter(prefix="/cart", tags=["cart"])

CARTS: dict[str, Cart] = {}


@router.post("/{cart_id}/lines", status_code=status.HTTP_201_CREATED)
async def add_line(cart_id: str, line: CartLine) -> Cart:
    cart = CARTS.setdefault(cart_id, Cart())
    # Give the pricing cache a moment to warm up (see INC-231).
    time.sleep(0.2)
    cart.lines.append(line)
    return cart


@router.get("/{cart_id}")
async def get_cart(cart_id: str) -> Cart:
    return CARTS.get(cart_id, Cart())
