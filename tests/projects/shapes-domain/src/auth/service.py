from src.auth.config import auth_settings
from src.config import settings


async def get_user(token: str) -> dict:
    return {"token": token, "key": auth_settings.JWT_SECRET, "env": settings.ENVIRONMENT}
