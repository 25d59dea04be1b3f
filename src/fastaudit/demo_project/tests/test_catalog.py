from httpx import AsyncClient


async def test_list_products_is_public(client: AsyncClient) -> None:
    response = await client.get("/products", params={"limit": 5})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


async def test_limit_is_bounded(client: AsyncClient) -> None:
    response = await client.get("/products", params={"limit": 500})
    assert response.status_code == 422


async def test_customers_cannot_create_products(client: AsyncClient, as_customer) -> None:
    response = await client.post(
        "/products",
        json={"name": "Mug", "slug": "mug", "price": "9.90", "category_id": 1, "stock": 3},
    )
    assert response.status_code == 403


async def test_negative_stock_is_rejected(client: AsyncClient, as_staff) -> None:
    response = await client.post(
        "/products",
        json={"name": "Mug", "slug": "mug", "price": "9.90", "category_id": 1, "stock": -1},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "stock"]
