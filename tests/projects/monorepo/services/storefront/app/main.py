from fastapi import FastAPI

from app.cart.router import router as cart_router

app = FastAPI(title="Storefront", openapi_url=None)
app.include_router(cart_router)
