"""Capacity under fire: 200 guests try to take the last 5 seats at the same moment."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Hotel, SeatAllocation, Slot, Stay
from app.services import guest_access, ordering, planning
from app.services.errors import SoldOut
from tests import factories

ATTEMPTS = 200
SEATS_LEFT = 5


def _contested_slot_and_carts(app, world) -> tuple[int, list[int]]:
    """A horse-riding slot with 5 seats left, and 200 stays each with one adult for it in the cart."""
    with app.test_request_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        slot = factories.riding_slot(world)
        db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=slot.capacity - SEATS_LEFT))
        stay_ids = []
        for n in range(ATTEMPTS):
            stay = factories.make_stay(hotel, room=str(1000 + n), surname=f"Guest{n}", children_ages=[])
            request = planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=1)
            ordering.add_to_cart(stay, request)
            stay_ids.append(stay.id)
        db.session.commit()
        return slot.id, stay_ids


def _start_together(barrier: threading.Barrier) -> None:
    """Release the workers in waves of 50 so attempts really overlap."""
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=10)


def _assert_sold_exactly(app, slot_id: int) -> None:
    with app.app_context():
        slot = db.session.get(Slot, slot_id)
        allocated = db.session.scalar(
            select(func.coalesce(func.sum(SeatAllocation.seats), 0)).where(SeatAllocation.slot_id == slot_id)
        )
        assert slot.taken == slot.capacity
        assert allocated == SEATS_LEFT


def test_200_concurrent_checkouts_sell_exactly_the_5_seats_left(app, world):
    slot_id, stay_ids = _contested_slot_and_carts(app, world)
    start = threading.Barrier(min(ATTEMPTS, 50))

    def attempt(stay_id: int) -> str:
        with app.test_request_context():
            _start_together(start)
            stay = db.session.get(Stay, stay_id)
            try:
                ordering.checkout(stay)
            except SoldOut:
                return "sold out"
            finally:
                db.session.remove()
            return "booked"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, stay_ids))

    # Any other exception ("database is locked", deadlock) would have surfaced from map().
    assert outcomes.count("booked") == SEATS_LEFT
    assert outcomes.count("sold out") == ATTEMPTS - SEATS_LEFT
    _assert_sold_exactly(app, slot_id)


def test_200_concurrent_http_checkouts_answer_409_once_sold_out(app, world):
    slot_id, stay_ids = _contested_slot_and_carts(app, world)
    with app.app_context():
        stays = {stay_id: db.session.get(Stay, stay_id) for stay_id in stay_ids}
        sessions = {
            stay_id: [stay_id, guest_access.access_fingerprint(stay), stay.session_version]
            for stay_id, stay in stays.items()
        }
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested elsewhere; here only capacity matters
    start = threading.Barrier(50)

    def attempt(stay_id: int) -> int:
        client = app.test_client()
        with client.session_transaction() as session:
            session["stay"] = sessions[stay_id]
        _start_together(start)
        return client.post("/checkout", data={"payment_method": "room"}).status_code

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(attempt, stay_ids))
    finally:
        app.config["WTF_CSRF_ENABLED"] = True

    assert statuses.count(302) == SEATS_LEFT
    assert statuses.count(409) == ATTEMPTS - SEATS_LEFT
    assert not [status for status in statuses if status >= 500]
    _assert_sold_exactly(app, slot_id)
