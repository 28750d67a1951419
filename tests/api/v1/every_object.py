"""A hotel holding one of every thing the public API speaks of, and the path ids that name them.

The fuzzer reads a hotel with data through the API; the isolation test builds a second one
and asks for its things with the first hotel's key. Both know each object by the name of
the path parameter that would name it (``stay_id``, ``refund_id``…), so a new endpoint's
parameter is looked up here, or the isolation test says it is missing.
"""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import (
    Feedback,
    FolioExport,
    FolioLine,
    Hotel,
    LineStatus,
    OrderLine,
    Package,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PoolMode,
    Refund,
    RefundStatus,
    RequestKind,
    Service,
)
from app.services import availability, guest_requests
from tests.factories import make_pool, make_service, make_stay, placed_order


def add_every_object(hotel: Hotel, *, room: str = "112", surname: str = "Haddad") -> dict[str, int | str]:
    """One stay (from the PMS) with an order and its line, a payment and a refund, a folio line taken
    by an export, a guest request and feedback, plus a package and a service; their ids by path
    parameter name. Call in an app context; commits."""
    mark = f"{hotel.slug}-{room}"
    now = clock.now()
    pool = make_pool(hotel, f"bikes-{room}", capacity=4, mode=PoolMode.DAILY)
    availability.ensure_slots(pool, hotel.today(), hotel.today() + timedelta(days=5))
    service: Service = make_service(
        hotel, pool, f"bike_{room}", price_adult=2000, price_child=1000, tags=["outdoor"]
    )
    package = Package(
        hotel_id=hotel.id,
        code=f"active-{room}",
        audience="outdoor",
        title={"en": f"Active {room}"},
        summary={"en": "Out and about"},
        position=9,
    )
    package.services = [service]
    db.session.add(package)
    stay = make_stay(
        hotel,
        room=room,
        surname=surname,
        first_name="Layla",
        email=f"layla.{room}@example.com",
        pms_reservation_id=f"PMS-{room}",
    )

    order = placed_order(hotel.id, stay.id, f"ORD-{mark}", now - timedelta(hours=2), currency=hotel.currency)
    order.payment_method = PaymentMethod.ROOM
    order.total = 2000
    line = OrderLine(
        hotel_id=hotel.id,
        order=order,
        service_id=service.id,
        status=LineStatus.BOOKED,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        adults=1,
        currency=hotel.currency,
        placed_at=order.placed_at,
        subtotal=2000,
        total=2000,
    )
    db.session.add(line)
    db.session.flush()
    payment = Payment(
        hotel_id=hotel.id,
        order_id=order.id,
        provider="room",
        status=PaymentStatus.SUCCEEDED,
        amount=2000,
        currency=hotel.currency,
        idempotency_key=f"pay-{mark}",
    )
    db.session.add(payment)
    db.session.flush()
    refund = Refund(
        hotel_id=hotel.id,
        payment_id=payment.id,
        amount=500,
        currency=hotel.currency,
        status=RefundStatus.SUCCEEDED,
        reason="Started late",
        order_line_id=line.id,
    )
    export = FolioExport(hotel_id=hotel.id, created_at=now - timedelta(hours=1))
    db.session.add_all([refund, export])
    db.session.flush()
    folio_line = FolioLine(
        hotel_id=hotel.id,
        stay_id=stay.id,
        order_id=order.id,
        room=room,
        amount=2000,
        currency=hotel.currency,
        description=f"Bike {room}",
        reference=f"F-{mark}",
        posted_at=order.placed_at,
        export_batch_id=export.id,
    )
    feedback = Feedback(
        hotel_id=hotel.id,
        stay_id=stay.id,
        order_line_id=line.id,
        service_id=service.id,
        rating=2,
        comment=f"The bike of {surname} had a flat tyre",
    )
    db.session.add_all([folio_line, feedback])
    db.session.flush()
    request = guest_requests.open_request(
        stay, RequestKind.HELP, details=f"{surname} needs a pump", feedback=feedback, now=now
    )
    db.session.flush()
    ids: dict[str, int | str] = {
        "stay_id": stay.id,
        "order_id": order.id,
        "line_id": line.id,
        "payment_id": payment.id,
        "refund_id": refund.id,
        "package_id": package.id,
        "service_id": service.id,
        "request_id": request.id,
        "feedback_id": feedback.id,
        "folio_line_id": folio_line.id,
        "export_id": export.id,
        "pms_reservation_id": stay.pms_reservation_id,
    }
    db.session.commit()
    return ids
