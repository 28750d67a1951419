"""Bearer tokens a hotel's own systems (the PMS) use to call Lobby, one hotel each, hashed at rest."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow
from app.models.hotel import HotelScoped

if TYPE_CHECKING:
    from app.models.staff import StaffUser


class ApiToken(HotelScoped, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # what it is for ("Opera PMS export")
    # SHA-256 of the token: the token itself is shown once, when it is made, and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a manager can tell tokens apart without seeing them.
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_by: Mapped[StaffUser | None] = relationship()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the key may do ("stays:write", "folio:read"…); app/services/api_tokens.py lists them.
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiCall(HotelScoped, db.Model):
    """One call of the public API, with the key that made it: who did what, and how it went."""

    __table_args__ = (Index("ix_api_call_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int]
    duration_ms: Mapped[int] = mapped_column(default=0)
    # The Idempotency-Key the call sent, if any, and whether its answer was a replay.
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    replayed: Mapped[bool] = mapped_column(default=False)


class IdempotentAnswer(HotelScoped, db.Model):
    """The first answer to a POST sent with an ``Idempotency-Key``: a retry gets it again.

    The row is written before the work starts (``status`` None while it runs), so two
    retries racing each other cannot both do the work: the second one's insert fails.
    """

    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of method, path and body: the same key with another request is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[int | None]
    content_type: Mapped[str] = mapped_column(String(100), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
