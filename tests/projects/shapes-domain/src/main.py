from fastapi import FastAPI

from src.auth.router import router as auth_router
from src.config import settings
from src.posts.router import router as posts_router

SHOW_DOCS_IN = {"local", "staging"}

app = FastAPI(
    title="Blog",
    openapi_url="/openapi.json" if settings.ENVIRONMENT in SHOW_DOCS_IN else None,
)
app.include_router(auth_router)
app.include_router(posts_router)
