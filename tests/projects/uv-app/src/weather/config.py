from pydantic_settings import BaseSettings, SettingsConfigDict


class WeatherConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEATHER_")

    UPSTREAM_URL: str = "https://api.weather.example/v2"
    TOKEN_SECRET: str = "dev"


weather_config = WeatherConfig()
