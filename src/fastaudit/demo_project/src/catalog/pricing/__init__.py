"""Catalog pricing: discounts and price rules."""

from src.catalog.pricing.discounts import apply_discount

__all__ = ["apply_discount"]
