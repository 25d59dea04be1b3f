from pydantic_settings import BaseSettings, SettingsConfigDict


class NotesConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTES_", env_file=".env", extra="ignore")

    MAX_PAGE_SIZE: int = 100
    MAX_BODY_LENGTH: int = 20_000


notes_config = NotesConfig()
