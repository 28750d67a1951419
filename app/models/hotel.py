"""The hotel, the tenant every other row belongs to, and HotelScoped, which every row it owns carries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import TimestampMixin
from app.models.i18n import I18nText, LocalizedText


class Hotel(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[LocalizedText] = mapped_column(I18nText)
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    enabled_locales: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    # A family with this many children or more gets the large-family discount.
    large_family_min_children: Mapped[int] = mapped_column(default=3)
    large_family_discount_percent: Mapped[int] = mapped_column(default=0)
    # How guests may pay; card also needs Stripe keys in the configuration.
    card_payments_enabled: Mapped[bool] = mapped_column(default=True)
    room_charge_enabled: Mapped[bool] = mapped_column(default=True)
    # Discounts: loyal guests get a share off; all rules together never take more than the cap.
    silver_discount_percent: Mapped[int] = mapped_column(default=5)
    gold_discount_percent: Mapped[int] = mapped_column(default=10)
    max_discount_percent: Mapped[int] = mapped_column(default=40)
    # Loyal guests are answered faster: their SLA targets are this share of the normal ones.
    silver_sla_percent: Mapped[int] = mapped_column(default=75)
    gold_sla_percent: Mapped[int] = mapped_column(default=50)
    # The offer email goes out this many days before arrival.
    pre_arrival_days: Mapped[int] = mapped_column(default=5)
    # Bumped with every change a guest's offers read from the catalog (services, packages, prices,
    # discounts, pools, schedules): cached offers are keyed by it (app/services/offer_cache.py).
    catalog_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """``moment`` (stored in UTC) on the hotel's wall clock, daylight saving included."""
        return moment.astimezone(self.tz)

    def today(self) -> date:
        """The hotel's date now: after midnight at the hotel it is tomorrow, whatever the UTC date."""
        return self.local(clock.now()).date()

    def __repr__(self) -> str:
        return f"<Hotel {self.slug}>"


class HotelScoped:
    """Every row a hotel owns carries its hotel, so a second hotel never needs a data migration."""

    @declared_attr
    def hotel_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("hotel.id"), index=True)

    @declared_attr
    def hotel(cls) -> Mapped[Hotel]:
        """The owning hotel, for its time zone, currency and rules (from the identity map once loaded)."""
        return relationship(Hotel)
