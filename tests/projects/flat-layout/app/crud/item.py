from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.item import Item
from app.schemas.item import ItemCreate


def list_items(db: Session, user_id: int) -> list[Item]:
    return list(db.scalars(select(Item).where(Item.user_id == user_id)))


def create_item(db: Session, user_id: int, payload: ItemCreate) -> Item:
    item = Item(user_id=user_id, **payload.model_dump())
    db.add(item)
    db.commit()
    db.refresh(item)
    return item
