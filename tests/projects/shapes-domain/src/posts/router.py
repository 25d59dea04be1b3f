from fastapi import APIRouter

from src.posts import service
from src.posts.service import create_post

router = APIRouter(prefix="/posts")


@router.post("/")
async def new_post(token: str, text: str) -> dict:
    return await create_post(token, text) or await service.create_post(token, text)
