from datetime import timedelta

from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_", env_file=".env", extra="ignore")

    SECRET_KEY: str
    JWT_ALGORITHM: str = "HS256"
    ACCESS_TOKEN_TTL: timedelta = timedelta(minutes=30)
    RESET_TOKEN_TTL: timedelta = timedelta(hours=2)


auth_settings = AuthConfig()
