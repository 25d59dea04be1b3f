"""Invoices."""

from app.users.service import get_user


async def invoice(user_id: int) -> dict:
    user = await get_user(user_id)
    return {"user": user}
