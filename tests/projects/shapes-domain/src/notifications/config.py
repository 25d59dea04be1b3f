from pydantic_settings import BaseSettings, SettingsConfigDict


class NotificationsConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")

    SMTP_HOST: str = "localhost"


notifications_settings = NotificationsConfig()
