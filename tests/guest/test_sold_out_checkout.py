"""A checkout for a sold-out time is refused at once (409, the reason, the cart kept), not after the lock.

Another connection holds the writer lock the whole time (SQLite: ``BEGIN IMMEDIATE``;
PostgreSQL: the slot's row ``FOR UPDATE``). The refused checkout must come back while
that lock is still held: it read the seats left without queuing for the lock.
"""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from app.extensions import db
from app.models import LineStatus, OrderLine, Slot, Stay
from app.services import ordering, planning
from app.services.locking import IMMEDIATE
from tests import factories
from tests.browsing import text

LOCK_HELD_FOR = 60  # seconds at most; the refusal comes back long before unless it queues for the lock


def _cart_for_a_full_time(app, world) -> int:
    """Garcia's cart holds one seat of a riding time that then sells out; returns the slot's id."""
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        slot = factories.riding_slot(world)
        ordering.add_to_cart(
            stay, planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=1)
        )
        db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=Slot.capacity))
        db.session.commit()
        return slot.id


def test_a_sold_out_checkout_is_refused_while_another_writer_holds_the_lock(app, world, phone):
    slot_id = _cart_for_a_full_time(app, world)
    token = phone.csrf("/cart")
    answers = []

    def check_out() -> None:
        answers.append(phone.client.post("/checkout", data={"csrf_token": token, "payment_method": "room"}))

    with app.app_context():
        with db.engine.connect() as other:
            writer = other.execution_options(**{IMMEDIATE: True})  # BEGIN IMMEDIATE on SQLite
            with writer.begin():
                writer.execute(select(Slot.id).where(Slot.id == slot_id).with_for_update())  # PostgreSQL
                checkout = threading.Thread(target=check_out)
                checkout.start()
                checkout.join(timeout=LOCK_HELD_FOR)
                answered_while_locked = not checkout.is_alive()
        checkout.join()
        db.session.remove()

    assert answered_while_locked, "the sold-out checkout waited for the writer lock"
    refused = answers[0]
    assert refused.status_code == 409
    assert "Sorry, Horse riding has just sold out for that time." in text(refused)
    with app.app_context():
        line = db.session.scalars(select(OrderLine)).one()
        assert line.status is LineStatus.CART  # the cart is kept for another time
        assert db.session.get(Slot, slot_id).taken == db.session.get(Slot, slot_id).capacity


def test_the_refusal_is_in_the_guests_language(app, world, phone):
    _cart_for_a_full_time(app, world)
    phone.post("/language", {"lang": "vi", "next": "/cart"}, page="/cart")

    refused = phone.post("/checkout", {"payment_method": "room"}, page="/cart")

    assert refused.status_code == 409
    assert "Rất tiếc, [vi] horse_riding vừa hết chỗ vào giờ đó." in text(refused)
