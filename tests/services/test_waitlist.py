"""Waiting lists: who may join, offers in order to parties that fit, and never a seat sold twice."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.extensions import db
from app.models import (
    GuestRequest,
    Hotel,
    LineStatus,
    OrderStatus,
    PaymentMethod,
    RequestKind,
    SeatAllocation,
    Slot,
    StaffRole,
    Stay,
    WaitlistEntry,
    WaitlistStatus,
)
from app.services import (
    approvals,
    cancellations,
    capacity,
    ordering,
    planning,
    signals,
    staff_accounts,
    waitlist,
)
from app.services.errors import LobbyError, NotAllowed, NotFound, SoldOut
from tests import factories

W = WaitlistStatus


def guest_stay(hotel: Hotel, n: int, adults: int = 2, children_ages=()) -> Stay:
    stay = factories.make_stay(
        hotel, room=str(500 + n), surname=f"Guest{n}", adults=adults, children_ages=list(children_ages)
    )
    db.session.commit()
    return stay


def request_for(world, slot: Slot, adults: int, children=(), service: str = "horse_riding"):
    return planning.BookingRequest(
        world.services[service], slot_id=slot.id, adults=adults, child_indexes=list(children)
    )


def book(world, stay: Stay, slot: Slot, adults: int) -> int:
    """A booking charged to the room; returns its line id."""
    order = ordering.sell_at_desk(stay, request_for(world, slot, adults), PaymentMethod.ROOM)
    return order.lines[0].id


def fill(world, hotel: Hotel, slot: Slot) -> list[tuple[Stay, int]]:
    """Three bookings of two adults fill the stable's 6 places; returns (stay, line id) of each."""
    booked = []
    for n in range(3):
        stay = guest_stay(hotel, 900 + n)
        booked.append((stay, book(world, stay, slot, 2)))
    db.session.refresh(slot)
    assert slot.seats_left == 0
    return booked


def refreshed(*objects):
    for item in objects:
        db.session.refresh(item)


def taken_is_honest(slot: Slot) -> None:
    """Every taken seat belongs to a live booking or an open offer; never above capacity."""
    db.session.expire_all()
    slot = db.session.get(Slot, slot.id)
    allocated = db.session.scalar(
        select(func.coalesce(func.sum(SeatAllocation.seats), 0)).where(SeatAllocation.slot_id == slot.id)
    )
    held = db.session.scalar(
        select(func.coalesce(func.sum(WaitlistEntry.held_seats), 0)).where(
            WaitlistEntry.slot_id == slot.id, WaitlistEntry.status == W.OFFERED
        )
    )
    assert slot.taken == allocated + held
    assert slot.taken <= slot.capacity


# --- joining ------------------------------------------------------------------------------------


def test_a_time_with_room_for_the_party_cannot_be_joined(hotel, world, slot):
    stay = guest_stay(hotel, 1)
    with pytest.raises(NotAllowed, match="still places"):
        waitlist.join(stay, request_for(world, slot, 2))
    # Two places left and a party of three: that party may wait, a party of two may not.
    book(world, guest_stay(hotel, 2, adults=4), slot, 4)
    family = guest_stay(hotel, 3, adults=2, children_ages=[9])
    entry = waitlist.join(family, request_for(world, slot, 2, [0]))
    assert (entry.status, entry.seats, entry.adults, entry.children_ages) == (W.WAITING, 3, 2, [9])
    with pytest.raises(NotAllowed):
        waitlist.join(stay, request_for(world, slot, 2))


def test_a_sold_out_time_can_be_joined_once_per_stay(hotel, world, slot):
    fill(world, hotel, slot)
    stay = guest_stay(hotel, 1)
    first = waitlist.join(stay, request_for(world, slot, 2))
    with pytest.raises(NotAllowed, match="already on the waiting list"):
        waitlist.join(stay, request_for(world, slot, 1))
    assert waitlist.position(first) == 1
    second = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 1))
    assert waitlist.position(second) == 2
    assert waitlist.live_slot_ids(stay) == {slot.id}
    # Having left, the guest may queue again (at the back).
    waitlist.leave(stay, first.id)
    again = waitlist.join(stay, request_for(world, slot, 2))
    assert waitlist.position(again) == 2


