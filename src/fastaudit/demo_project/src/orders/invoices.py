"""PDF invoices, written next to the app and served as files."""

from pathlib import Path

from src.config import settings
from src.orders.models import Order

INVOICE_DIR = Path(settings.MEDIA_ROOT) / "invoices"


def invoice_path(order_id: int) -> Path:
    return INVOICE_DIR / f"{order_id}.pdf"


def render_invoice(order: Order, path: Path) -> None:
    lines = [f"Invoice for order {order.id}", ""]
    lines += [f"{line.quantity} x product {line.product_id} @ {line.unit_price}" for line in order.lines]
    lines += ["", f"Total: {order.total}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    # Plain text until the PDF template is approved by finance.
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
