"""staff roles live in memberships: drop staff_user.role

Revision ID: 1243f6c8d99b
Revises: 75be4f20a85e
Create Date: 2026-12-04 23:31:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1243f6c8d99b"
down_revision = "75be4f20a85e"
branch_labels = None
depends_on = None


def upgrade():
    # Every role was copied into staff_membership by e55cce2da378; nothing reads this column since.
    # A plain DROP COLUMN (SQLite 3.35+): copying staff_user, as a batch would, is refused while
    # audit entries, requests and memberships point at it.
    with op.batch_alter_table("staff_user", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("role")


def downgrade():
    with op.batch_alter_table("staff_user", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), server_default="receptionist", nullable=False)
        )
    # Each account's role in its own hotel, as it was before memberships.
    op.execute(
        "UPDATE staff_user SET role = (SELECT m.role FROM staff_membership m"
        " WHERE m.staff_user_id = staff_user.id AND m.hotel_id = staff_user.hotel_id)"
        " WHERE EXISTS (SELECT 1 FROM staff_membership m"
        " WHERE m.staff_user_id = staff_user.id AND m.hotel_id = staff_user.hotel_id)"
    )
