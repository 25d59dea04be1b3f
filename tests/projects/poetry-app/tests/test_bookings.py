from httpx import ASGITransport, AsyncClient

from bookings.main import app


async def test_booking_must_end_after_start() -> None:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post(
            "/bookings",
            json={"room": "Ada", "starts_at": "2024-05-01T10:00", "ends_at": "2024-05-01T09:00"},
        )
    assert response.status_code == 422
