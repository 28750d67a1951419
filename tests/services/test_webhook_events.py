"""Every webhook event comes from the real service operation that makes the change, and only if it commits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    LineStatus,
    OrderLine,
    OutboxEvent,
    Payment,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
    RequestKind,
    RequestStatus,
    Service,
    StaffRole,
    StaffUser,
    Stay,
    StaySource,
    Tier,
)
from app.payments.base import IntentState, IntentStatus, RefundState
from app.services import (
    approvals,
    cancellations,
    feedback,
    guest_requests,
    ordering,
    payments,
    planning,
    reservations,
    stay_desk,
    webhooks,
)
from app.services.errors import LobbyError
from app.services.locking import write_transaction
from tests.staff import make_staff

EVERYTHING = [f"{family}.*" for family in webhooks.EVENT_FAMILIES]


@pytest.fixture
def listening(hotel):
    """An endpoint of the hotel that wants every event (none is written without one)."""
    webhooks.create_endpoint(hotel, "https://pms.example.com/hooks", EVERYTHING, created_by=None)


def written(since: int = 0) -> list[str]:
    return list(
        db.session.scalars(select(OutboxEvent.type).where(OutboxEvent.id > since).order_by(OutboxEvent.id))
    )


def last_event_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(OutboxEvent.id), 0)))


def event_data(event_type: str) -> dict:
    return db.session.scalars(
        select(OutboxEvent.data).where(OutboxEvent.type == event_type).order_by(OutboxEvent.id.desc())
    ).first()


def riding(world, slot, adults: int = 1) -> planning.BookingRequest:
    return planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=adults)


def test_stay_events_come_from_the_desk_and_the_reservations_service(hotel, listening):
    today = hotel.today()
    walk_in = stay_desk.check_in(
        hotel,
        stay_desk.CheckIn(
            room="110",
            surname="Okafor",
            first_name="Ada",
            email="",
            locale="en",
            arrival=today,
            departure=today + timedelta(days=2),
            adults=1,
            children_ages=[],
            tier=Tier.STANDARD,
        ),
    )
    assert written() == ["stay.created", "stay.checked_in"]
    assert event_data("stay.checked_in")["id"] == walk_in.id
    assert event_data("stay.checked_in")["status"] == "in_house"

    mark = last_event_id()
    booked = reservations.Reservation("PMS-7", "Lindqvist", today, today + timedelta(days=3))
    stay, _ = reservations.upsert(hotel, booked, StaySource.API)
    reservations.upsert(hotel, booked, StaySource.API)  # the same again: no change, no event
    booked.room = "115"
    reservations.upsert(hotel, booked, StaySource.API)
    stay_desk.check_in_stay(stay)
    stay_desk.check_out(stay)
    assert written(mark) == ["stay.created", "stay.updated", "stay.checked_in", "stay.checked_out"]
    assert event_data("stay.updated")["room"] == "115"
    assert event_data("stay.checked_out")["status"] == "checked_out"

    mark = last_event_id()
    later = reservations.Reservation("PMS-8", "Berg", today + timedelta(days=9), today + timedelta(days=12))
    cancelled, _ = reservations.upsert(hotel, later, StaySource.API)
    assert reservations.cancel(hotel, cancelled)
    assert not reservations.cancel(hotel, cancelled)  # already: nothing new
    assert written(mark) == ["stay.created", "stay.cancelled"]
    data = event_data("stay.cancelled")
    assert data["pms_reservation_id"] == "PMS-8" and data["status"] == "cancelled"
    assert data["cancelled_at"].endswith("Z") and "access_token" not in data


def test_orders_payments_and_refunds_on_the_room(hotel, world, slot, listening):
    stay = db.session.get(Stay, world.stays["garcia"])
    order = ordering.sell_at_desk(stay, riding(world, slot, adults=2), PaymentMethod.ROOM)
    assert written() == ["order.placed", "payment.succeeded"]
    placed = event_data("order.placed")
    assert placed["reference"] == order.reference and placed["status"] == "confirmed"
    assert placed["total"] == 12000 and placed["currency"] == "EUR"
    assert placed["lines"][0]["service"] == "horse_riding" and placed["lines"][0]["adults"] == 2
    paid = event_data("payment.succeeded")
    assert (paid["method"], paid["amount"], paid["order_reference"]) == ("room", 12000, order.reference)

    mark = last_event_id()
    cancellations.cancel_line(stay, order.lines[0].id)
    assert written(mark) == ["order.cancelled", "refund.created", "refund.succeeded"]
    cancelled = event_data("order.cancelled")
    assert cancelled["status"] == "cancelled" and cancelled["line_id"] == order.lines[0].id
    assert cancelled["lines"][0]["status"] == "cancelled"
    refunded = event_data("refund.succeeded")
    assert (refunded["amount"], refunded["status"], refunded["order_reference"]) == (
        12000,
        "succeeded",
        order.reference,
    )


def test_card_payments_and_refunds_that_fail(hotel, world, slot, listening):
    """What Stripe's webhook or the reconciler tells the payments service, applied by its own functions."""
    stay = db.session.get(Stay, world.stays["garcia"])
    order = ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM)
    declined = Payment(
        hotel_id=hotel.id,
        order=order,
        provider="stripe",
        status=PaymentStatus.PENDING,
        amount=6000,
        currency="EUR",
        external_id="pi_declined",
        idempotency_key="lobby-pay-test-1",
    )
    taken = Payment(
        hotel_id=hotel.id,
        order=order,
        provider="stripe",
        status=PaymentStatus.SUCCEEDED,
        amount=6000,
        currency="EUR",
        external_id="pi_taken",
        idempotency_key="lobby-pay-test-2",
    )
    late = Payment(
        hotel_id=hotel.id,
        order=order,
        provider="stripe",
        status=PaymentStatus.PENDING,
        amount=6000,
        currency="EUR",
        external_id="pi_late",
        idempotency_key="lobby-pay-test-3",
    )
    db.session.add_all([declined, taken, late])
    db.session.commit()
    mark = last_event_id()

    payments.record_intent_state(
        declined.id,
        IntentState("pi_declined", IntentStatus.FAILED, 6000, "EUR", failure_code="card_declined"),
    )
    # A card success for an order already booked otherwise: it succeeded, and goes straight back.
    payments.record_intent_state(late.id, IntentState("pi_late", IntentStatus.SUCCEEDED, 6000, "EUR"))
    assert written(mark) == ["payment.failed", "refund.created", "payment.succeeded"]
    assert event_data("payment.succeeded")["method"] == "stripe"
    mark = last_event_id()
    with write_transaction():
        refund = payments.refund_within_transaction(taken, 6000, "Guest left early")
    payments.record_refund_state(
        refund.id, RefundState("re_1", RefundStatus.FAILED, "expired_or_canceled_card")
    )

    assert written(mark) == ["refund.created", "refund.failed"]
    failed = event_data("payment.failed")
    assert (failed["status"], failed["failure_code"], failed["method"]) == (
        "failed",
        "card_declined",
        "stripe",
    )
    assert event_data("refund.failed")["failure_reason"] == "expired_or_canceled_card"


