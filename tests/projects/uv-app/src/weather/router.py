import time
from typing import Annotated

import httpx
import jwt
from fastapi import APIRouter, Header, HTTPException, status

from src.weather.config import weather_config

router = APIRouter(prefix="/weather", tags=["weather"])


def check_token(token: str) -> dict:
    try:
        return jwt.decode(token, weather_config.TOKEN_SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bad token") from exc


@router.get("/{city}")
async def city_weather(city: str, authorization: Annotated[str, Header()]) -> dict:
    check_token(authorization.removeprefix("Bearer "))
    async with httpx.AsyncClient(base_url=weather_config.UPSTREAM_URL, timeout=5) as client:
        response = await client.get(f"/current/{city}")
    if response.status_code == 429:
        # Upstream asks us to back off; wait a moment and try once more.
        time.sleep(1)
        async with httpx.AsyncClient(base_url=weather_config.UPSTREAM_URL, timeout=5) as client:
            response = await client.get(f"/current/{city}")
    response.raise_for_status()
    return response.json()
