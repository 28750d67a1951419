"""What guests bought: placed orders and their lines, with prices, discounts and cancellation fees.

Carts are left out: a cart is the guest's private basket, holds no seats and charges nothing
until it is placed (a pending card checkout whose hold ran out goes back to being a cart).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.v1 import api
from app.api.v1.catalog import TEXTS, Texts, texts
from app.api.v1.kit import MAX_ID, hotel
from app.api.v1.paging import Page, PageQuery, page
from app.api.v1.times import UtcDateTime
from app.models import LineStatus, Order, OrderLine, OrderStatus, PaymentMethod
from app.services import ordering


class PriceLineOut(BaseModel):
    """One line of a booking's price as computed at booking (discounts are negative)."""

    model_config = ConfigDict(extra="ignore")

    code: str = Field(
        description="adult, child, child_free, unit_day, amenity; discounts: large_family, loyalty, "
        "bundle, promo"
    )
    quantity: int
    unit: int = Field(description="Minor units per item (per unit and day for unit_day)")
    amount: int = Field(description="Minor units; negative for a discount")
    age: int | None = Field(None, description="child_free: the age under which children are free")
    days: int | None = Field(None, description="unit_day and amenity: how many days")
    percent: int | None = Field(None, description="Discounts given as a percentage")
    label: str | None = Field(None, description="promo: the code the guest entered")


class OrderLineOut(BaseModel):
    id: int
    order_id: int
    service_id: int
    service_title: Texts = Field(description=TEXTS)
    status: LineStatus = Field(
        description="held: seats held while the card payment completes; requested: waiting for the desk's "
        "approval; booked; cancelled"
    )
    slot_id: int | None = Field(description="The timed slot (slots and tickets)")
    starts_at: datetime
    ends_at: datetime
    start_date: date | None = Field(description="First day, for rentals and amenities")
    end_date: date | None = Field(description="Last day (inclusive), for rentals and amenities")
    adults: int
    children_ages: list[int]
    quantity: int = Field(description="Units, for rentals and amenities")
    currency: str
    subtotal: int = Field(description="Before discounts, minor units")
    discount: int
    total: int = Field(description="What the line costs: subtotal - discount")
    cancellation_fee: int = Field(description="What cancelling kept back, minor units")
    price_lines: list[PriceLineOut]
    placed_at: datetime | None
    cancelled_at: datetime | None
    done_at: datetime | None = Field(description="When staff marked the service delivered")


class OrderOut(BaseModel):
    id: int
    reference: str = Field(description="What the guest and the desk call the order")
    stay_id: int
    status: Literal["pending", "confirmed", "cancelled"] = Field(
        description="pending: seats held until hold_expires_at while a card payment completes"
    )
    payment_method: PaymentMethod | None
    currency: str
    total: int = Field(description="Sum of the lines not cancelled, minor units")
    placed_at: datetime | None
    hold_expires_at: datetime | None
    late_charge: bool = Field(description="Posted by a manager after the guest checked out")
    created_at: datetime
    lines: list[OrderLineOut]


class OrderQuery(PageQuery):
    stay_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: Literal["pending", "confirmed", "cancelled"] | None = None
    placed_from: UtcDateTime | None = Field(None, description="Placed at or after (ISO 8601 with offset)")
    placed_until: UtcDateTime | None = Field(None, description="Placed before (ISO 8601 with offset)")


def _line(line: OrderLine) -> OrderLineOut:
    return OrderLineOut(
        id=line.id,
        order_id=line.order_id,
        service_id=line.service_id,
        service_title=texts(line.service.title),
        status=line.status,
        slot_id=line.slot_id,
        starts_at=line.starts_at,
        ends_at=line.ends_at,
        start_date=line.start_date,
        end_date=line.end_date,
        adults=line.adults,
        children_ages=list(line.children_ages or []),
        quantity=line.quantity,
        currency=line.currency,
        subtotal=line.subtotal,
        discount=line.discount,
        total=line.total,
        cancellation_fee=line.cancellation_fee,
        price_lines=[PriceLineOut.model_validate(item) for item in line.breakdown or []],
        placed_at=line.placed_at,
        cancelled_at=line.cancelled_at,
        done_at=line.done_at,
    )


def _order(order: Order) -> OrderOut:
    return OrderOut(
        id=order.id,
        reference=order.reference,
        stay_id=order.stay_id,
        status=order.status.value,
        payment_method=order.payment_method,
        currency=order.currency,
        total=order.total,
        placed_at=order.placed_at,
        hold_expires_at=order.hold_expires_at,
        late_charge=order.late_charge,
        created_at=order.created_at,
        lines=[_line(line) for line in order.lines],
    )


@api.route(
    "/orders",
    scope="orders:read",
    summary="The hotel's orders",
    tags=["orders"],
    responses={200: Page[OrderOut]},
    query=OrderQuery,
)
def list_orders(query: OrderQuery) -> Page[OrderOut]:
    """Placed orders (pending, confirmed, cancelled) with their lines, by id; guests' carts are not shown."""
    statement = ordering.placed_orders(
        hotel().id,
        stay_id=query.stay_id,
        status=OrderStatus(query.status) if query.status else None,
        placed_from=query.placed_from,
        placed_until=query.placed_until,
    )
    return page(statement, Order.id, query, _order)


@api.route(
    "/orders/<int:order_id>",
    scope="orders:read",
    summary="One order",
    tags=["orders"],
    responses={200: OrderOut},
)
def get_order(order_id: int) -> OrderOut:
    """An order with every line: service, status, times, party, price and what cancelling kept."""
    return _order(ordering.hotel_order(hotel().id, order_id))


@api.route(
    "/orders/<int:order_id>/lines/<int:line_id>",
    scope="orders:read",
    summary="One line of an order",
    tags=["orders"],
    responses={200: OrderLineOut},
)
def get_order_line(order_id: int, line_id: int) -> OrderLineOut:
    """One line, found only under its own order."""
    return _line(ordering.hotel_order_line(hotel().id, order_id, line_id))
