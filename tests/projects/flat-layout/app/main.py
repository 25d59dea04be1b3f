from fastapi import FastAPI

from app.routers import items, users

app = FastAPI(title="Inventory", openapi_url=None)
app.include_router(users.router)
app.include_router(items.router)
