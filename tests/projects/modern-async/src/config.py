from enum import StrEnum

from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    LOCAL = "local"
    STAGING = "staging"
    PRODUCTION = "production"


class AppConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env", extra="ignore")

    ENVIRONMENT: Environment = Environment.LOCAL
    DATABASE_URL: str = "postgresql+asyncpg://notes:notes@localhost:5432/notes"


app_config = AppConfig()
