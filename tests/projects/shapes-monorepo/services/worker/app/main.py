from fastapi import FastAPI

from app.config import settings

app_kwargs = {"title": "Worker"}
if settings.ENVIRONMENT != "local":
    app_kwargs["openapi_url"] = None

app = FastAPI(**app_kwargs)