def test_requests_and_feedback(hotel, world, listening):
    stay = db.session.get(Stay, world.stays["garcia"])
    asked = guest_requests.guest_asks(stay, RequestKind.HELP, details="The shower is cold")
    guest_requests.move(asked, RequestStatus.ACKNOWLEDGED, None)
    given = feedback.rate_stay(stay, 5, "Lovely", hotel.today())
    assert written() == ["request.created", "request.updated", "feedback.created"]
    assert event_data("request.updated")["status"] == "acknowledged"
    assert event_data("request.created")["kind"] == "help" and event_data("request.created")["room"] == "204"
    assert event_data("feedback.created")["id"] == given.id and event_data("feedback.created")["rating"] == 5


def test_an_operation_that_fails_writes_no_event_and_one_that_commits_does(
    app, hotel, world, slot, listening
):
    """Declining opens nothing new: the request moves (request.updated is sent) and then the message is
    refused as too long, so the whole answer rolls back, and its event with it."""
    service = db.session.get(Service, world.services["horse_riding"])
    service.needs_approval = True
    db.session.commit()
    stay = db.session.get(Stay, world.stays["garcia"])
    order = ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM)
    assert written() == ["request.created", "order.placed"]  # nothing charged until approved
    approval = db.session.scalar(
        select(guest_requests.GuestRequest).where(guest_requests.GuestRequest.kind == RequestKind.APPROVAL)
    )
    receptionist = db.session.scalar(
        select(StaffUser).where(StaffUser.email == make_staff(app, hotel.id, StaffRole.RECEPTIONIST))
    )
    mark = last_event_id()

    with pytest.raises(LobbyError):
        approvals.decline(hotel.id, approval.id, receptionist, message="x" * 5000)
    assert written(mark) == []
    assert db.session.get(OrderLine, order.lines[0].id).status is LineStatus.REQUESTED

    approvals.decline(hotel.id, approval.id, receptionist, message="Fully booked, sorry")
    assert written(mark) == ["request.updated", "order.cancelled"]


def test_nothing_is_written_for_a_hotel_without_an_endpoint_wanting_it(hotel, world, slot):
    stay = db.session.get(Stay, world.stays["garcia"])
    ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM)
    webhooks.create_endpoint(hotel, "https://pms.example.com/hooks", ["feedback.created"], created_by=None)
    ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM)
    assert written() == []
    feedback.rate_stay(stay, 4, "", hotel.today())
    assert written() == ["feedback.created"]
