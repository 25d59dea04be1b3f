import logging
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Query, status
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from src.auth.dependencies import CurrentUser, get_current_user
from src.auth.models import User
from src.catalog.service import OutOfStock
from src.database import SessionDep, get_db, get_session
from src.notifications import service as notification_service
from src.orders import invoices, payments, reports, service
from src.orders.cart import price_cart
from src.orders.models import Order
from src.orders.schemas import OrderCreate, OrderOut

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("/", response_model=list[OrderOut])
async def list_orders(
    page: int = Query(1, ge=1),
    page_size: int = Query(20, ge=1, le=100),
    user: User = Depends(get_current_user),
    db: Session = Depends(get_db),
):
    rows = (
        db.query(Order)
        .filter(Order.customer_id == user.id)
        .order_by(Order.placed.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all()
    )
    return [OrderOut.from_orm(row) for row in rows]


@router.get("/quote")
async def quote(
    user: CurrentUser,
    subtotal: Annotated[Decimal, Query(gt=0)],
    coupon: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, str]:
    discount = subtotal * service.COUPONS.get((coupon or "").upper(), Decimal(0))
    return price_cart(subtotal, discount).dict()


@router.post("/")
async def place_order(
    payload: OrderCreate,
    background_tasks: BackgroundTasks,
    user: User = Depends(get_current_user),
    session: AsyncSession = Depends(get_session),
    idempotency_key: str | None = Header(default=None),
):
    if idempotency_key:
        logger.info("order request %s from user %s", idempotency_key, user.id)
    try:
        order = await service.place_order(session, user, payload)
    except OutOfStock as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    intent = await payments.create_payment_intent(order.id, order.total)
    background_tasks.add_task(notification_service.notify_staff_new_order, order.id)
    return {"id": order.id, "status": order.status, "payment": intent["client_secret"]}


@router.get("/{order_id}")
async def get_order(order_id: int, user: CurrentUser, session: SessionDep) -> OrderOut:
    order = await service.get_order(session, user, order_id)
    return OrderOut.model_validate(order, from_attributes=True)


@router.post("/{order_id}/cancel")
async def cancel_order(
    order_id: int, user: CurrentUser, session: SessionDep, background_tasks: BackgroundTasks
) -> dict[str, str]:
    try:
        order = await service.cancel_order(session, user, order_id)
        if order.payment_reference:
            # The provider's refund API takes a few seconds; don't keep the customer waiting.
            background_tasks.add_task(payments.refund, order.payment_reference)
        await notification_service.send_order_cancelled(order.id, user.email)
        return {"id": str(order.id), "status": order.status}
    except Exception:
        logger.exception("cancelling order %s failed", order_id)
        return {"id": str(order_id), "status": "cancellation_pending"}


@router.post("/{order_id}/resend-confirmation", status_code=status.HTTP_202_ACCEPTED)
async def resend_confirmation(order_id: int, user: CurrentUser, session: SessionDep) -> None:
    order = await service.get_order(session, user, order_id)
    try:
        await notification_service.send_order_confirmation(order.id, str(order.total))
    except Exception:
        logger.exception("confirmation email for order %s failed", order.id)
        raise


# Invoices are rendered by a sync PDF library, so these stay plain `def` routes.
@router.get("/{order_id}/invoice")
def download_invoice(
    order_id: int, user: CurrentUser, db: Annotated[Session, Depends(get_db)]
) -> FileResponse:
    order = db.get(Order, order_id)
    if order is None or (order.customer_id != user.id and not user.is_staff):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    path = invoices.invoice_path(order.id)
    if not path.exists():
        invoices.render_invoice(order, path)
    return FileResponse(path, media_type="application/pdf", filename=f"invoice-{order.id}.pdf")


@router.get("/reports/monthly")
async def monthly_report(
    year: Annotated[int, Query(ge=2020, le=2100)], user: CurrentUser
) -> list[dict]:
    if not user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    try:
        return await reports.monthly_sales(year)
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