def test_the_party_is_checked_like_a_booking(hotel, world, slot):
    fill(world, hotel, slot)
    family = db.session.get(Stay, world.stays["garcia"])  # 2 adults, children aged 4 and 9
    with pytest.raises(LobbyError, match="too young"):
        waitlist.join(family, request_for(world, slot, 1, [0]))  # horse riding is from 8
    with pytest.raises(LobbyError, match="2 adults"):
        waitlist.join(family, request_for(world, slot, 3))
    with pytest.raises(LobbyError, match="who is coming"):
        waitlist.join(family, request_for(world, slot, 0))
    with pytest.raises(LobbyError, match="children from your stay"):
        waitlist.join(family, request_for(world, slot, 1, [5]))
    big = guest_stay(hotel, 1, adults=7)
    with pytest.raises(LobbyError, match="At most 6 people"):
        waitlist.join(big, request_for(world, slot, 7))
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 0


def test_passed_times_other_hotels_and_rentals_have_no_waiting_list(hotel, world, slot, frozen_now):
    fill(world, hotel, slot)
    stay = guest_stay(hotel, 1)
    with pytest.raises(LobbyError, match="set times"):
        waitlist.join(stay, request_for(world, slot, 1, service="car_rental"))
    other_hotel = factories.make_hotel("other-lodge")
    stranger = factories.make_stay(other_hotel, room="1", surname="Stranger", children_ages=[])
    db.session.commit()
    with pytest.raises(NotFound):
        waitlist.join(stranger, request_for(world, slot, 1))
    frozen_now(slot.starts_at - timedelta(minutes=30))  # inside the hour's lead time
    with pytest.raises(NotAllowed, match="in advance"):
        waitlist.join(stay, request_for(world, slot, 1))


# --- offers -------------------------------------------------------------------------------------


def test_a_cancellation_offers_the_seats_in_order_skipping_a_party_that_does_not_fit(hotel, world, slot):
    booked = fill(world, hotel, slot)
    four = waitlist.join(guest_stay(hotel, 1, adults=4), request_for(world, slot, 4))
    two = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))
    one = waitlist.join(guest_stay(hotel, 3), request_for(world, slot, 1))

    stay, line_id = booked[0]
    cancellations.cancel_line(stay, line_id)  # 2 seats back

    refreshed(four, two, one, slot)
    assert (four.status, two.status, one.status) == (W.WAITING, W.OFFERED, W.WAITING)
    assert two.held_seats == 2 and slot.seats_left == 0
    minutes = (two.offer_expires_at - two.offered_at).total_seconds() / 60
    assert minutes == pytest.approx(60)
    assert waitlist.position(four) == 1 and waitlist.position(one) == 2
    taken_is_honest(slot)

    # Another 2 seats: still too few for the four, so the one behind them gets a place.
    cancellations.cancel_line(*booked[1])
    refreshed(four, one, slot)
    assert (four.status, one.status, one.held_seats) == (W.WAITING, W.OFFERED, 1)
    assert slot.seats_left == 1
    taken_is_honest(slot)


def test_seats_offered_cannot_be_booked_by_anyone_else(hotel, world, slot):
    booked = fill(world, hotel, slot)
    waiting = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])
    refreshed(waiting, slot)
    assert waiting.status is W.OFFERED and slot.seats_left == 0

    walk_in = guest_stay(hotel, 2)
    with pytest.raises(SoldOut):
        ordering.sell_at_desk(walk_in, request_for(world, slot, 2), PaymentMethod.ROOM)
    with pytest.raises(SoldOut):
        ordering.add_to_cart(walk_in, request_for(world, slot, 1))
    taken_is_honest(slot)


def test_accepting_books_the_party_and_charges_the_room(hotel, world, slot):
    booked = fill(world, hotel, slot)
    stay = guest_stay(hotel, 1)
    entry = waitlist.join(stay, request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])

    order = waitlist.accept(stay, entry.id, PaymentMethod.ROOM)

    refreshed(entry, slot)
    line = order.lines[0]
    assert order.status is OrderStatus.CONFIRMED and line.status is LineStatus.BOOKED
    assert (line.adults, line.slot_id, line.total) == (2, slot.id, 2 * 6000)
    payment = cancellations.paid_by(order.id)
    assert (payment.provider, payment.amount) == ("room", 12000)
    assert (entry.status, entry.held_seats, entry.order_line_id) == (W.BOOKED, 0, line.id)
    assert slot.seats_left == 0
    taken_is_honest(slot)
    with pytest.raises(NotAllowed):
        waitlist.accept(stay, entry.id, PaymentMethod.ROOM)  # booked once, never twice


