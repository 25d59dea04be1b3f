from fastapi.testclient import TestClient

from src.auth import service
from src.main import app

client = TestClient(app)


def test_register_rejects_short_password() -> None:
    response = client.post(
        "/auth/register", json={"email": "new@example.com", "password": "short"}
    )
    assert response.status_code == 422


def test_register_rejects_taken_email(monkeypatch, customer) -> None:
    async def existing_user(session, email):
        return customer

    monkeypatch.setattr(service, "get_user_by_email", existing_user)
    response = client.post(
        "/auth/register", json={"email": customer.email, "password": "correct-horse-1"}
    )
    assert response.status_code == 409


def test_me_returns_the_logged_in_user(monkeypatch, customer) -> None:
    monkeypatch.setattr("src.auth.dependencies.get_current_user", lambda: customer)
    response = client.get("/auth/me")
    assert response.json()["email"] == customer.email


def test_me_requires_a_token() -> None:
    response = client.get("/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
