from app.models.user import User


async def get_user(user_id: int) -> User:
    return User(id=user_id)
