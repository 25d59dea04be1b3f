"""Load demo products from the supplier feed into a local database.

    python -m scripts.seed_catalog --feed https://supplier.example/feed.json

Runs once by hand, outside the app, so plain blocking code is fine here.
"""

import argparse
import json
import time
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy.orm import Session

from src.catalog.models import Category, Product
from src.database import SessionLocal

CACHE = Path(".feed-cache.json")


def fetch_feed(url: str, retries: int = 3) -> list[dict]:
    if CACHE.exists():
        return json.loads(CACHE.read_text())
    for attempt in range(retries):
        try:
            response = requests.get(url, timeout=30)
            response.raise_for_status()
            break
        except requests.RequestException:
            if attempt == retries - 1:
                raise
            time.sleep(2**attempt)
    items = response.json()["items"]
    with open(CACHE, "w", encoding="utf-8") as fh:
        json.dump(items, fh)
    return items


def load(session: Session, items: list[dict]) -> int:
    categories: dict[str, Category] = {}
    for item in items:
        slug = item["category"].lower().replace(" ", "-")
        category = categories.get(slug) or Category(name=item["category"], slug=slug)
        categories[slug] = category
        session.add(
            Product(
                category=category,
                name=item["title"],
                slug=item["sku"].lower(),
                price=Decimal(str(item["price"])),
                stock=int(item.get("stock", 0)),
            )
        )
    session.commit()
    return len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feed", required=True)
    args = parser.parse_args()
    with SessionLocal() as session:
        print(f"loaded {load(session, fetch_feed(args.feed))} products")


if __name__ == "__main__":
    main()
