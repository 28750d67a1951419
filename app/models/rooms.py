"""The hotel's rooms: check-in accepts only a room on this list, which managers keep."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.hotel import HotelScoped


class Room(HotelScoped, db.Model):
    __table_args__ = (UniqueConstraint("hotel_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12))
    # Out of service rooms stay on the list (old stays name them) but take no new check-ins.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
