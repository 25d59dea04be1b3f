from fastapi import FastAPI

from backoffice.routers import refunds, stock

# Only reachable from the office VPN; the schema is never published.
app = FastAPI(title="Shopfront back office", openapi_url=None)
app.include_router(stock.router)
app.include_router(refunds.router, prefix="/refunds")
