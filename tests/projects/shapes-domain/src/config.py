import os

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    ENVIRONMENT: str = os.getenv("ENVIRONMENT", "local")
    DATABASE_URL: str = "sqlite+aiosqlite://"


settings = Settings()
