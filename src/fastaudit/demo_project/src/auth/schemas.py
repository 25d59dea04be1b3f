from datetime import datetime

from pydantic import EmailStr, Field, validator

from src.models import ShopModel


class UserCreate(ShopModel):
    email: EmailStr
    password: str = Field(min_length=10, max_length=128)
    full_name: str | None = Field(default=None, max_length=200)

    @validator("password")
    def password_is_not_only_letters(cls, value: str) -> str:
        if value.isalpha():
            raise ValueError("use at least one digit or symbol")
        return value


class UserOut(ShopModel):
    id: int
    email: EmailStr
    full_name: str | None
    is_staff: bool
    created_at: datetime


class AddressIn(ShopModel):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postcode: str = Field(min_length=2, max_length=20)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")


class AddressOut(AddressIn):
    id: int


class Token(ShopModel):
    access_token: str
    token_type: str = "bearer"


class PasswordReset(ShopModel):
    token: str
    new_password: str = Field(min_length=10, max_length=128)
