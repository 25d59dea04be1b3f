"""fastaudit: audit a FastAPI project against current best practice."""

__version__ = "0.1.0"
