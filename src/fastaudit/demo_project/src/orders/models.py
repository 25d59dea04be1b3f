from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import relationship

from src.database import Base


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("user.id"), nullable=False, index=True)
    shipping_address_id = Column(ForeignKey("address.id"), nullable=False)
    status = Column(String(20), nullable=False, default="pending")
    total = Column(Numeric(10, 2), nullable=False)
    coupon_code = Column(String(40))
    payment_reference = Column(String(100))
    placed = Column(DateTime, default=datetime.utcnow)
    paid_at = Column(DateTime(timezone=True))

    lines = relationship("OrderLine", back_populates="order", cascade="all, delete-orphan")


class OrderLine(Base):
    __tablename__ = "order_line"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    product_id = Column(ForeignKey("product.id"), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price = Column(Numeric(10, 2), nullable=False)

    order = relationship("Order", back_populates="lines")
