from fastapi import APIRouter

from src.auth import service

router = APIRouter(prefix="/auth")


@router.get("/me")
async def me(token: str) -> dict:
    return await service.get_user(token)
