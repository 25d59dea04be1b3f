from fastapi import APIRouter

from backoffice.schemas.stock import StockLevel
from backoffice.services.stock import low_stock

router = APIRouter(prefix="/stock", tags=["stock"])


@router.get("/low", summary="Products running low")
async def list_low_stock(threshold: int = 5) -> list[StockLevel]:
    return await low_stock(threshold)
