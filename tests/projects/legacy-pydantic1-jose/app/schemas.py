from datetime import datetime
from typing import Optional

from pydantic import BaseModel, Field, root_validator, validator


class UserIn(BaseModel):
    username: str = Field(..., min_length=3, max_length=30)
    password: str
    password_repeat: str

    @validator("username")
    def username_alphanumeric(cls, v):
        assert v.isalnum(), "must be alphanumeric"
        return v

    @root_validator
    def passwords_match(cls, values):
        if values.get("password") != values.get("password_repeat"):
            raise ValueError("passwords do not match")
        return values


class UserOut(BaseModel):
    id: int
    username: str
    joined: datetime
    city: Optional[str]

    class Config:
        orm_mode = True
        json_encoders = {datetime: lambda v: v.strftime("%Y-%m-%d")}
