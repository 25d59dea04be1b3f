import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import text

from src.auth.router import router as auth_router
from src.catalog.router import router as catalog_router
from src.config import settings
from src.database import SessionDep, database, engine
from src.orders.router import router as orders_router
from src.orders.webhooks import router as webhooks_router

logging.basicConfig(level=logging.INFO)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await database.connect()
    yield
    await database.disconnect()
    await engine.dispose()


app = FastAPI(title="Shopfront API", version="0.9.0", lifespan=lifespan)
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.CORS_ORIGINS,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(auth_router)
app.include_router(catalog_router)
app.include_router(orders_router)
app.include_router(webhooks_router)


@app.get("/healthz", include_in_schema=False)
async def healthz(session: SessionDep) -> dict[str, str]:
    await session.execute(text("select 1"))
    return {"status": "ok"}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run("src.main:app", reload=True)
