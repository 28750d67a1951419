"""Guests waiting for a sold-out slot, and the seats set aside while one of them is offered them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime
from app.models.catalog import Service, Slot, str_enum
from app.models.hotel import HotelScoped
from app.models.stays import Stay


class WaitlistStatus(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # seats set aside (held_seats) until offer_expires_at
    BOOKED = "booked"
    EXPIRED = "expired"  # the offer ran out; the seats went to the next guest
    LEFT = "left"  # the guest left the list, or the slot passed


class WaitlistEntry(HotelScoped, TimestampMixin, db.Model):
    """First come, first offered: entries of a slot are served in id order."""

    __table_args__ = (Index("ix_waitlist_entry_slot_status", "slot_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"))
    adults: Mapped[int] = mapped_column(default=0)
    children_ages: Mapped[list[int]] = mapped_column(JSON, default=list)
    quantity: Mapped[int] = mapped_column(default=1)  # units, for rentals booked by the day
    seats: Mapped[int]  # what the party needs in the slot
    status: Mapped[WaitlistStatus] = mapped_column(str_enum(WaitlistStatus), default=WaitlistStatus.WAITING)
    # While offered, these seats are counted in Slot.taken so nobody else can book them.
    held_seats: Mapped[int] = mapped_column(default=0)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"))

    stay: Mapped[Stay] = relationship()
    service: Mapped[Service] = relationship()
    slot: Mapped[Slot] = relationship()
