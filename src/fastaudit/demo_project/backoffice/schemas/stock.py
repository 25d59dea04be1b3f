from pydantic import BaseModel, Field


class StockLevel(BaseModel):
    sku: str
    quantity: int = Field(ge=0)
