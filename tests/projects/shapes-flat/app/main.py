from fastapi import FastAPI

from app.routers import items, users

app = FastAPI(title="Shop")
app.include_router(users.router)
app.include_router(items.router)
