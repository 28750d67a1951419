"""Columns every hotel-owned table shares, as mixins rather than copies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from app.models.hotel import Hotel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite would drop the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored in UTC and must say so")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HotelScoped:
    """Every row a hotel owns carries its hotel, so a second hotel never needs a data migration."""

    @declared_attr
    def hotel_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("hotel.id"), index=True)

    @declared_attr
    def hotel(cls) -> Mapped[Hotel]:
        """The owning hotel, for its time zone, currency and rules (from the identity map once loaded)."""
        return relationship("Hotel")
