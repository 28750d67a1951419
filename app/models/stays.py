"""A guest's stay: who they are, when they are here, and how they get in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.ages import PARTY_BABY_UNDER, PARTY_CHILD_UNDER
from app.models.base import TimestampMixin, UTCDateTime, str_enum, utcnow
from app.models.hotel import HotelScoped


class Tier(enum.StrEnum):
    STANDARD = "standard"
    SILVER = "silver"
    GOLD = "gold"


def party_kind(adults: int, children_ages: list[int]) -> str:
    """The kind of party, for "guests like you": what similar parties booked is what they are offered."""
    if children_ages:
        youngest = min(children_ages)
        return "baby" if youngest < PARTY_BABY_UNDER else "kids" if youngest < PARTY_CHILD_UNDER else "teens"
    return "couple" if adults <= 2 else "group"


class StaySource(enum.StrEnum):
    DESK = "desk"  # typed in at the front desk
    API = "api"  # sent by the hotel's systems through the public API
    PMS = "pms"  # pulled from the hotel's PMS by a connector (app/integrations/)
    IMPORT = "import"  # an arrivals file (CSV or Excel) uploaded by the desk


class Stay(HotelScoped, TimestampMixin, db.Model):
    __table_args__ = (
        Index("ix_stay_room_lookup", "hotel_id", "room", "surname_key"),
        # The PMS's own reservation id: a repeated import finds the stay it made before.
        UniqueConstraint("hotel_id", "pms_reservation_id", name="uq_stay_pms_reservation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(12))
    surname: Mapped[str] = mapped_column(String(80))
    # Case- and accent-folded surname ("García" -> "garcia") for sign-in matching.
    surname_key: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    arrival: Mapped[date]
    departure: Mapped[date]
    adults: Mapped[int] = mapped_column(default=1)
    children_ages: Mapped[list[int]] = mapped_column(JSON, default=list)
    # party_kind(adults, children_ages), kept so co-bookings group by it in SQL.
    party: Mapped[str] = mapped_column(String(10), server_default="")
    tier: Mapped[Tier] = mapped_column(str_enum(Tier), default=Tier.STANDARD)
    # What a room QR code holds: /s/<access_token>. 256 random bits.
    access_token: Mapped[str] = mapped_column(String(64), unique=True)
    # What the guest types before arrival: 8 Crockford base32 characters, grouped (older: 26 of RFC 4648).
    booking_reference: Mapped[str] = mapped_column(String(40), unique=True)
    # Set when the desk checks the guest in; a stay booked ahead (reference, PMS) is "expected" until then.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped when the guest signs out (or the stay checks out): every guest cookie issued
    # before stops working, even a copy taken earlier, as for staff sessions.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Bumped with every change of the stay's cart, bookings or party, in the same transaction:
    # the stay's cached offers are keyed by it (app/services/offer_cache.py).
    bookings_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The guest asked for no more emails (the unsubscribe link); the stay's other messages are kept.
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[StaySource] = mapped_column(
        str_enum(StaySource), default=StaySource.DESK, server_default=StaySource.DESK.value
    )
    # The reservation (and the PMS account billed for it, Mews's AccountId) in the hotel's PMS.
    pms_reservation_id: Mapped[str | None] = mapped_column(String(100))
    pms_account_id: Mapped[str | None] = mapped_column(String(100))
    # The reservation was cancelled (in the PMS or through the API): the guest can no longer sign in.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Marketing emails (offers before arrival, the thank-you): None until the guest answers; the
    # hotel's MarketingConsent rule decides what None means. Every answer is kept in ConsentRecord.
    marketing_consent: Mapped[bool | None]
    # Names, addresses and free texts removed (retention or the guest's erasure request); the
    # bookings, amounts and ratings stay, so the hotel's figures do not change.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def children(self) -> int:
        return len(self.children_ages)

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days


class ConsentRecord(HotelScoped, db.Model):
    """Each answer a guest gave about marketing emails: what, when, and where it was given."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="marketing")
    given: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where it was given: "my_stay", "sign_in", "desk", "api", "pms", "unsubscribe_link".
    source: Mapped[str] = mapped_column(String(20))
