"""Staff accounts: who works the desk or runs the offer, with what role, in which language."""

from __future__ import annotations

import enum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import TimestampMixin
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped


class StaffRole(enum.StrEnum):
    RECEPTIONIST = "receptionist"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def level(self) -> int:
        return list(StaffRole).index(self)

    def allows(self, needed: StaffRole) -> bool:
        """A manager can do all a receptionist can; an admin all a manager can."""
        return self.level >= needed.level


class StaffUser(HotelScoped, TimestampMixin, db.Model):
    """A staff member. Also what flask-login signs in: it needs only the four members at the end,
    written here so models import nothing of the web (flask-login's UserMixin gives the same)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole), default=StaffRole.RECEPTIONIST)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # Bumped at sign-out (and on password or role changes): every cookie issued before
    # stops working, even a copy taken earlier (flask-login issue 480).
    session_version: Mapped[int] = mapped_column(default=1)

    # --- What flask-login asks of a signed-in user -------------------------------------------------

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        return False
