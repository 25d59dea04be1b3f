from datetime import date
from decimal import Decimal

from pydantic import Field, computed_field, field_validator

from src.models import Money, ShopModel


class CategoryOut(ShopModel):
    id: int
    name: str
    slug: str


class ProductBase(ShopModel):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=200, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    description: str = ""
    price: Money = Field(gt=0, max_digits=10, decimal_places=2)
    # Optional and bounded: no discount unless merchandising sets one.
    discount_percent: int | None = Field(default=None, ge=0, le=90)
    available_from: date | None = None


class ProductCreate(ProductBase):
    category_id: int
    stock: int = Field(default=None, ge=0)

    @field_validator("name")
    @classmethod
    def strip_name(cls, value: str) -> str:
        return value.strip()


class ProductUpdate(ShopModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    price: Money | None = Field(default=None, gt=0)
    discount_percent: int | None = Field(default=None, ge=0, le=90)
    stock: int | None = Field(default=None, ge=0)


class ProductOut(ProductBase):
    id: int
    category: CategoryOut
    stock: int

    @computed_field
    @property
    def sale_price(self) -> Decimal:
        if not self.discount_percent:
            return self.price
        return (self.price * (100 - self.discount_percent) / 100).quantize(Decimal("0.01"))
