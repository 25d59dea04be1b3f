from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from src.catalog.models import Category, Product
from src.catalog.schemas import ProductCreate, ProductUpdate


class DuplicateSlug(ValueError):
    pass


class OutOfStock(Exception):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} is out of stock")
        self.product_id = product_id


async def list_products(
    session: AsyncSession, *, category: str | None, limit: int, offset: int
) -> list[Product]:
    query = select(Product).options(selectinload(Product.category)).order_by(Product.name)
    if category:
        query = query.join(Category).where(Category.slug == category)
    result = await session.scalars(query.limit(limit).offset(offset))
    return list(result)


async def get_product(session: AsyncSession, product_id: int) -> Product | None:
    return await session.get(Product, product_id, options=[selectinload(Product.category)])


async def create_product(session: AsyncSession, payload: ProductCreate) -> Product:
    if await session.scalar(select(Product.id).where(Product.slug == payload.slug)):
        raise DuplicateSlug(f"slug {payload.slug!r} is taken")
    product = Product(**payload.model_dump())
    session.add(product)
    await session.commit()
    return await get_product(session, product.id)


async def update_product(session: AsyncSession, product: Product, payload: ProductUpdate) -> Product:
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr(product, field, value)
    await session.commit()
    return product


async def reserve(session: AsyncSession, quantities: dict[int, int]) -> None:
    """Take stock for an order; raises OutOfStock and leaves stock untouched if any line fails."""
    for product_id, quantity in quantities.items():
        result = await session.execute(
            update(Product)
            .where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity)
        )
        if result.rowcount != 1:
            await session.rollback()
            raise OutOfStock(product_id)
