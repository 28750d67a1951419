"""What guests ask of the hotel and how the desk answers: requests, their history, SLA targets."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped
from app.models.stays import Stay


class RequestKind(enum.StrEnum):
    AMENITY = "amenity"  # a free item brought to the room: crib, stroller, towels
    HELP = "help"  # "please call me", anything else
    APPROVAL = "approval"  # an on-request service (babysitting) the desk approves or declines
    FOLLOW_UP = "follow_up"  # a question about a booking
    COMPLAINT = "complaint"
    RECOVERY = "recovery"  # raised by a low rating: someone calls the guest
    ERASURE = "erasure"  # the guest asked for their personal data to be erased


class RequestStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def open(self) -> bool:
        return self in (RequestStatus.NEW, RequestStatus.ACKNOWLEDGED, RequestStatus.IN_PROGRESS)


class GuestRequest(HotelScoped, TimestampMixin, db.Model):
    __table_args__ = (Index("ix_guest_request_queue", "hotel_id", "status", "resolve_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.NEW)
    # What is asked: an amenity code ("towels"), or empty when a linked line or feedback says it.
    item: Mapped[str] = mapped_column(String(40), default="")
    quantity: Mapped[int] = mapped_column(default=1)
    details: Mapped[str] = mapped_column(Text, default="")  # the guest's own words
    guest_message: Mapped[str] = mapped_column(Text, default="")  # what the desk tells the guest
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"), index=True)
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # Lower comes first among requests due at the same time (gold guests, recoveries).
    priority: Mapped[int] = mapped_column(default=100)
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    stay: Mapped[Stay] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )

    def due_at(self) -> datetime:
        """The next deadline: acknowledging while new, resolving after."""
        return self.ack_due_at if self.status is RequestStatus.NEW else self.resolve_due_at


class RequestEvent(db.Model):
    """One change to a request: who (staff, or the guest when empty), when, what from and to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("guest_request.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    by_guest: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # created, status, assignee, note, message
    from_value: Mapped[str] = mapped_column(String(120), default="")
    to_value: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text, default="")  # an internal note or the guest message

    request: Mapped[GuestRequest] = relationship(back_populates="events")


class SlaTarget(HotelScoped, db.Model):
    """Minutes to acknowledge and to resolve a kind of request, before tier shortening."""

    __table_args__ = (UniqueConstraint("hotel_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    ack_minutes: Mapped[int]
    resolve_minutes: Mapped[int]
