from httpx import AsyncClient


async def test_blank_title_is_rejected(client: AsyncClient) -> None:
    response = await client.post("/notes", json={"title": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "title"]


async def test_page_size_is_bounded(client: AsyncClient) -> None:
    response = await client.get("/notes", params={"limit": 1000})
    assert response.status_code == 422
