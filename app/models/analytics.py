"""Counters the dashboard reads instead of scanning every booking: page views, sales and offers shown."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class ServiceViewDay(db.Model):
    """One row per service and hotel-local day; a page view adds one with a single upsert."""

    __table_args__ = (PrimaryKeyConstraint("service_id", "day"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    day: Mapped[date]
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"), index=True)
    views: Mapped[int] = mapped_column(default=0)


class SalesDay(db.Model):
    """What booked lines earned, per service, hotel-local day of placing, and the offer that led there.

    Kept by ``app.services.sales_days`` on every change of an order line, so the
    dashboard sums a few rows per day instead of every line of a year. ``offer_place``
    and ``offer_reason`` are "" for lines no offer led to; ``before_arrival`` says the
    line was placed before the stay's arrival day.
    """

    __table_args__ = (
        PrimaryKeyConstraint("service_id", "day", "offer_place", "offer_reason", "before_arrival"),
        Index("ix_sales_day_hotel_day", "hotel_id", "day"),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    day: Mapped[date]
    offer_place: Mapped[str] = mapped_column(String(20), server_default="")
    offer_reason: Mapped[str] = mapped_column(String(40), server_default="")
    before_arrival: Mapped[bool]
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"))
    bookings: Mapped[int] = mapped_column(default=0)  # lines booked (not cancelled)
    revenue: Mapped[int] = mapped_column(default=0)  # booked totals plus fees kept, minor units


class HotelSalesDay(db.Model):
    """``SalesDay`` summed per hotel and hotel-local day of placing: what the group dashboard reads.

    Kept by ``app.services.sales_days`` from the same differences as ``SalesDay``, in the
    same flush, and rebuilt with it: a year of a hundred hotels is 36,500 rows instead of
    the million and a half of ``SalesDay``.
    """

    __table_args__ = (PrimaryKeyConstraint("hotel_id", "day"),)

    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"))
    day: Mapped[date]
    bookings: Mapped[int] = mapped_column(default=0)
    revenue: Mapped[int] = mapped_column(default=0)


class ArrivalDay(db.Model):
    """Stays arriving on one hotel-local day, and how many of them bought a paid extra (attach rate).

    Kept by ``app.services.sales_days`` like ``SalesDay``: a new stay adds to its arrival day,
    a stay's first paid line (booked, above zero) adds to ``with_extra`` and its last one
    leaving takes it off again, so the group dashboard sums a row per hotel and day instead
    of asking every arriving stay for its orders.
    """

    __table_args__ = (PrimaryKeyConstraint("hotel_id", "day"),)

    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"))
    day: Mapped[date]
    stays: Mapped[int] = mapped_column(default=0)
    with_extra: Mapped[int] = mapped_column(default=0)


class StayPaidLines(db.Model):
    """How many booked lines above zero a stay has: ``ArrivalDay.with_extra`` moves when it leaves
    or comes back to zero, decided under this row's lock so two bookings never count a stay twice."""

    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), primary_key=True, autoincrement=False)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"))
    lines: Mapped[int] = mapped_column(default=0)


class OfferPlace(enum.StrEnum):
    """Where a guest was shown an offer; bookings are attributed to one of these."""

    HOME = "home"
    AFTER_BOOKING = "after_booking"
    EMAIL = "email"
    DESK = "desk"


class OfferImpression(db.Model):
    """A service offered to a stay at a place: counted once per stay, service and place, with how often."""

    __table_args__ = (
        UniqueConstraint("stay_id", "service_id", "place"),
        Index("ix_offer_impression_period", "hotel_id", "day", "place", "reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"))
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    place: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))  # the reason code shown the first time
    day: Mapped[date]  # hotel-local day it was first shown
    first_shown_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_shown_at: Mapped[datetime] = mapped_column(UTCDateTime())
    times: Mapped[int] = mapped_column(default=1)
