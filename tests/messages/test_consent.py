"""Marketing emails (offers before arrival, thank-you) follow the hotel's consent rule; the rest always go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ConsentRecord, Hotel, MarketingConsent, MessageKind, Stay
from app.services import consent, signed_links
from tests.messages.conftest import at, book_timed, send, set_stay


def _rule(app, world, rule: MarketingConsent) -> None:
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).marketing_consent = rule
        db.session.commit()


def _answer(app, world, key: str, given: bool, source: str = "my_stay") -> None:
    with app.app_context():
        consent.record_consent(db.session.get(Stay, world.stays[key]), given, source)


@pytest.fixture
def two_guests(app, world):
    """Garcia departs tomorrow (thank-you due then), Novak arrives in 3 days (offers due)."""
    set_stay(
        app, world.stays["garcia"], email="garcia@example.com", departure=world.today + timedelta(days=1)
    )
    set_stay(
        app,
        world.stays["other"],
        email="novak@example.com",
        arrival=world.today + timedelta(days=3),
        departure=world.today + timedelta(days=6),
        checked_in_at=None,
    )


def _kinds(inbox, address: str) -> set[str]:
    return {message["Subject"].split(" ")[0] for message in inbox.to(address)}


def test_opt_in_hotel_sends_no_marketing_without_a_yes_but_confirmations_always(
    app, world, inbox, two_guests, frozen_now
):
    _rule(app, world, MarketingConsent.OPT_IN)
    frozen_now(at(world, 0, 11))
    book_timed(app, world, "garcia", world.today + timedelta(days=1))
    report = send(app, at(world, 1, 11))  # Garcia's departure day, after breakfast; Novak 2 days ahead
    assert report.sent == {MessageKind.CONFIRMATION: 1}
    # Novak says yes on My stay: from now on the offers go to him, and only to him.
    _answer(app, world, "other", True)
    report = send(app, at(world, 1, 12))
    assert report.sent == {MessageKind.PRE_ARRIVAL: 1}
    assert len(inbox.to("novak@example.com")) == 1
    assert len(inbox.to("garcia@example.com")) == 1  # the confirmation only


def test_opt_out_hotel_sends_marketing_unless_the_guest_said_no(app, world, inbox, two_guests):
    _rule(app, world, MarketingConsent.OPT_OUT)
    _answer(app, world, "garcia", False, "desk")
    report = send(app, at(world, 1, 11))
    assert report.sent == {MessageKind.PRE_ARRIVAL: 1}  # Novak's offers; Garcia said no to her thank-you
    assert inbox.to("garcia@example.com") == []


def test_unsubscribing_records_a_no_with_its_source_and_stops_marketing(app, world, inbox, two_guests):
    _rule(app, world, MarketingConsent.OPT_OUT)
    with app.app_context():
        token = signed_links.unsubscribe_token(db.session.get(Stay, world.stays["other"]))
    assert app.test_client().post(f"/e/unsubscribe/{token}/one-click").status_code == 204
    assert send(app, at(world, 1, 11)).sent == {MessageKind.THANK_YOU: 1}  # Garcia's only
    with app.app_context():
        records = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.stay_id == world.stays["other"])
        )
        assert [(r.given, r.source, r.purpose) for r in records] == [(False, "unsubscribe_link", "marketing")]
        assert db.session.get(Stay, world.stays["other"]).marketing_consent is False


def test_each_answer_is_kept_and_the_same_answer_twice_records_once(app, world):
    _answer(app, world, "garcia", True, "desk")
    _answer(app, world, "garcia", True, "my_stay")
    _answer(app, world, "garcia", False, "my_stay")
    with app.app_context():
        records = db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.stay_id == world.stays["garcia"])
            .order_by(ConsentRecord.id)
        ).all()
        assert [(r.given, r.source) for r in records] == [(True, "desk"), (False, "my_stay")]
        assert all(r.at is not None and r.hotel_id == world.hotel_id for r in records)
