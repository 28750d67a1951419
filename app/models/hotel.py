"""The hotel, the tenant every other row belongs to, its group and host names, and HotelScoped,
which every row a hotel owns carries."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, str_enum, utcnow
from app.models.i18n import I18nText, LocalizedText


class MarketingConsent(enum.StrEnum):
    """What the hotel's jurisdiction asks before a marketing email (offers, thank-you) may go out."""

    OPT_IN = "opt_in"  # only to guests who said yes (the EU's ePrivacy rules): the default
    OPT_OUT = "opt_out"  # to every guest with an address, unless they said no


class HotelGroup(TimestampMixin, db.Model):
    """Several hotels run by one company: its office sees them side by side (``StaffUser.group_id``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The group dashboard's totals are converted to this currency at the rates in ExchangeRate.
    reporting_currency: Mapped[str] = mapped_column(String(3))

    hotels: Mapped[list[Hotel]] = relationship(back_populates="group", order_by="Hotel.id")
    rates: Mapped[list[ExchangeRate]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="ExchangeRate.currency"
    )


class ExchangeRate(db.Model):
    """How much of the group's reporting currency one unit of ``currency`` is worth, as the manager
    entered it (a rate the group's accountants use, not a market feed)."""

    __table_args__ = (UniqueConstraint("group_id", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("hotel_group.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    # Decimal text ("0.0000365"): exact on every database, where a float would not be.
    rate_text: Mapped[str] = mapped_column("rate", String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    group: Mapped[HotelGroup] = relationship(back_populates="rates")

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_text)

    @rate.setter
    def rate(self, value: Decimal) -> None:
        self.rate_text = format(value.normalize(), "f")


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

    # --- Its group, and the host names guests reach it on ----------------------------------------
    group_id: Mapped[int | None] = mapped_column(ForeignKey("hotel_group.id"), index=True)

    # --- Its face on the guest pages and in emails ----------------------------------------------
    # The stored name of the re-encoded logo in UPLOAD_FOLDER (as service photos); "" for none.
    logo: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # "#rrggbb": the bars and buttons, and a highlight; both checked for contrast before saving.
    brand_color: Mapped[str] = mapped_column(String(7), default="#1f5f4a", server_default="#1f5f4a")
    accent_color: Mapped[str] = mapped_column(String(7), default="#f2b441", server_default="#f2b441")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    house_rules: Mapped[LocalizedText] = mapped_column(I18nText, default=dict)

    # --- Its guests' data ---------------------------------------------------------------------
    # The data controller named on the privacy page, and where guests write about their data.
    legal_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    privacy_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # Guests' names, addresses and free texts are anonymised this many days after departure.
    retention_days: Mapped[int] = mapped_column(default=365, server_default="365")
    marketing_consent: Mapped[MarketingConsent] = mapped_column(
        str_enum(MarketingConsent),
        default=MarketingConsent.OPT_IN,
        server_default=MarketingConsent.OPT_IN.value,
    )

    group: Mapped[HotelGroup | None] = relationship(back_populates="hotels")
    hosts: Mapped[list[HotelHost]] = relationship(
        back_populates="hotel", cascade="all, delete-orphan", order_by="HotelHost.id"
    )

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


class HotelHost(db.Model):
    """A host name guests reach one hotel on (``guests.hotel-a.com``); the first is used in links."""

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id"), index=True)
    # Lower case, no port: what a request's Host header is matched against.
    host: Mapped[str] = mapped_column(String(253), unique=True)

    hotel: Mapped[Hotel] = relationship(back_populates="hosts")
