from fastapi import APIRouter

from myshop import config

router = APIRouter(prefix="/catalog")


@router.get("/")
async def listing() -> dict:
    return {"currency": config.get_settings().CURRENCY}
