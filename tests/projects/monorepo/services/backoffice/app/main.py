from fastapi import FastAPI

from app.reports.router import router as reports_router

app = FastAPI(title="Backoffice", openapi_url=None)
app.include_router(reports_router)
