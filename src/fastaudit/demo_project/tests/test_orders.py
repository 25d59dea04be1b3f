from unittest.mock import AsyncMock, MagicMock

import pytest
from async_asgi_testclient import TestClient

from src.database import get_session
from src.main import app
from src.orders.cart import price_cart


@pytest.fixture
def fake_session():
    session = MagicMock()
    session.get = AsyncMock(return_value=None)
    app.dependency_overrides[get_session] = lambda: session
    yield session
    app.dependency_overrides.pop(get_session, None)


async def test_unknown_order_is_404(as_customer, fake_session) -> None:
    async with TestClient(app) as client:
        response = await client.get("/orders/12345")
    assert response.status_code == 404
    assert response.json() == {"detail": "Order not found"}


async def test_webhook_rejects_unsigned_callbacks() -> None:
    async with TestClient(app) as client:
        response = await client.post("/webhooks/payments", data=b"not-a-jwt")
    assert response.status_code == 400


def test_free_shipping_threshold() -> None:
    from decimal import Decimal

    totals = price_cart(Decimal("60.00"))
    assert totals.dict() == {
        "subtotal": "60.00",
        "shipping": "0.00",
        "discount": "0.00",
        "total": "60.00",
    }
