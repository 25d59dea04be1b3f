from fastapi import FastAPI

from app.billing.router import router as billing_router
from app.users.router import router as users_router

app = FastAPI(openapi_url=None)
app.include_router(users_router)
app.include_router(billing_router)
