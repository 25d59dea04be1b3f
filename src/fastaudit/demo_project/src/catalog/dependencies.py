from typing import Annotated

from fastapi import Depends, Path

from src.catalog import service
from src.catalog.models import Product
from src.database import SessionDep
from src.exceptions import NotFound


async def valid_product_id(
    product_id: Annotated[int, Path(gt=0)], session: SessionDep
) -> Product:
    product = await service.get_product(session, product_id)
    if product is None:
        raise NotFound("Product")
    return product


ValidProduct = Annotated[Product, Depends(valid_product_id)]
