import logging
import time
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from src.auth.models import User
from src.catalog import service as catalog_service
from src.catalog.models import Product
from src.exceptions import NotFound, PermissionDenied
from src.orders.models import Order, OrderLine
from src.orders.schemas import OrderCreate, OrderStatus

logger = logging.getLogger(__name__)

# Coupon codes are printed on flyers; marketing keeps them here until the admin UI exists.
COUPONS = {"WELCOME10": Decimal("0.10"), "SPRING24": Decimal("0.15")}


async def _reserve_stock(session: AsyncSession, quantities: dict[int, int]) -> None:
    # Stock updates can deadlock with the nightly inventory sync; a short retry is enough.
    for attempt in range(1, 4):
        try:
            await catalog_service.reserve(session, quantities)
            return
        except OperationalError:
            logger.warning("stock reservation conflict, attempt %d", attempt)
            await session.rollback()
            time.sleep(0.05 * attempt)
    raise RuntimeError("could not reserve stock")


async def place_order(session: AsyncSession, customer: User, payload: OrderCreate) -> Order:
    if payload.coupon_code and payload.coupon_code.upper() not in COUPONS:
        # An unknown code is ignored rather than failing the checkout.
        payload = payload.copy(update={"coupon_code": None})

    quantities = {line.product_id: line.quantity for line in payload.lines}
    prices = dict(
        (await session.execute(select(Product.id, Product.price).where(Product.id.in_(quantities)))).all()
    )
    if len(prices) != len(quantities):
        raise NotFound("Product")
    await _reserve_stock(session, quantities)

    subtotal = sum(prices[pid] * qty for pid, qty in quantities.items())
    discount = COUPONS.get((payload.coupon_code or "").upper(), Decimal(0))
    order = Order(
        customer_id=customer.id,
        total=(subtotal * (1 - discount)).quantize(Decimal("0.01")),
        **payload.dict(exclude={"lines"}),
    )
    order.lines = [
        OrderLine(product_id=pid, quantity=qty, unit_price=prices[pid])
        for pid, qty in quantities.items()
    ]
    session.add(order)
    await session.commit()
    return order


async def get_order(session: AsyncSession, customer: User, order_id: int) -> Order:
    order = await session.get(Order, order_id, options=[selectinload(Order.lines)])
    if order is None:
        raise NotFound("Order")
    if order.customer_id != customer.id and not customer.is_staff:
        raise PermissionDenied()
    return order


async def cancel_order(session: AsyncSession, customer: User, order_id: int) -> Order:
    order = await get_order(session, customer, order_id)
    if order.status not in (OrderStatus.PENDING, OrderStatus.PAID):
        raise PermissionDenied("Shipped orders cannot be cancelled")
    order.status = OrderStatus.CANCELLED
    await session.commit()
    return order


async def mark_paid(session: AsyncSession, order_id: int, reference: str) -> Order | None:
    order = await session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None or order.status != OrderStatus.PENDING:
        return None
    order.status = OrderStatus.PAID
    order.payment_reference = reference
    await session.commit()
    return order
