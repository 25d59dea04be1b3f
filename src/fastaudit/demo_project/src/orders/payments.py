"""Talking to the payment provider.

Refunds still go through the provider's old REST endpoint with `requests` (their SDK
is sync only), so it runs in the threadpool; everything else uses httpx.
"""

from decimal import Decimal

import httpx
import requests
from fastapi.concurrency import run_in_threadpool

from src.orders.config import orders_settings

_HEADERS = {"Authorization": f"Bearer {orders_settings.PAYMENT_API_KEY}"}


async def create_payment_intent(order_id: int, amount: Decimal) -> dict:
    async with httpx.AsyncClient(base_url=orders_settings.PAYMENT_API_URL, timeout=10) as client:
        response = await client.post(
            "/intents",
            headers=_HEADERS,
            json={"reference": f"order-{order_id}", "amount": str(amount), "currency": "EUR"},
        )
    response.raise_for_status()
    return response.json()


async def refund(payment_reference: str) -> dict:
    response = await run_in_threadpool(
        requests.post,
        f"{orders_settings.PAYMENT_API_URL}/legacy/refunds",
        headers=_HEADERS,
        json={"payment": payment_reference},
        timeout=20,
    )
    response.raise_for_status()
    return response.json()
