from app.models.item import Item


async def get_item(item_id: int) -> Item:
    return Item(id=item_id)
