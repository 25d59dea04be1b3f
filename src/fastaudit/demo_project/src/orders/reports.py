"""Sales figures for the back office, still on encode/databases."""

from src.database import database

MONTHLY_SALES = """
    select date_trunc('month', placed) as month, count(*) as orders, sum(total) as revenue
    from orders
    where status in ('paid', 'shipped') and extract(year from placed) = :year
    group by 1
    order by 1
"""


async def monthly_sales(year: int) -> list[dict]:
    rows = await database.fetch_all(query=MONTHLY_SALES, values={"year": year})
    return [dict(row._mapping) for row in rows]
