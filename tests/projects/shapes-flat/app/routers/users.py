from fastapi import APIRouter

from app.crud.user import get_user
from app.schemas.user import UserOut

router = APIRouter(prefix="/users")


@router.get("/{user_id}")
async def read_user(user_id: int) -> UserOut:
    return await get_user(user_id)
