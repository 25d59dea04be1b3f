from pydantic_settings import BaseSettings, SettingsConfigDict


class BookingsConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKINGS_")

    DATABASE_URL: str = "sqlite+aiosqlite:///./bookings.db"
    CALENDAR_URL: str = "https://calendar.example/api"
    SHOW_DOCS: bool = False


config = BookingsConfig()
