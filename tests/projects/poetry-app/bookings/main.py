from typing import Annotated

import httpx
from fastapi import FastAPI, Query, status

from bookings.config import config
from bookings.schemas import BookingIn, BookingOut

app = FastAPI(title="Bookings", openapi_url="/openapi.json" if config.SHOW_DOCS else None)

BOOKINGS: list[BookingOut] = []


@app.get("/bookings")
async def list_bookings(room: Annotated[str | None, Query(max_length=40)] = None) -> list[BookingOut]:
    return [b for b in BOOKINGS if room is None or b.room == room]


@app.post("/bookings", status_code=status.HTTP_201_CREATED)
async def create_booking(payload: BookingIn) -> BookingOut:
    async with httpx.AsyncClient(base_url=config.CALENDAR_URL, timeout=5) as client:
        response = await client.post("/events", json=payload.model_dump(mode="json"))
        response.raise_for_status()
    booking = BookingOut(id=response.json()["id"], **payload.model_dump())
    BOOKINGS.append(booking)
    return booking
