from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from src.config import Environment, app_config
from src.database import engine
from src.notes.router import router as notes_router

SHOW_DOCS_IN = {Environment.LOCAL, Environment.STAGING}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(
    title="Notes API",
    lifespan=lifespan,
    openapi_url="/openapi.json" if app_config.ENVIRONMENT in SHOW_DOCS_IN else None,
)
app.include_router(notes_router)
