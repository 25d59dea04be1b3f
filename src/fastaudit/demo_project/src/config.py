"""Settings shared by the whole service.

Values come from the environment (and `.env` when developing locally). Domains that
need their own knobs define them in their own `config.py`.
"""

from enum import Enum

from pydantic import PostgresDsn, RedisDsn
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(str, Enum):
    LOCAL = "local"
    STAGING = "staging"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    ENVIRONMENT: Environment = Environment.LOCAL
    DATABASE_URL: PostgresDsn
    REDIS_URL: RedisDsn = RedisDsn("redis://localhost:6379/0")
    SECRET_KEY: str
    CORS_ORIGINS: list[str] = ["http://localhost:3000"]
    SLACK_WEBHOOK_URL: str | None = None
    SUPPORT_EMAIL: str = "support@shopfront.example"
    MEDIA_ROOT: str = "media"


settings = Settings()
