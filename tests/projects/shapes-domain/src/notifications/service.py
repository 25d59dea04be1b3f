from src.notifications.config import notifications_settings


async def notify(user: dict, text: str) -> None:
    print(notifications_settings.SMTP_HOST, user, text)
