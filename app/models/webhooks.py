"""Webhooks out: the hotel's endpoints, the outbox of events, and each delivery with its attempts.

An event is written to the outbox in the same transaction as the change it tells of, so
it exists exactly when the change does; deliveries are made later, by the
``flask lobby deliver-webhooks`` command, at least once, and retried with backoff.
(Stripe's webhooks *in* are ``WebhookEvent`` in ``app/models/payments.py``.)
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped


class WebhookEndpoint(HotelScoped, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Event types it wants ("order.placed") or families ("stay.*").
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The HMAC key the receiver checks signatures with. It must be readable to sign, so it is
    # kept as it is (like the hotel's Stripe key in the configuration), shown to managers once.
    secret: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class OutboxEvent(HotelScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The id receivers see and deduplicate by ("evt_" + random).
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)  # "order.placed"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Set once deliveries were made for every endpoint that wants it (the fan-out is done).
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # retried for the whole retry window, then given up


class WebhookDelivery(HotelScoped, db.Model):
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A worker sending it holds it until then; another worker skips it (several workers are safe).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")

    endpoint: Mapped[WebhookEndpoint] = relationship()
    event: Mapped[OutboxEvent] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.id"
    )


class WebhookAttempt(HotelScoped, db.Model):
    """One try at a delivery and what the endpoint answered, for the workspace."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int | None]  # None: no answer (refused, timed out)
    duration_ms: Mapped[int] = mapped_column(default=0)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")  # the first 500 characters
    error: Mapped[str] = mapped_column(String(300), default="")

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")
