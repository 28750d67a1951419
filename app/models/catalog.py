"""What a hotel sells: packages, services, the resource pools they draw on, and their slots."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, str_enum
from app.models.hotel import HotelScoped
from app.models.i18n import I18nText, LocalizedText


class ServiceKind(enum.StrEnum):
    SLOT = "slot"  # a timed activity in a pool session: horse riding, boat trip
    RENTAL = "rental"  # per-day rental of units: car, scooter, stroller
    AMENITY = "amenity"  # free item on request for some days: crib
    TICKET = "ticket"  # a fixed-date event with seats

    @property
    def by_day(self) -> bool:
        return self in (ServiceKind.RENTAL, ServiceKind.AMENITY)


class ServiceTag(enum.StrEnum):
    """What a service is, for offers and filters: set by the manager, never inferred from the package."""

    EXCURSION = "excursion"
    TRANSFER = "transfer"
    RENTAL = "rental"
    KIDS = "kids"
    INDOOR = "indoor"
    OUTDOOR = "outdoor"
    WELLNESS = "wellness"
    FOOD = "food"
    EVENT = "event"
    ANIMALS = "animals"
    SPORT = "sport"


class PoolMode(enum.StrEnum):
    SESSIONS = "sessions"  # timed sessions from a weekly schedule
    DAILY = "daily"  # one all-day allotment per calendar day
    EVENTS = "events"  # one-off dated events


class ResourcePool(HotelScoped, TimestampMixin, db.Model):
    """Capacity shared by every service that draws on it (6 horses, a 12-seat van)."""

    __table_args__ = (UniqueConstraint("hotel_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[LocalizedText] = mapped_column(I18nText)
    capacity: Mapped[int]
    mode: Mapped[PoolMode] = mapped_column(str_enum(PoolMode))

    schedules: Mapped[list[Schedule]] = relationship(back_populates="pool", cascade="all, delete-orphan")


class Schedule(HotelScoped, db.Model):
    """One weekly session of a pool: weekday and local start time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("resource_pool.id"), index=True)
    weekday: Mapped[int]  # 0 = Monday, as in date.weekday()
    start_time: Mapped[time]  # in the hotel's time zone
    minutes: Mapped[int]

    pool: Mapped[ResourcePool] = relationship(back_populates="schedules")


class Slot(HotelScoped, db.Model):
    """A bookable unit of a pool's capacity: a session, an event, or one day of rentals.

    ``taken`` counts seats held or booked; it changes only in ``services.availability``,
    always by a guarded update, and equals the sum of the slot's seat allocations.
    """

    __table_args__ = (
        UniqueConstraint("pool_id", "starts_at"),
        Index("ix_slot_pool_day", "pool_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("resource_pool.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_date: Mapped[date]  # the hotel-local calendar day the slot starts on
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    # Closed by a manager for one day (a storm, a holiday): capacity is 0 until it is reopened.
    closed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    pool: Mapped[ResourcePool] = relationship()

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.taken, 0)


package_service = Table(
    "package_service",
    db.metadata,
    Column("package_id", ForeignKey("package.id"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
    Column("position", db.Integer, nullable=False, default=0),
)


class Package(HotelScoped, TimestampMixin, db.Model):
    __table_args__ = (UniqueConstraint("hotel_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(20))  # family, outdoor, nature
    title: Mapped[LocalizedText] = mapped_column(I18nText)
    summary: Mapped[LocalizedText] = mapped_column(I18nText)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Archived: retired for good. Gone from guests and from the editor's working list; kept for history.
    archived: Mapped[bool] = mapped_column(default=False)
    # Bundle deal: booking this many different services of the package in one order gives the percent off.
    bundle_size: Mapped[int | None]
    bundle_percent: Mapped[int] = mapped_column(default=0)

    services: Mapped[list[Service]] = relationship(
        secondary=package_service,
        order_by=package_service.c.position,
        back_populates="packages",
    )


class Service(HotelScoped, TimestampMixin, db.Model):
    __table_args__ = (UniqueConstraint("hotel_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind))
    pool_id: Mapped[int] = mapped_column(ForeignKey("resource_pool.id"), index=True)
    title: Mapped[LocalizedText] = mapped_column(I18nText)
    summary: Mapped[LocalizedText] = mapped_column(I18nText)
    description: Mapped[LocalizedText] = mapped_column(I18nText)
    # Prices in the hotel currency's minor units: per adult and per child for
    # slots and tickets, per unit and day for rentals.
    price_adult: Mapped[int] = mapped_column(default=0)
    price_child: Mapped[int] = mapped_column(default=0)
    price_unit: Mapped[int] = mapped_column(default=0)
    free_under_age: Mapped[int | None]
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    lead_time_minutes: Mapped[int] = mapped_column(default=0)
    cancel_window_hours: Mapped[int] = mapped_column(default=24)
    # After the free window: None means the guest must ask the desk; otherwise the
    # share of the price kept (100 = cancellable online but not refunded).
    late_cancel_fee_percent: Mapped[int | None]
    # Booked only once the desk approves (babysitting): charged to the room on approval.
    needs_approval: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)  # paused when False: off sale, back any time
    archived: Mapped[bool] = mapped_column(default=False)
    # The manager wants this offered first to every stay it suits (recommendations).
    pinned: Mapped[bool] = mapped_column(default=False)
    # What kind of thing this is (ServiceTag values), edited by managers and read by the offers.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Every language's title and summary, folded (app/services/catalog_search.py), so a guest's
    # search is one LIKE in either database, whatever the language or accents.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    pool: Mapped[ResourcePool] = relationship()
    packages: Mapped[list[Package]] = relationship(secondary=package_service, back_populates="services")
    photos: Mapped[list[ServicePhoto]] = relationship(order_by="ServicePhoto.position, ServicePhoto.id")

    @property
    def is_free(self) -> bool:
        return self.price_adult == self.price_child == self.price_unit == 0

    def accepts_age(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)


class ServicePhoto(HotelScoped, TimestampMixin, db.Model):
    """A photo of a service, stored re-encoded at a few widths under a generated name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # files are <name>-<width>.webp
    widths: Mapped[list[int]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)
