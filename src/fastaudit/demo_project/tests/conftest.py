import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from httpx import ASGITransport, AsyncClient

os.environ.setdefault("DATABASE_URL", "postgresql+asyncpg://shopfront:shopfront@localhost:5432/shopfront_test")
os.environ.setdefault("SECRET_KEY", "test-secret")
os.environ.setdefault("AUTH_SECRET_KEY", "test-auth-secret")
os.environ.setdefault("ORDERS_PAYMENT_WEBHOOK_SECRET", "test-webhook-secret")

from src.auth.dependencies import get_current_user, require_staff  # noqa: E402
from src.auth.models import User  # noqa: E402
from src.main import app  # noqa: E402


@pytest.fixture
async def client() -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as ac:
        yield ac


@pytest.fixture
def customer() -> User:
    return User(
        id=7,
        email="ada@example.com",
        full_name="Ada",
        is_active=True,
        is_staff=False,
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


@pytest.fixture
def staff(customer: User) -> User:
    customer.is_staff = True
    return customer


@pytest.fixture
def as_customer(customer: User):
    app.dependency_overrides[get_current_user] = lambda: customer
    yield customer
    app.dependency_overrides.clear()


@pytest.fixture
def as_staff(staff: User):
    app.dependency_overrides[get_current_user] = lambda: staff
    app.dependency_overrides[require_staff] = lambda: staff
    yield staff
    app.dependency_overrides.clear()
