import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

T = TypeVar("T")


async def sleep(seconds: float) -> None:
    """asyncio.sleep with +/-10% jitter, so retries from many workers do not line up."""
    await asyncio.sleep(seconds * random.uniform(0.9, 1.1))


async def with_retries(call: Callable[[], Awaitable[T]], attempts: int = 3, base_delay: float = 0.5) -> T:
    for attempt in range(attempts):
        try:
            return await call()
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
            await sleep(base_delay * 2**attempt)
    raise AssertionError("unreachable")
