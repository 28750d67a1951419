"""What a stay bought: orders, their lines, the seats each line holds, and room charges."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime
from app.models.catalog import Service, Slot, str_enum
from app.models.hotel import HotelScoped
from app.models.stays import Stay


class OrderStatus(enum.StrEnum):
    CART = "cart"  # being put together; holds no seats
    PENDING = "pending"  # seats held until hold_expires_at while a card payment completes
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class LineStatus(enum.StrEnum):
    CART = "cart"
    HELD = "held"  # seats taken, waiting for the order's payment
    REQUESTED = "requested"  # seats taken, waiting for the desk to approve (babysitting)
    BOOKED = "booked"
    CANCELLED = "cancelled"


class PaymentMethod(enum.StrEnum):
    ROOM = "room"
    CARD = "card"


class Order(HotelScoped, TimestampMixin, db.Model):
    __tablename__ = "guest_order"  # "order" is an SQL keyword
    # The dashboard sums a hotel's orders over a period: this index is what keeps it fast.
    __table_args__ = (Index("ix_guest_order_hotel_placed", "hotel_id", "placed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus), default=OrderStatus.CART)
    payment_method: Mapped[PaymentMethod | None] = mapped_column(str_enum(PaymentMethod))
    currency: Mapped[str] = mapped_column(String(3))
    # Sum of the live (not cancelled) lines, in minor units; kept by services.ordering.
    total: Mapped[int] = mapped_column(default=0)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    promo_code_id: Mapped[int | None] = mapped_column(ForeignKey("promo_code.id"), index=True)
    # Posted by a manager after the guest checked out (a minibar found late): the folio says so.
    late_charge: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    stay: Mapped[Stay] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    @property
    def live_lines(self) -> list[OrderLine]:
        return [line for line in self.lines if line.status != LineStatus.CANCELLED]


class OrderLine(HotelScoped, TimestampMixin, db.Model):
    # Lines by hotel and placing time: the co-booking counts behind offers and the sales roll-up's rebuild.
    __table_args__ = (
        Index(
            "ix_order_line_sales",
            "hotel_id",
            "placed_at",
            "service_id",
            "status",
            "total",
            "cancellation_fee",
        ),
        # ... and asks whether a stay bought a paid extra from this one.
        Index("ix_order_line_paid", "order_id", "status", "total"),
        # Cancelled lines of an order, with what the refund figures read, for orders with desk refunds.
        Index(
            "ix_order_line_cancelled",
            "order_id",
            "cancelled_at",
            "hotel_id",
            "total",
            "cancellation_fee",
            postgresql_where=text("status = 'cancelled'"),
            sqlite_where=text("status = 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("guest_order.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    status: Mapped[LineStatus] = mapped_column(str_enum(LineStatus), default=LineStatus.CART)
    # The timed slot for activities and tickets; by-day lines use the date range.
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id"), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]  # inclusive last day
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    adults: Mapped[int] = mapped_column(default=0)
    children_ages: Mapped[list[int]] = mapped_column(JSON, default=list)
    quantity: Mapped[int] = mapped_column(default=1)  # units for rentals and amenities
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(default=0)
    discount: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # The priced lines as computed at booking: [{"code", "quantity", "unit", "amount", ...}].
    breakdown: Mapped[list[dict]] = mapped_column(JSON, default=list)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the order was placed (copied from it), so sales add up without a join.
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when staff mark the service delivered, so the guest is asked to rate it.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What cancelling kept back (the late-cancellation fee), in minor units.
    cancellation_fee: Mapped[int] = mapped_column(default=0)
    # The offer that led to this line, if any: where it was shown (OfferPlace) and why (a reason code).
    offer_place: Mapped[str | None] = mapped_column(String(20))
    offer_reason: Mapped[str | None] = mapped_column(String(40))

    order: Mapped[Order] = relationship(back_populates="lines")
    service: Mapped[Service] = relationship()
    slot: Mapped[Slot | None] = relationship()
    allocations: Mapped[list[SeatAllocation]] = relationship(
        back_populates="line", cascade="all, delete-orphan"
    )

    @property
    def seats(self) -> int:
        """How much of the pool this line uses in each slot it touches."""
        if self.service.kind.by_day:
            return self.quantity
        return self.adults + len(self.children_ages)


class SeatAllocation(db.Model):
    """The ledger behind ``Slot.taken``: which line holds how many seats of which slot."""

    __table_args__ = (UniqueConstraint("line_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    seats: Mapped[int]

    line: Mapped[OrderLine] = relationship(back_populates="allocations")


class FolioLine(HotelScoped, db.Model):
    """A charge (or reversal) posted to the room bill, for the PMS to import."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("guest_order.id"), index=True)
    room: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int]  # negative for a reversal
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(String(200))  # in the hotel's default language
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # A charge a manager posted after check-out; the PMS export marks it so the folio is reopened.
    late_charge: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The export run that handed this line to the PMS; empty until one claims it.
    export_batch_id: Mapped[int | None] = mapped_column(ForeignKey("folio_export.id"), index=True)


class FolioExport(HotelScoped, db.Model):
    """One run of the PMS export: the folio lines it claimed, so none is sent twice or skipped."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lines: Mapped[list[FolioLine]] = relationship(order_by="FolioLine.id")
