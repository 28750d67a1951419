"""Booking references a guest can type on a phone: 8 Crockford characters, forgiving input, old ones kept."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Stay
from app.services import guest_access
from tests import factories

SHORT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_new_references_are_eight_unambiguous_characters_grouped(ctx):
    references = {guest_access.new_booking_reference() for _ in range(300)}
    assert all(SHORT.match(reference) for reference in references)
    assert len(references) == 300
    assert not set("ILOU") & set("".join(references))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K7QX-4M2P", "K7QX-4M2P"),
        ("k7qx4m2p", "K7QX-4M2P"),
        (" k7qx 4m2p ", "K7QX-4M2P"),
        ("K7-QX-4M-2P", "K7QX-4M2P"),
        ("ko1x-im2l", "K01X-1M21"),  # O, I and L typed for 0, 1 and 1
        # A long reference from before keeps its letters: in RFC 4648 base32 O, I and L are real.
        ("mfrg gzdf mzte ows7 pzil oyqm ab", "MFRG-GZDF-MZTE-OWS7-PZIL-OYQM-AB"),
    ],
)
def test_typed_references_are_read_forgivingly(typed, stored):
    assert guest_access.normalize_reference(typed) == stored


def signs_in(guest, typed: str, surname: str = "Garcia") -> bool:
    response = guest.post("/signin", {"method": "reference", "ref-reference": typed, "ref-surname": surname})
    return response.status_code == 302 and urlsplit(response.location).path == "/home"


def test_a_short_reference_signs_in_however_it_is_typed(app, guest, world):
    reference = world.references["garcia"]
    assert SHORT.match(reference)
    loose = reference.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert signs_in(guest, loose)


def test_an_old_long_reference_still_signs_in(app, guest, world):
    old = "MFRG-GZDF-MZTE-OWS7-PZIL-OYQM-AB"
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).booking_reference = old
        db.session.commit()
    assert signs_in(guest, old.replace("-", "").lower())
    guest.post("/signout", {}, page="/home")
    assert not signs_in(guest, old.replace("O", "0"))  # no look-alike guessing on old references


def test_a_colliding_reference_is_drawn_again(app, world, monkeypatch):
    with app.test_request_context():
        taken = db.session.get(Stay, world.stays["garcia"]).booking_reference
        draws = iter([taken, "ZZZZ-9999"])
        monkeypatch.setattr(guest_access, "new_booking_reference", lambda: next(draws))
        hotel = db.session.get(Hotel, world.hotel_id)
        stay = factories.make_stay(hotel, room="305", surname="Kim")
        db.session.commit()
        assert stay.booking_reference == "ZZZZ-9999"
        assert db.session.scalars(select(Stay.booking_reference)).all().count(taken) == 1
