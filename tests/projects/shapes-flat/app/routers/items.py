from fastapi import APIRouter

from app.crud.item import get_item
from app.schemas.item import ItemOut

router = APIRouter(prefix="/items")


@router.get("/{item_id}")
async def read_item(item_id: int) -> ItemOut:
    return await get_item(item_id)
