"""group dashboard roll-ups: sales and arrivals per hotel and day, paid lines per stay; refund indexes

Revision ID: 75be4f20a85e
Revises: e55cce2da378
Create Date: 2026-12-04 22:58:33.150717

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "75be4f20a85e"
down_revision = "e55cce2da378"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "arrival_day",
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stays", sa.Integer(), nullable=False),
        sa.Column("with_extra", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hotel_id"], ["hotel.id"], name=op.f("fk_arrival_day_hotel_id_hotel")),
        sa.PrimaryKeyConstraint("hotel_id", "day", name=op.f("pk_arrival_day")),
    )
    op.create_table(
        "stay_paid_lines",
        sa.Column("stay_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hotel_id"], ["hotel.id"], name=op.f("fk_stay_paid_lines_hotel_id_hotel")),
        sa.ForeignKeyConstraint(["stay_id"], ["stay.id"], name=op.f("fk_stay_paid_lines_stay_id_stay")),
        sa.PrimaryKeyConstraint("stay_id", name=op.f("pk_stay_paid_lines")),
    )
    op.create_table(
        "hotel_sales_day",
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bookings", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hotel_id"], ["hotel.id"], name=op.f("fk_hotel_sales_day_hotel_id_hotel")),
        sa.PrimaryKeyConstraint("hotel_id", "day", name=op.f("pk_hotel_sales_day")),
    )
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_order_line_id"), ["order_line_id"], unique=False)
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_line_cancelled",
            ["order_id", "cancelled_at", "hotel_id", "total", "cancellation_fee"],
            unique=False,
            postgresql_where=sa.text("status = 'cancelled'"),
            sqlite_where=sa.text("status = 'cancelled'"),
        )
    # Filled from the history already there, as app.services.sales_days.rebuild() would.
    op.execute(
        "INSERT INTO hotel_sales_day (hotel_id, day, bookings, revenue) "
        "SELECT hotel_id, day, sum(bookings), sum(revenue) FROM sales_day GROUP BY hotel_id, day"
    )
    op.execute(
        "INSERT INTO stay_paid_lines (stay_id, hotel_id, lines) "
        "SELECT stay.id, stay.hotel_id, count(*) FROM stay "
        "JOIN guest_order ON guest_order.stay_id = stay.id "
        "JOIN order_line ON order_line.order_id = guest_order.id "
        "WHERE order_line.status = 'booked' AND order_line.total > 0 "
        "GROUP BY stay.id, stay.hotel_id"
    )
    op.execute(
        "INSERT INTO arrival_day (hotel_id, day, stays, with_extra) "
        "SELECT stay.hotel_id, stay.arrival, count(*), "
        "sum(CASE WHEN stay_paid_lines.lines > 0 THEN 1 ELSE 0 END) FROM stay "
        "LEFT JOIN stay_paid_lines ON stay_paid_lines.stay_id = stay.id "
        "GROUP BY stay.hotel_id, stay.arrival"
    )


def downgrade():
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_index("ix_order_line_cancelled")
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_order_line_id"))
    op.drop_table("hotel_sales_day")
    op.drop_table("stay_paid_lines")
    op.drop_table("arrival_day")
