"""Counters the dashboard reads: how often each service page was looked at, per day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, PrimaryKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ServiceViewDay(db.Model):
    """One row per service and hotel-local day; a page view adds one with a single upsert."""

    __table_args__ = (PrimaryKeyConstraint("service_id", "day"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    day: Mapped[date]
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"), index=True)
    views: Mapped[int] = mapped_column(default=0)
