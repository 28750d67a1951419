"""Money moving for an order: payments by card or room charge, their refunds, and Stripe's events."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped
from app.models.orders import Order


class PaymentStatus(enum.StrEnum):
    CREATED = "created"  # our row exists; the provider may not have heard of it yet
    PENDING = "pending"  # the provider has it; the guest is paying
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # this attempt failed; the guest may try again while the hold lasts
    EXPIRED = "expired"  # the seat hold ran out first; a late success is refunded
    CANCELLED = "cancelled"

    @property
    def open(self) -> bool:
        return self in (PaymentStatus.CREATED, PaymentStatus.PENDING, PaymentStatus.FAILED)


class RefundStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self is not RefundStatus.PENDING


class Payment(HotelScoped, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("guest_order.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))  # "stripe" or "room"
    status: Mapped[PaymentStatus] = mapped_column(str_enum(PaymentStatus), default=PaymentStatus.CREATED)
    amount: Mapped[int]  # minor units; the same number the guest saw and the provider charges
    currency: Mapped[str] = mapped_column(String(3))
    # Stripe's PaymentIntent id ("pi_…"); empty for a room charge.
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # Sent with the create call, so a retry after a timeout never makes a second intent.
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    failure_code: Mapped[str | None] = mapped_column(String(60))
    # Set when a success arrived after the hold expired and was refunded: the guest is told.
    refunded_late: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id")

    @property
    def refunded(self) -> int:
        """Minor units given back or on their way back (failed refunds do not count)."""
        live = (RefundStatus.PENDING, RefundStatus.SUCCEEDED)
        return sum(refund.amount for refund in self.refunds if refund.status in live)

    @property
    def refundable(self) -> int:
        return self.amount - self.refunded if self.status is PaymentStatus.SUCCEEDED else 0


class Refund(HotelScoped, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[RefundStatus] = mapped_column(str_enum(RefundStatus), default=RefundStatus.PENDING)
    reason: Mapped[str] = mapped_column(String(300), default="")
    # Which order line's cancellation caused it, if any.
    # Indexed: the dashboards ask what was refunded for each cancelled line.
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)  # Stripe "re_…"
    failure_reason: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds")

    @property
    def idempotency_key(self) -> str:
        return f"lobby-refund-{self.id}"


class WebhookEvent(db.Model):
    """Every verified provider event, by its id: a second delivery is recognised and ignored."""

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  # Stripe's "evt_…"
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the event was about ("pi_…", "re_…"), for support; the payload itself is not kept.
    object_id: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str | None] = mapped_column(String(120))
