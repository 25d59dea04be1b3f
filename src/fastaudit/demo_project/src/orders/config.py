from pydantic import BaseSettings


class OrdersSettings(BaseSettings):
    PAYMENT_API_URL: str = "https://api.payments.example/v1"
    PAYMENT_API_KEY: str = ""
    PAYMENT_WEBHOOK_SECRET: str
    # Unpaid orders give their stock back after this long.
    RESERVATION_TTL_SECONDS: int = 900
    FREE_SHIPPING_OVER: int = 50

    class Config:
        env_prefix = "ORDERS_"
        env_file = ".env"


orders_settings = OrdersSettings()
