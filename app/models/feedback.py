"""What guests thought: a 1–5 rating per service they had, and a 0–10 "would you recommend us"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime
from app.models.hotel import HotelScoped
from app.models.orders import OrderLine
from app.models.stays import Stay


class Feedback(HotelScoped, TimestampMixin, db.Model):
    __table_args__ = (
        # One rating per booked line, one recommendation score per stay.
        UniqueConstraint("stay_id", "order_line_id"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
        CheckConstraint("nps IS NULL OR (nps BETWEEN 0 AND 10)", name="nps_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    # The service line rated; empty for the end-of-stay recommendation question.
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    rating: Mapped[int | None]
    nps: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    stay: Mapped[Stay] = relationship()
    line: Mapped[OrderLine | None] = relationship()

    @property
    def low(self) -> bool:
        """Low enough that someone should call the guest: 2 stars or less, or a detractor (0–6)."""
        return (self.rating is not None and self.rating <= 2) or (self.nps is not None and self.nps <= 6)
