"""Room charges reach the Mews bill exactly once, whatever Mews does in between."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.integrations.mews import to_decimal, to_minor
from app.models import FolioLine, Hotel, OrderLine, PmsPosting, PostingStatus, Stay
from app.services import cancellations, folio, pms_sync
from tests.integrations.test_mews_pull import stay_of, sync
from tests.messages.conftest import book_timed


def pms_stay(app, world, mews, days_ahead: int = 1, **customer) -> tuple[str, str]:
    """A reservation made in Mews and pulled into a stay (kept as ``world.stays["pms"]``)."""
    guest = mews.add_customer(customer.pop("surname", "Kowalski"), "Ola", "ola@example.com", **customer)
    arrival = world.today + timedelta(days=days_ahead)
    reservation = mews.add_reservation(guest, arrival, arrival + timedelta(days=4), adults=2, room="204")
    assert sync(app, world)["pull"]["created"] == 1
    world.stays["pms"] = stay_of(app, reservation).id
    return guest, reservation


def book(app, world, days: int = 2) -> None:
    """The guest books horse riding on the room bill (60.00 EUR)."""
    book_timed(app, world, "pms", world.today + timedelta(days=days))


def postings(app) -> list[PmsPosting]:
    with app.app_context():
        rows = db.session.scalars(select(PmsPosting).order_by(PmsPosting.id)).all()
        db.session.expunge_all()
        return rows


def later(frozen_now, minutes: int) -> None:
    frozen_now(clock.now() + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("amount", "currency", "decimal"),
    [
        (1250, "EUR", "12.50"),
        (-200, "EUR", "-2.00"),
        (50000, "VND", "50000"),
        (1234, "JPY", "1234"),
        (5, "BHD", "0.005"),
    ],
)
def test_minor_units_and_mews_decimals_round_trip(amount, currency, decimal):
    assert to_decimal(amount, currency) == Decimal(decimal)
    assert to_minor(float(Decimal(decimal)), currency) == amount
    assert to_minor(decimal, currency) == amount


def test_a_room_charge_is_posted_once_as_an_order_linked_to_the_reservation(app, world, connected):
    mews = connected
    guest, reservation = pms_stay(app, world, mews)
    book(app, world)
    assert sync(app, world)["post"] == {"ok": True, "error": "", "queued": 1, "posted": 1}
    (item,) = mews.bill(guest)
    assert item["UnitAmount"] == {"Currency": "EUR", "GrossValue": 60, "TaxValues": []}
    assert item["LinkedReservationId"] == reservation and item["ServiceId"] == mews.service_id
    (posting,) = postings(app)
    assert posting.status == PostingStatus.POSTED and posting.external_id == item["ServiceOrderId"]
    with app.app_context():
        assert item["ExternalIdentifier"] == db.session.get(FolioLine, posting.folio_line_id).reference

    assert sync(app, world)["post"] == {"ok": True, "error": ""}  # nothing more to do
    assert len(mews.bill(guest)) == 1


def test_a_post_that_timed_out_after_mews_accepted_is_recognised_not_posted_twice(
    app, world, connected, frozen_now
):
    mews = connected
    guest, _ = pms_stay(app, world, mews)
    book(app, world)
    mews.stall("orders/add", 2.5)  # Mews books it, then answers after Lobby stopped waiting
    first = sync(app, world)["post"]
    assert not first["ok"] and "in time" in first["error"] and first["failed"] == 1
    (posting,) = postings(app)
    assert posting.status == PostingStatus.PENDING and posting.attempts == 1
    assert len(mews.bill(guest)) == 1  # it did arrive

    assert sync(app, world)["post"] == {"ok": True, "error": ""}  # not due yet: backing off
    later(frozen_now, 2)
    assert sync(app, world)["post"] == {"ok": True, "error": "", "recognised": 1}
    assert len(mews.bill(guest)) == 1
    assert len(mews.calls_to("orders/add")) == 1
    (posting,) = postings(app)
    assert (
        posting.status == PostingStatus.POSTED
        and posting.external_id == mews.bill(guest)[0]["ServiceOrderId"]
    )


def test_when_mews_is_down_the_guest_still_books_and_the_charge_posts_on_a_later_run(
    app, world, connected, frozen_now
):
    mews = connected
    guest, _ = pms_stay(app, world, mews)
    mews.fail("*", 503, times=100)
    book(app, world)  # the booking never asks Mews
    book(app, world, days=3)
    down = sync(app, world)
    assert not down["post"]["ok"] and down["post"]["failed"] == 1  # stopped after the first failure
    assert all(p.status == PostingStatus.PENDING and p.claimed_until is None for p in postings(app))
    assert "503" in postings(app)[0].last_error
    with app.app_context():
        status = pms_sync.status(db.session.get(Hotel, world.hotel_id))
        assert status.waiting == 2 and status.refused == 0 and "503" in status.connection.last_error

    mews.behaviours.clear()
    later(frozen_now, 2)
    assert sync(app, world)["post"] == {"ok": True, "error": "", "posted": 2}
    assert len(mews.bill(guest)) == 2
    with app.app_context():
        status = pms_sync.status(db.session.get(Hotel, world.hotel_id))
        assert status.waiting == 0 and status.connection.last_error == ""


def test_rate_limited_posts_wait_as_long_as_mews_asks(app, world, connected, frozen_now):
    mews = connected
    pms_stay(app, world, mews)
    book(app, world)
    mews.fail("orders/add", 429, retry_after=600)
    assert "429" in sync(app, world)["post"]["error"]
    (posting,) = postings(app)
    assert posting.next_attempt_at >= clock.now() + timedelta(seconds=590)
    later(frozen_now, 5)
    assert sync(app, world)["post"] == {"ok": True, "error": ""}
    later(frozen_now, 6)
    assert sync(app, world)["post"]["posted"] == 1


def test_a_refused_reversal_shows_its_reason_and_is_not_retried(app, world, connected, frozen_now):
    mews = connected
    guest, _ = pms_stay(app, world, mews)
    book(app, world)
    sync(app, world)
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays["pms"])
        line_id = db.session.scalar(select(OrderLine.id).order_by(OrderLine.id))
        cancellations.cancel_line(stay, line_id)  # the refund is a negative folio line
    refused = sync(app, world)["post"]
    assert refused["ok"] and refused["refused"] == 1
    with app.app_context():
        status = pms_sync.status(db.session.get(Hotel, world.hotel_id))
        assert status.refused == 1
        assert "Negative charges are not allowed" in status.refused_rows[0].last_error
        assert status.refused_rows[0].folio_line.amount < 0
    later(frozen_now, 60 * 24)
    assert sync(app, world)["post"] == {"ok": True, "error": ""}
    assert len(mews.bill(guest)) == 1


def test_stays_typed_at_the_desk_and_hotels_without_a_connection_post_nothing(app, world, mews):
    book_timed(app, world, "garcia", world.today + timedelta(days=2))
    with app.app_context():
        assert pms_sync.sync_hotel(db.session.get(Hotel, world.hotel_id)) == []
    from tests.integrations.conftest import connect

    connect(app, world.hotel_id, mews)
    assert sync(app, world)["post"] == {"ok": True, "error": ""}
    assert postings(app) == [] and mews.calls_to("orders/add") == []


def test_two_workers_posting_at_once_post_each_charge_once(app, world, connected):
    mews = connected
    guest, _ = pms_stay(app, world, mews)
    for days in (1, 2, 3, 4):
        book(app, world, days)
    errors = []

    def worker():
        try:
            with app.app_context():
                pms_sync.post(db.session.get(Hotel, world.hotel_id))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(mews.bill(guest)) == 4
    assert len({item["ExternalIdentifier"] for item in mews.bill(guest)}) == 4
    assert all(p.status == PostingStatus.POSTED for p in postings(app))


def test_a_line_goes_to_mews_or_to_the_folio_export_never_both(app, world, connected):
    mews = connected
    guest, _ = pms_stay(app, world, mews)
    book(app, world)
    sync(app, world)
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        assert folio.run_lines(folio.new_export(hotel)) == []  # posted to Mews: not exported too
    book(app, world, days=3)
    with app.app_context():
        (_exported,) = folio.run_lines(folio.new_export(db.session.get(Hotel, world.hotel_id)))
    assert sync(app, world)["post"] == {"ok": True, "error": ""}  # exported first: not posted too
    assert len(mews.bill(guest)) == 1
