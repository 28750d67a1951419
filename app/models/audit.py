"""The audit trail: who changed what, when, from what to what, and why.

Written only by service operations (``app/services/audit.py``), inside the same
transaction as the change, so an entry exists exactly when the change does.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped


class ActorKind(enum.StrEnum):
    STAFF = "staff"
    GUEST = "guest"
    PMS = "pms"  # the hotel's own systems, through an API token
    SYSTEM = "system"  # Lobby itself: expiry sweeps, webhooks, the command line


class AuditEntry(HotelScoped, db.Model):
    __table_args__ = (
        Index("ix_audit_entry_object", "hotel_id", "object_kind", "object_id"),
        Index("ix_audit_entry_hotel_at", "hotel_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # The actor as they were named at the time ("Anna Berg", "Guest, room 204", "Mews"):
    # the trail must still read right after a staff account is renamed or removed.
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(40))  # "order.placed", "pool.capacity_changed"
    object_kind: Mapped[str] = mapped_column(String(20))  # "order", "payment", "service", "pool"…
    object_id: Mapped[int]
    # The stay the change concerns, when there is one, so a stay's page can show its whole trail
    # (its orders, payments, refunds, check-in and check-out) with one query.
    stay_id: Mapped[int | None] = mapped_column(ForeignKey("stay.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.object_kind}:{self.object_id}>"
