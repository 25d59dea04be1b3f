from myshop.config import get_settings


def currency() -> str:
    return get_settings().CURRENCY
