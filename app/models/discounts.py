"""Promo codes a hotel hands out; the other discount rules are settings on the hotel and packages."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import TimestampMixin
from app.models.catalog import str_enum
from app.models.hotel import HotelScoped


class PromoKind(enum.StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"  # minor units off the order


class PromoCode(HotelScoped, TimestampMixin, db.Model):
    __table_args__ = (UniqueConstraint("hotel_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # stored upper-case; guests type any case
    kind: Mapped[PromoKind] = mapped_column(str_enum(PromoKind))
    value: Mapped[int]  # percent, or minor units
    valid_from: Mapped[date]
    valid_until: Mapped[date]  # inclusive
    usage_limit: Mapped[int | None]  # orders in all; empty = unlimited
    per_stay_limit: Mapped[int] = mapped_column(default=1)
    used: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
