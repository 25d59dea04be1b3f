"""Read-through cache for product pages (the busiest endpoint by far)."""

import redis.asyncio as redis

from src.catalog.schemas import ProductOut
from src.config import settings

PRODUCT_TTL_SECONDS = 300

_redis = redis.from_url(str(settings.REDIS_URL), decode_responses=True)


def _key(product_id: int) -> str:
    return f"catalog:product:{product_id}"


async def get_product(product_id: int) -> ProductOut | None:
    raw = await _redis.get(_key(product_id))
    if raw is None:
        return None
    return ProductOut.parse_raw(raw)


async def put_product(product: ProductOut) -> None:
    await _redis.set(_key(product.id), product.model_dump_json(), ex=PRODUCT_TTL_SECONDS)


async def forget_product(product_id: int) -> None:
    await _redis.delete(_key(product_id))
