from .rules import price_for

__all__ = ["price_for"]
