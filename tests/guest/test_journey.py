"""The whole guest journey through the pages: sign in, book, charge to room, My stay, cancel."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import FolioLine, LineStatus, OrderLine, Slot


def last_slot_id(page: str) -> int:
    """The latest time offered: days away, so still inside its free cancellation window."""
    return int(re.findall(r'name="slot" value="(\d+)"', page)[-1])


def test_family_books_horse_riding_and_charges_the_room(app, guest, world):
    assert guest.sign_in().status_code == 302

    home = guest.client.get("/home").get_data(as_text=True)
    assert "Horse riding" in home

    service_path = f"/services/{world.services['horse_riding']}"
    page = guest.client.get(service_path).get_data(as_text=True)
    slot_id = last_slot_id(page)

    # The 4-year-old is too young for horse riding (from 8): refused with the reason.
    refused = guest.post(service_path, {"slot": slot_id, "adults": 2, "children": ["0", "1"]})
    assert refused.status_code == 400
    assert "too young" in refused.get_data(as_text=True)

    added = guest.post(service_path, {"slot": slot_id, "adults": 2, "children": ["1"]})
    assert added.status_code == 302

    cart = guest.client.get("/cart").get_data(as_text=True)
    assert "2 adults" in cart and "1 child" in cart
    assert "€160.00" in cart  # 2 x 60.00 + 1 x 40.00

    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302
    confirmation = guest.client.get(booked.location).get_data(as_text=True)
    assert "You are booked" in confirmation

    with app.app_context():
        slot = db.session.get(Slot, slot_id)
        assert slot.taken == 3
        folio = db.session.scalars(select(FolioLine)).all()
        assert [(line.room, line.amount, line.currency) for line in folio] == [("204", 16000, "EUR")]

    my_stay = guest.client.get("/stay").get_data(as_text=True)
    assert "Confirmed" in my_stay and "Cancel booking" in my_stay

    with app.app_context():
        line_id = db.session.scalar(select(OrderLine.id))
    cancelled = guest.cancel_booking(line_id)
    assert cancelled.status_code == 302
    with app.app_context():
        assert db.session.get(Slot, slot_id).taken == 0
        assert db.session.get(OrderLine, line_id).status is LineStatus.CANCELLED
        amounts = sorted(line.amount for line in db.session.scalars(select(FolioLine)))
        assert amounts == [-16000, 16000]
