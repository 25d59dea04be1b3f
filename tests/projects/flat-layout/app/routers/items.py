from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.crud import item as crud_item
from app.database import get_db
from app.schemas.item import ItemCreate, ItemOut

router = APIRouter(prefix="/users/{user_id}/items", tags=["items"])


@router.get("")
def list_items(user_id: int, db: Session = Depends(get_db)) -> list[ItemOut]:
    return [ItemOut.model_validate(item) for item in crud_item.list_items(db, user_id)]


@router.post("", status_code=201)
def create_item(user_id: int, payload: ItemCreate, db: Session = Depends(get_db)) -> ItemOut:
    return ItemOut.model_validate(crud_item.create_item(db, user_id, payload))