def test_accepting_by_card_leaves_an_order_to_pay(hotel, world, slot, monkeypatch):
    monkeypatch.setattr("app.services.ordering.card_provider", lambda: object())
    booked = fill(world, hotel, slot)
    stay = guest_stay(hotel, 1)
    entry = waitlist.join(stay, request_for(world, slot, 1))
    cancellations.cancel_line(*booked[0])

    order = waitlist.accept(stay, entry.id, PaymentMethod.CARD)

    assert order.status is OrderStatus.PENDING and order.lines[0].status is LineStatus.HELD
    refreshed(entry)
    assert entry.status is W.BOOKED
    taken_is_honest(slot)


def test_children_come_back_from_their_ages_when_accepting(hotel, world, slot):
    booked = fill(world, hotel, slot)
    family = guest_stay(hotel, 1, adults=1, children_ages=[12, 9, 12])
    entry = waitlist.join(family, request_for(world, slot, 1, [2, 1]))
    assert entry.children_ages == [9, 12]
    cancellations.cancel_line(*booked[0])
    cancellations.cancel_line(*booked[1])
    order = waitlist.accept(family, entry.id, PaymentMethod.ROOM)
    assert sorted(order.lines[0].children_ages) == [9, 12]
    assert order.lines[0].adults == 1


def test_another_stay_cannot_see_accept_or_leave_an_entry(hotel, world, slot):
    booked = fill(world, hotel, slot)
    mine = guest_stay(hotel, 1)
    entry = waitlist.join(mine, request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])
    stranger = guest_stay(hotel, 2)
    with pytest.raises(NotFound):
        waitlist.accept(stranger, entry.id, PaymentMethod.ROOM)
    with pytest.raises(NotFound):
        waitlist.leave(stranger, entry.id)
    with pytest.raises(NotFound):
        waitlist.stay_entry(stranger, entry.id)
    assert waitlist.entries_for_stay(stranger, clock.now()) == []
    refreshed(entry)
    assert entry.status is W.OFFERED


def test_saying_no_passes_the_seats_to_the_next_party(hotel, world, slot):
    booked = fill(world, hotel, slot)
    first_stay = guest_stay(hotel, 1)
    first = waitlist.join(first_stay, request_for(world, slot, 2))
    second = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])

    waitlist.leave(first_stay, first.id)

    refreshed(first, second)
    assert (first.status, first.held_seats) == (W.LEFT, 0)
    assert (second.status, second.held_seats) == (W.OFFERED, 2)
    taken_is_honest(slot)
    with pytest.raises(NotAllowed):
        waitlist.leave(first_stay, first.id)


def test_an_offer_that_runs_out_goes_to_the_next_party(hotel, world, slot, frozen_now):
    booked = fill(world, hotel, slot)
    first_stay = guest_stay(hotel, 1)
    first = waitlist.join(first_stay, request_for(world, slot, 2))
    second = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])
    refreshed(first)

    assert waitlist.expire_offers(first.offer_expires_at - timedelta(seconds=1)) == 0
    later = frozen_now(first.offer_expires_at + timedelta(seconds=1))
    with pytest.raises(NotAllowed, match="ended"):
        waitlist.accept(first_stay, first.id, PaymentMethod.ROOM)  # checking out ends it first
    refreshed(first, second)
    assert (first.status, first.held_seats) == (W.EXPIRED, 0)
    assert second.status is W.OFFERED and second.offered_at == later
    assert waitlist.expire_offers(later) == 0  # nothing left to expire: safe to run again
    taken_is_honest(slot)


def test_an_offer_never_outlives_the_booking_deadline(hotel, world, slot, frozen_now):
    booked = fill(world, hotel, slot)
    entry = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    frozen_now(slot.starts_at - timedelta(minutes=90))  # lead time 60: half an hour left to book
    cancellations.cancel_by_staff(hotel.id, booked[0][1], "Guest fell ill", _clerk(hotel))
    refreshed(entry)
    assert entry.offer_expires_at == slot.starts_at - timedelta(minutes=60)


def test_entries_of_a_time_that_started_leave_the_list(hotel, world, slot, frozen_now):
    booked = fill(world, hotel, slot)
    entry = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    waiting = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])
    started = slot.starts_at + timedelta(minutes=1)
    assert waitlist.expire_offers(started) == 1
    refreshed(entry, waiting)
    assert entry.status is W.EXPIRED
    assert waiting.status is W.LEFT  # offered nothing: the time had passed
    taken_is_honest(slot)


