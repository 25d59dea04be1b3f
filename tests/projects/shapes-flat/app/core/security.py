from app.config import settings


def secret() -> str:
    return settings.DATABASE_URL
