"""Emails, staff alerts and order events."""

import logging
import os
from datetime import UTC, datetime

import httpx
import requests

from src.config import settings
from src.notifications.retry import with_retries
from src.notifications.schemas import EmailMessage, OrderEvent
from src.orders import schemas as order_schemas

logger = logging.getLogger(__name__)

MAIL_API_URL = os.getenv("MAIL_API_URL", "http://mailer.internal/v1/messages")
EVENTS_URL = os.getenv("EVENTS_URL", "http://events.internal/v1/topics/orders")


async def send_email(message: EmailMessage) -> str:
    async def post() -> httpx.Response:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(MAIL_API_URL, json=message.model_dump())
            response.raise_for_status()
            return response

    response = await with_retries(post)
    return response.json()["id"]


async def publish(event: OrderEvent) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        await client.post(
            EVENTS_URL, content=event.json(), headers={"Content-Type": "application/json"}
        )


async def alert_staff(text: str) -> None:
    """Post to the #orders Slack channel. Best effort: never fail the caller."""
    if not settings.SLACK_WEBHOOK_URL:
        logger.info("slack disabled: %s", text)
        return
    try:
        requests.post(settings.SLACK_WEBHOOK_URL, json={"text": text}, timeout=5)
    except requests.RequestException:
        logger.warning("could not reach Slack")


async def send_welcome_email(email: str, full_name: str | None) -> None:
    await send_email(
        EmailMessage(
            to=email,
            subject="Welcome to Shopfront",
            text=f"Hello {full_name or 'there'}, your account is ready.",
            template="welcome",
        )
    )


async def send_order_confirmation(order_id: int, total: str) -> None:
    now = datetime.now(UTC)
    kind = f"order.{order_schemas.OrderStatus.PAID.value}"
    await publish(OrderEvent(kind=kind, order_id=order_id, total=total, occurred_at=now))


async def send_order_cancelled(order_id: int, email: str) -> None:
    now = datetime.now(UTC)
    kind = f"order.{order_schemas.OrderStatus.CANCELLED.value}"
    await publish(OrderEvent(kind=kind, order_id=order_id, occurred_at=now))
    await send_email(
        EmailMessage(
            to=email,
            subject=f"Order {order_id} cancelled",
            text="Your order was cancelled. Any payment will be refunded within 5 days.",
        )
    )


async def notify_staff_new_order(order_id: int) -> None:
    await alert_staff(f"New order #{order_id}")
