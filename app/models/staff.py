"""Staff accounts: who works the desk or runs the offer, in which hotels, with what role in each."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, str_enum
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
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # Bumped at sign-out (and on password or role changes): every cookie issued before
    # stops working, even a copy taken earlier (flask-login issue 480).
    session_version: Mapped[int] = mapped_column(default=1)
    # A member of the group's office: works in every hotel of the group, and sees the group dashboard.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("hotel_group.id"), index=True)

    memberships: Mapped[list[StaffMembership]] = relationship(
        back_populates="staff_user", cascade="all, delete-orphan", order_by="StaffMembership.hotel_id"
    )

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


class StaffMembership(HotelScoped, TimestampMixin, db.Model):
    """One hotel a staff member works in, with their role there (a receptionist at one hotel may
    manage another). ``StaffUser.hotel_id`` is the hotel the account was made in."""

    __table_args__ = (UniqueConstraint("staff_user_id", "hotel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole))

    staff_user: Mapped[StaffUser] = relationship(back_populates="memberships")
