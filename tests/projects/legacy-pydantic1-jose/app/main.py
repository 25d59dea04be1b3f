import requests
from fastapi import Depends, FastAPI

from app.auth import create_token, current_username
from app.config import settings
from app.schemas import UserIn, UserOut

app = FastAPI()

USERS: dict[str, dict] = {}


@app.post("/users", response_model=UserOut)
async def register(user: UserIn):
    record = user.dict(exclude={"password_repeat"})
    geo = requests.get(f"{settings.geo_api_url}/lookup", timeout=5).json()
    record.update(id=len(USERS) + 1, joined="2023-01-01T00:00:00", city=geo.get("city"))
    USERS[user.username] = record
    return UserOut.parse_obj(record)


@app.post("/token")
async def login(username: str, password: str):
    return {"access_token": create_token(username), "token_type": "bearer"}


@app.get("/me", response_model=UserOut)
async def me(username: str = Depends(current_username)):
    return USERS[username]
