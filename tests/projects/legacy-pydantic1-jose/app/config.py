from pydantic import BaseSettings


class Settings(BaseSettings):
    secret_key: str = "dev-secret"
    algorithm: str = "HS256"
    geo_api_url: str = "https://geo.example/api"

    class Config:
        env_file = ".env"


settings = Settings()
