"""A stay's life guards every way of selling to it: nothing reaches the bill of a stay that checked out,
and what is brought to the room waits until the guest is in the house; bookings ahead are welcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    FolioLine,
    GuestRequest,
    Order,
    PaymentMethod,
    RequestKind,
    Service,
    Slot,
    StaffRole,
    Stay,
)
from app.services import (
    approvals,
    cancellations,
    guest_requests,
    ordering,
    planning,
    reservations,
    staff_accounts,
    stay_desk,
    stay_life,
    waitlist,
)
from app.services.errors import NotAllowed
from tests import factories

CHECKED_OUT = "This stay has checked out: nothing more can be booked or asked for."
NOT_ARRIVED = "You can ask for this once you have checked in at the desk."


def riding(world, slot: Slot, adults: int = 1) -> planning.BookingRequest:
    return planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=adults)


def folio_lines() -> int:
    return db.session.scalar(select(func.count(FolioLine.id)))


def check_out(stay: Stay) -> None:
    stay_desk.check_out(stay)
    db.session.refresh(stay)


def expected_stay(hotel, world, room: str, surname: str, arrives_in: int, **fields) -> Stay:
    """A stay booked for three nights from ``arrives_in`` days ahead: not checked in yet (saved)."""
    arrival = world.today + timedelta(arrives_in)
    return factories.make_stay(
        hotel, room=room, surname=surname, arrival=arrival, departure=arrival + timedelta(3), **fields
    )


def refused(call, message: str = CHECKED_OUT) -> None:
    with pytest.raises(NotAllowed) as error:
        call()
    assert str(error.value.message) == message
    db.session.rollback()


def test_the_phase_follows_check_in_and_check_out(hotel, world):
    stay = factories.make_stay(
        hotel, room="110", surname="Later", arrival=world.today, departure=world.today + timedelta(2)
    )
    stay.checked_in_at = None
    db.session.commit()
    assert stay_life.phase(stay) is stay_life.StayPhase.EXPECTED
    refused(lambda: stay_desk.check_out(stay), "This guest has not checked in yet.")
    stay_desk.check_in_stay(stay)
    assert stay_life.phase(stay) is stay_life.StayPhase.IN_HOUSE
    refused(lambda: stay_desk.check_in_stay(stay), "This guest is already checked in.")
    stay_desk.check_out(stay)
    assert stay_life.phase(stay) is stay_life.StayPhase.CHECKED_OUT
    refused(lambda: stay_desk.check_in_stay(stay), "This guest has already checked out.")


def test_a_booked_stay_cannot_be_checked_in_before_its_arrival_day(hotel, world):
    stay = expected_stay(hotel, world, "111", "Early", arrives_in=2)
    with pytest.raises(NotAllowed) as error:
        stay_desk.check_in_stay(stay)
    assert "change the dates before checking in" in str(error.value.message)
    assert stay.checked_in_at is None


def test_nothing_is_sold_to_a_checked_out_stay_by_any_path(hotel, world, slot):
    stay = db.session.get(Stay, world.stays["garcia"])
    check_out(stay)
    before = folio_lines()

    refused(lambda: ordering.add_to_cart(stay, riding(world, slot)))
    refused(lambda: ordering.book_now(stay, riding(world, slot)))
    refused(lambda: ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM))
    refused(lambda: guest_requests.guest_asks(stay, RequestKind.AMENITY, item="towels"))
    refused(lambda: guest_requests.guest_asks(stay, RequestKind.HELP, details="A kettle, please"))

    assert folio_lines() == before
    assert db.session.scalar(select(func.count(Order.id)).where(Order.stay_id == stay.id)) == 0
    assert db.session.scalar(select(func.count(GuestRequest.id)).where(GuestRequest.stay_id == stay.id)) == 0


CANCELLED = "This reservation was cancelled: nothing can be booked or asked for."


def test_nothing_is_sold_to_a_cancelled_reservation_and_it_cannot_be_checked_in(hotel, world, slot):
    stay = expected_stay(hotel, world, "112", "Gone", arrives_in=0, checked_in_at=None)
    reservations.cancel(hotel, stay)

    refused(lambda: ordering.add_to_cart(stay, riding(world, slot)), CANCELLED)
    refused(lambda: ordering.book_now(stay, riding(world, slot)), CANCELLED)
    refused(lambda: ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM), CANCELLED)
    refused(lambda: guest_requests.guest_asks(stay, RequestKind.HELP, details="A kettle"), CANCELLED)
    refused(lambda: stay_desk.check_in_stay(stay), "This reservation was cancelled; it cannot be checked in.")
    assert db.session.scalar(select(func.count(Order.id)).where(Order.stay_id == stay.id)) == 0


def test_a_cart_filled_before_check_out_cannot_be_checked_out_after(hotel, world, slot):
    stay = db.session.get(Stay, world.stays["garcia"])
    ordering.add_to_cart(stay, riding(world, slot))
    check_out(stay)
    refused(lambda: ordering.checkout(stay, PaymentMethod.ROOM))
    db.session.refresh(slot)
    assert slot.taken == 0 and folio_lines() == 0


def test_a_question_about_a_booking_is_refused_after_check_out(hotel, world, slot):
    stay = db.session.get(Stay, world.stays["garcia"])
    order = ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM)
    check_out(stay)
    refused(lambda: guest_requests.ask_about_line(stay, order.lines[0], "Can we come later?"))


def test_waiting_lists_are_closed_to_a_checked_out_stay(hotel, world, slot):
    # Three parties fill the six places; Garcia waits, then the first party cancels.
    booked = []
    for n in range(3):
        other = factories.make_stay(hotel, room=str(150 + n), surname=f"Guest{n}")
        db.session.commit()
        booked.append((other, ordering.sell_at_desk(other, riding(world, slot, 2), PaymentMethod.ROOM)))
    stay = db.session.get(Stay, world.stays["garcia"])
    entry = waitlist.join(stay, riding(world, slot, 2))
    late = factories.make_stay(hotel, room="160", surname="Late")
    db.session.commit()
    cancellations.cancel_line(booked[0][0], booked[0][1].lines[0].id)
    db.session.refresh(entry)
    assert entry.status.value == "offered"

    check_out(stay)
    check_out(late)
    before = folio_lines()
    refused(lambda: waitlist.accept(stay, entry.id, PaymentMethod.ROOM))
    refused(lambda: waitlist.join(late, riding(world, slot, 2)))
    assert folio_lines() == before


def test_an_expected_guest_books_ahead_but_asks_for_room_items_once_in_the_house(hotel, world, slot):
    stay = expected_stay(hotel, world, "112", "Ahead", arrives_in=1, children_ages=[])
    assert stay_life.phase(stay) is stay_life.StayPhase.EXPECTED

    order = ordering.sell_at_desk(stay, riding(world, slot), PaymentMethod.ROOM)  # the pre-arrival upsell
    assert order.lines[0].status.value == "booked"
    refused(lambda: guest_requests.guest_asks(stay, RequestKind.AMENITY, item="towels"), NOT_ARRIVED)
    refused(
        lambda: guest_requests.guest_asks(stay, RequestKind.HELP, details="A kettle, please"), NOT_ARRIVED
    )


def test_a_booking_waiting_for_approval_cannot_be_approved_after_check_out(hotel, world, slot):
    stay = db.session.get(Stay, world.stays["garcia"])
    db.session.get(Service, world.services["farm_visit"]).needs_approval = True
    db.session.commit()
    farm = planning.BookingRequest(world.services["farm_visit"], slot_id=slot.id, adults=2)
    order = ordering.sell_at_desk(stay, farm, PaymentMethod.ROOM)
    request_id = db.session.scalar(
        select(GuestRequest.id).where(GuestRequest.order_line_id == order.lines[0].id)
    )
    desk = staff_accounts.create_staff(
        hotel, "rita@lodge.test", "a long enough password", StaffRole.RECEPTIONIST
    )
    db.session.commit()
    check_out(stay)

    refused(lambda: approvals.approve(hotel.id, request_id, desk))
    assert folio_lines() == 0
    approvals.decline(hotel.id, request_id, desk)  # declining frees the places and charges nothing
    assert folio_lines() == 0