def _clerk(hotel):
    user = staff_accounts.create_staff(
        hotel, "clerk@lodge.test", "correct horse battery", StaffRole.RECEPTIONIST
    )
    db.session.commit()
    return user


def test_a_desk_cancellation_offers_the_seats(hotel, world, slot):
    booked = fill(world, hotel, slot)
    entry = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    cancellations.cancel_by_staff(hotel.id, booked[2][1], "Double booking", _clerk(hotel))
    refreshed(entry)
    assert entry.status is W.OFFERED


def test_raising_capacity_offers_the_new_seats(hotel, world, slot):
    fill(world, hotel, slot)
    two = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    three = waitlist.join(guest_stay(hotel, 2, adults=3), request_for(world, slot, 3))
    one = waitlist.join(guest_stay(hotel, 3), request_for(world, slot, 1))
    capacity.set_capacity(slot.pool, 9)
    refreshed(two, three, one, slot)
    assert (two.status, three.status, one.status) == (W.OFFERED, W.WAITING, W.OFFERED)
    assert slot.capacity == 9 and slot.seats_left == 0
    taken_is_honest(slot)


def test_a_payment_hold_running_out_offers_the_seats(hotel, world, slot, monkeypatch, frozen_now):
    monkeypatch.setattr("app.services.ordering.card_provider", lambda: object())
    paying = guest_stay(hotel, 1, adults=6)
    ordering.add_to_cart(paying, request_for(world, slot, 6))
    order = ordering.checkout(paying, PaymentMethod.CARD)
    assert order.status is OrderStatus.PENDING
    entry = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))

    frozen_now(order.hold_expires_at + timedelta(seconds=1))
    assert ordering.release_expired_holds(clock.now()) == 1

    refreshed(entry)
    assert entry.status is W.OFFERED
    taken_is_honest(slot)


def test_a_declined_request_offers_the_seats(hotel, world, slot):
    babysitting = factories.make_service(
        hotel, slot.pool, "babysitting", needs_approval=True, price_adult=1000, min_age=None
    )
    db.session.commit()
    world.services["babysitting"] = babysitting.id
    asking = guest_stay(hotel, 1, adults=6)
    ordering.sell_at_desk(asking, request_for(world, slot, 6, service="babysitting"), PaymentMethod.ROOM)
    entry = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))
    request = db.session.scalar(select(GuestRequest).where(GuestRequest.kind == RequestKind.APPROVAL))
    approvals.decline(hotel.id, request.id, _clerk(hotel))
    refreshed(entry)
    assert entry.status is W.OFFERED
    taken_is_honest(slot)


def test_a_paused_service_keeps_its_place_but_is_not_offered(hotel, world, slot):
    booked = fill(world, hotel, slot)
    riders = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    visitors = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2, service="farm_visit"))
    riders.service.active = False
    db.session.commit()
    cancellations.cancel_line(*booked[0])
    refreshed(riders, visitors)
    assert (riders.status, visitors.status) == (W.WAITING, W.OFFERED)


# --- through signals: ordering and cancellations never import the waiting list --------------


def test_a_cancellation_sends_seats_freed_and_the_waiting_list_answers_it(hotel, world, slot):
    booked = fill(world, hotel, slot)
    first = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    second = waitlist.join(guest_stay(hotel, 2), request_for(world, slot, 2))
    assert waitlist.offer_on_seats_freed in signals.seats_freed.receivers_for(None)  # the factory's doing
    heard = []

    def overhear(_sender, **kwargs):
        heard.append(kwargs)

    with signals.seats_freed.connected_to(overhear):
        cancellations.cancel_line(*booked[0])
    assert heard == [{"slot_ids": [slot.id], "now": heard[0]["now"]}]
    refreshed(first)
    assert first.status is W.OFFERED

    # The signal is the only way the news travels: without the receiver, freed seats stay free.
    signals.seats_freed.disconnect(waitlist.offer_on_seats_freed)
    try:
        cancellations.cancel_line(*booked[1])
    finally:
        signals.seats_freed.connect(waitlist.offer_on_seats_freed)
    refreshed(second, slot)
    assert second.status is W.WAITING and slot.seats_left == 2
    taken_is_honest(slot)


