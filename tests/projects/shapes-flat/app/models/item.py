from app.models.base import Base


class Item(Base):
    __tablename__ = "item"
