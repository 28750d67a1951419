"""Bearer tokens a hotel's own systems (the PMS) use to call Lobby, one hotel each, hashed at rest."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime
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

    @property
    def active(self) -> bool:
        return self.revoked_at is None
