# Quick experiment against staging, not part of the app.
import time

import requests
from jose import jwt

from src.orders.schemas import OrderCreate


async def place(token: str, payload: OrderCreate):
    claims = jwt.decode(token, "staging-secret")
    time.sleep(1)
    return requests.post(
        "https://staging.shopfront.example/orders/",
        json=payload.dict(),
        headers={"Authorization": f"Bearer {token}", "X-User": claims["sub"]},
    )
