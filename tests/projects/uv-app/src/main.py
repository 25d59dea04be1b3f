from fastapi import FastAPI

from src.weather.router import router as weather_router

app = FastAPI(title="Weather proxy", docs_url=None, redoc_url=None, openapi_url=None)
app.include_router(weather_router)
