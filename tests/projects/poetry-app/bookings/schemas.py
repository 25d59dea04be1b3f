from datetime import datetime

from pydantic import BaseModel, Field, model_validator


class BookingIn(BaseModel):
    room: str = Field(min_length=1, max_length=40)
    starts_at: datetime
    ends_at: datetime
    attendees: int = Field(default=None, ge=1, le=40)

    @model_validator(mode="after")
    def ends_after_start(self) -> "BookingIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("a booking must end after it starts")
        return self


class BookingOut(BookingIn):
    id: int