def test_a_sale_sends_seats_wanted_and_offers_nobody_answered_end_first(hotel, world, slot, frozen_now):
    booked = fill(world, hotel, slot)
    entry = waitlist.join(guest_stay(hotel, 1), request_for(world, slot, 2))
    cancellations.cancel_line(*booked[0])
    refreshed(entry)
    assert entry.status is W.OFFERED

    frozen_now(entry.offer_expires_at + timedelta(seconds=1))
    book(world, guest_stay(hotel, 2), slot, 2)  # the seats the unanswered offer held are sold
    refreshed(entry)
    assert entry.status is W.EXPIRED
    taken_is_honest(slot)


# --- under fire ---------------------------------------------------------------------------------

WAITING = 12
WALK_INS = 30


def test_cancellations_offers_and_checkouts_at_once_never_oversell(app, world):
    """3 cancellations free 6 seats while 12 waiting guests accept and 30 others try to book them."""
    with app.test_request_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        slot = factories.riding_slot(world)
        slot_id = slot.id
        walk_ins = []  # their carts filled while places were left; they check out once it is full
        for n in range(WALK_INS):
            stay = guest_stay(hotel, 100 + n, adults=1)
            ordering.add_to_cart(stay, request_for(world, slot, 1))
            walk_ins.append(stay.id)
        booked = [(stay.id, line_id) for stay, line_id in fill(world, hotel, slot)]
        waiting = []
        for n in range(WAITING):
            stay = guest_stay(hotel, n, adults=1)
            waiting.append((stay.id, waitlist.join(stay, request_for(world, slot, 1)).id))
        db.session.commit()

    start = threading.Barrier(len(booked) + WAITING + WALK_INS)

    def together():
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=10)

    def cancel(job):
        stay_id, line_id = job
        with app.test_request_context():
            together()
            try:
                cancellations.cancel_line(db.session.get(Stay, stay_id), line_id)
            finally:
                db.session.remove()
            return "cancelled"

    def accept(job):
        stay_id, entry_id = job
        with app.test_request_context():
            together()
            try:
                # The first six will be offered a seat and keep trying until then; the rest try a few times.
                for _attempt in range(300 if (stay_id, entry_id) in waiting[:6] else 5):
                    try:
                        waitlist.accept(db.session.get(Stay, stay_id), entry_id, PaymentMethod.ROOM)
                    except NotAllowed:
                        threading.Event().wait(0.01)
                        continue
                    return "accepted"
                return "still waiting"
            finally:
                db.session.remove()

    def walk_in(stay_id):
        with app.test_request_context():
            together()
            try:
                ordering.checkout(db.session.get(Stay, stay_id))
            except SoldOut:
                return "sold out"
            finally:
                db.session.remove()
            return "booked"

    with ThreadPoolExecutor(max_workers=len(booked) + WAITING + WALK_INS) as pool:
        cancels = [pool.submit(cancel, job) for job in booked]
        accepts = [pool.submit(accept, job) for job in waiting]
        checkouts = [pool.submit(walk_in, stay_id) for stay_id in walk_ins]
        outcomes = [future.result() for future in cancels + accepts + checkouts]

    assert outcomes.count("cancelled") == 3
    # Every freed seat went to the waiting list first: no walk-in got one.
    assert outcomes.count("booked") == 0
    assert outcomes.count("sold out") == WALK_INS
    with app.test_request_context():
        slot = db.session.get(Slot, slot_id)
        taken_is_honest(slot)
        assert slot.taken == slot.capacity
        statuses = db.session.scalars(select(WaitlistEntry.status).order_by(WaitlistEntry.id)).all()
        # The first six in the queue were offered a seat, and only they.
        assert statuses == [W.BOOKED] * 6 + [W.WAITING] * (WAITING - 6)
        assert outcomes.count("accepted") == 6


def test_a_time_dropped_from_the_schedule_takes_its_waiting_list_with_it(hotel, world, slot):
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=slot.capacity))
    db.session.commit()
    stay = guest_stay(hotel, 1)
    left = waitlist.join(stay, request_for(world, slot, 2))
    waitlist.leave(stay, left.id)
    waiting = waitlist.join(stay, request_for(world, slot, 2))
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=0))
    db.session.commit()
    slot_id, entry_ids, pool = slot.id, (left.id, waiting.id), slot.pool

    capacity.set_schedule(pool, [capacity.WeeklyTime(day, time(14), 90) for day in range(7)])  # no 09:00

    assert db.session.get(Slot, slot_id) is None
    assert db.session.scalars(select(WaitlistEntry).where(WaitlistEntry.id.in_(entry_ids))).all() == []
