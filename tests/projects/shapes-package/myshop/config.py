from functools import lru_cache

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    CURRENCY: str = "EUR"
    CART_TTL: int = 3600


@lru_cache
def get_settings() -> Settings:
    return Settings()
