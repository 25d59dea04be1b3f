from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_")

    JWT_SECRET: str = "change-me"


auth_settings = AuthConfig()
