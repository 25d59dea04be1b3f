from app.models.base import Base


class User(Base):
    __tablename__ = "user"
