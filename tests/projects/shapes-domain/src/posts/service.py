from src.auth import service as auth_service
from src.auth.constants import ErrorCode as AuthErrorCode
from src.notifications import service as notification_service


async def create_post(token: str, text: str) -> dict:
    user = await auth_service.get_user(token)
    await notification_service.notify(user, text)
    return {"user": user, "text": text, "error": AuthErrorCode.INVALID_TOKEN}
