"""Emails to guests: one row per message, claimed before it is sent so it goes out at most once."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped
from app.models.stays import Stay


class MessageKind(enum.StrEnum):
    PRE_ARRIVAL = "pre_arrival"  # offers, N days before arrival
    CONFIRMATION = "confirmation"  # a booking was placed
    REMINDER = "reminder"  # the evening before a booked activity
    THANK_YOU = "thank_you"  # at departure, with the feedback link
    WAITLIST_OFFER = "waitlist_offer"  # seats freed for a waiting guest


class MessageStatus(enum.StrEnum):
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    FAILED = "failed"  # the SMTP server refused it; tried again up to a limit


class OutboundMessage(HotelScoped, TimestampMixin, db.Model):
    """The unique (stay, kind, subject) row is the claim: a second sender cannot insert it again.

    ``subject`` names what the message is about within the stay: "" for the once-per-stay
    kinds, the order reference for a confirmation, the local date for a reminder, the
    waiting-list entry for an offer.
    """

    __table_args__ = (
        UniqueConstraint("stay_id", "kind", "subject"),
        Index("ix_outbound_message_status", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    subject: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[MessageStatus] = mapped_column(str_enum(MessageStatus), default=MessageStatus.SENDING)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(300), default="")

    stay: Mapped[Stay] = relationship()
