async def get_user(user_id: int) -> dict:
    return {"id": user_id, "worker": True}
