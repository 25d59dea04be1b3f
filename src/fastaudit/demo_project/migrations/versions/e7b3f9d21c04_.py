"""empty message

Revision ID: e7b3f9d21c04
Revises: a41c7d0e93b2
Create Date: 2024-08-27 16:45:12.930551

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "e7b3f9d21c04"
down_revision: Union[str, None] = "a41c7d0e93b2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("user", sa.Column("last_login", sa.DateTime(timezone=True), nullable=True))
    op.add_column("product", sa.Column("available_from", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("product", "available_from")
    op.drop_column("user", "last_login")
