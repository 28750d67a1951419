"""Bookings for the API's read tests: the factory hotel's through the guest's pages, another hotel's whole."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Package,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PoolMode,
    Refund,
    RefundStatus,
    ServiceKind,
)
from app.services import availability
from tests.browsing import text
from tests.factories import make_hotel, make_pool, make_rooms, make_service, make_stay


def riding_slot_on_page(guest, world) -> int:
    """The latest horse-riding time the guest's service page offers."""
    page = text(guest.client.get(f"/services/{world.services['horse_riding']}"))
    return int(re.findall(r'name="slot" value="(\d+)"', page)[-1])


def add_riding(guest, world, adults: int = 2) -> int:
    slot_id = riding_slot_on_page(guest, world)
    assert (
        guest.post(
            f"/services/{world.services['horse_riding']}", {"slot": slot_id, "adults": adults}
        ).status_code
        == 302
    )
    return slot_id


def book_riding_on_room(guest, world, adults: int = 2) -> str:
    """Signed-in guest books horse riding and charges the room; returns the order's reference."""
    add_riding(guest, world, adults)
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302, text(booked)
    return booked.location.rsplit("/", 1)[-1]


@dataclass
class Elsewhere:
    """Ids of another hotel's rows: a key of the factory hotel must never reach them."""

    hotel_id: int
    package_id: int
    service_id: int
    stay_id: int
    order_id: int
    line_id: int
    payment_id: int
    refund_id: int


def second_hotel(app) -> Elsewhere:
    """A second hotel with one of everything these endpoints read: catalog, a stay, an order, money."""
    with app.app_context():
        hotel = make_hotel(slug="second-lodge", name={"en": "Second Lodge"})
        make_rooms(hotel, [101])
        pool = make_pool(hotel, "boats", capacity=4)
        availability.ensure_slots(pool, hotel.today(), hotel.today() + timedelta(days=3))
        service = make_service(hotel, pool, "secret_boat", price_adult=9900)
        make_pool(hotel, "bikes", capacity=3, mode=PoolMode.DAILY)
        package = Package(
            hotel_id=hotel.id, code="lake", audience="nature", title={"en": "Lake"}, summary={"en": "Water"}
        )
        package.services = [service]
        db.session.add(package)
        stay = make_stay(hotel, room="101", surname="Hidden")
        now = clock.now()
        order = Order(
            hotel_id=hotel.id,
            stay_id=stay.id,
            reference="SECONDLODGE1",
            status=OrderStatus.CONFIRMED,
            payment_method=PaymentMethod.ROOM,
            currency="EUR",
            total=9900,
            placed_at=now,
        )
        line = OrderLine(
            hotel_id=hotel.id,
            order=order,
            service_id=service.id,
            status=LineStatus.BOOKED,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=1),
            adults=1,
            currency="EUR",
            subtotal=9900,
            total=9900,
            placed_at=now,
        )
        payment = Payment(
            hotel_id=hotel.id,
            order=order,
            provider="room",
            status=PaymentStatus.SUCCEEDED,
            amount=9900,
            currency="EUR",
            idempotency_key="lobby-room-SECONDLODGE1",
        )
        refund = Refund(
            hotel_id=hotel.id,
            payment=payment,
            amount=100,
            currency="EUR",
            status=RefundStatus.SUCCEEDED,
            reason="Secret reason",
        )
        db.session.add_all([order, line, payment, refund])
        db.session.commit()
        assert service.kind is ServiceKind.SLOT
        return Elsewhere(
            hotel_id=hotel.id,
            package_id=package.id,
            service_id=service.id,
            stay_id=stay.id,
            order_id=order.id,
            line_id=line.id,
            payment_id=payment.id,
            refund_id=refund.id,
        )


def leaks(answer, *markers: str) -> bool:
    """Whether an answer's body shows anything of the second hotel."""
    body = answer.get_data(as_text=True)
    return any(
        marker in body for marker in ("Second Lodge", "secret_boat", "SECONDLODGE1", "Hidden", *markers)
    )
