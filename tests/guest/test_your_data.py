"""A guest's data from My stay: the privacy page, offers by email yes or no, the export, and erasure."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    ConsentRecord,
    GuestRequest,
    Hotel,
    MarketingConsent,
    RequestKind,
    RequestStatus,
    StaffRole,
    Stay,
)
from tests.desk.helpers import (
    RITA,
    add_timed,
    checkout_on_room,
    make_named_staff,
    signed_in_guest,
    signed_in_staff,
    text,
)
from tests.staff import StaffActions, make_staff


@pytest.fixture
def garcia(app, world):
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        hotel.legal_name, hotel.privacy_email, hotel.retention_days = (
            "Test Lodge GmbH",
            "privacy@lodge.test",
            90,
        )
        hotel.address = "Hauptstraße 1, 1010 Wien"
        db.session.get(Stay, world.stays["garcia"]).email = "elena@example.com"
        db.session.commit()
    return signed_in_guest(app)


def test_privacy_page_is_open_to_anyone_in_every_language_and_says_the_hotels_rules(app, world, garcia):
    visitor = app.test_client()
    page = text(visitor.get("/privacy"))
    assert "Test Lodge GmbH" in page and "privacy@lodge.test" in page and "Hauptstraße 1" in page
    assert "removed 90 days after your departure" in page
    assert "unless you say no" in page  # the test lodge's rule is opt-out
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).marketing_consent = MarketingConsent.OPT_IN
        db.session.commit()
    assert "only if you say yes" in text(visitor.get("/privacy"))
    for locale in ("en", "vi"):
        answer = visitor.get("/privacy", headers={"Accept-Language": locale})
        assert answer.status_code == 200
        assert f'lang="{locale}"' in text(answer)
    # Linked from every guest page's footer, signed in or not.
    assert 'href="/privacy"' in text(visitor.get("/signin"))
    assert 'href="/privacy"' in text(garcia.client.get("/stay"))


def test_offers_by_email_are_answered_on_my_stay_and_recorded(app, world, garcia):
    assert "not answered" in text(garcia.client.get("/stay"))
    assert garcia.post("/stay/marketing", {"given": "yes"}, page="/stay").status_code == 302
    assert "yes, please" in text(garcia.client.get("/stay"))
    assert garcia.post("/stay/marketing", {"given": "no"}, page="/stay").status_code == 302
    assert garcia.post("/stay/marketing", {"given": "maybe"}, page="/stay").status_code == 400
    with app.app_context():
        records = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
        assert [(r.stay_id, r.given, r.source) for r in records] == [
            (world.stays["garcia"], True, "my_stay"),
            (world.stays["garcia"], False, "my_stay"),
        ]


def test_the_export_holds_the_stay_and_shows_the_guest_only_their_own(app, world, garcia):
    add_timed(garcia, world.services["horse_riding"], adults=2)
    reference = checkout_on_room(garcia)
    garcia.post("/stay/requests/help", {"help-details": "A taxi at six, please"})
    with app.app_context():
        from app.services import guest_requests

        found = db.session.scalar(select(GuestRequest))
        guest_requests.add_note(found, "internal: she seemed in a hurry", None)
        guest_requests.tell_guest(found, "Your taxi is booked", None)
    download = garcia.client.get("/stay/data.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.get_data(as_text=True))
    assert data["stay"]["surname"] == "Garcia" and data["stay"]["email"] == "elena@example.com"
    assert [order["reference"] for order in data["bookings"]] == [reference]
    assert data["payments"][0]["amount"] == data["bookings"][0]["total"]
    assert data["requests"][0]["details"] == "A taxi at six, please"
    history = json.dumps(data["requests"][0]["history"])
    assert "Your taxi is booked" in history and "hurry" not in history  # staff notes stay inside
    page = text(garcia.client.get("/stay/data"))
    assert "Garcia" in page and reference in page and "A taxi at six, please" in page and "hurry" not in page
    # Novak's phone gets Novak's data, never Garcia's.
    novak = signed_in_guest(app, "301", "Novak")
    theirs = novak.client.get("/stay/data.json").get_data(as_text=True)
    assert "Garcia" not in theirs and reference not in theirs
    assert app.test_client().get("/stay/data.json").status_code == 302  # signed out: sign in first


def test_erasure_asked_by_the_guest_is_carried_out_by_a_manager_in_one_step(app, world, garcia):
    confirm = text(garcia.client.get("/stay/erase"))
    assert "What is kept, and why" in confirm
    assert garcia.post("/stay/erase", {}).status_code == 302
    assert garcia.post("/stay/erase", {}, page="/stay").status_code == 302  # asking twice: the same request
    with app.app_context():
        erasures = db.session.scalars(
            select(GuestRequest).where(GuestRequest.kind == RequestKind.ERASURE)
        ).all()
        assert len(erasures) == 1 and erasures[0].status is RequestStatus.NEW
        request_id = erasures[0].id
    # The guest follows it like any request.
    assert "Erase my personal data" in text(garcia.client.get("/stay"))

    make_named_staff(app, world.hotel_id, RITA, "Rita")
    rita = signed_in_staff(app, RITA)
    assert f'data-request="{request_id}"' in text(rita.client.get("/desk/queue"))
    request_page = text(rita.client.get(f"/desk/requests/{request_id}"))
    assert "Carry out the erasure" in request_page
    assert rita.client.get(f"/desk/requests/{request_id}/erase").status_code == 403  # receptionists cannot
    done_by_move = rita.post(
        f"/desk/requests/{request_id}/status", {"to": "done"}, page=f"/desk/requests/{request_id}"
    )
    assert done_by_move.status_code == 302
    with app.app_context():
        assert db.session.get(GuestRequest, request_id).status is RequestStatus.NEW  # refused: not erased

    manager = StaffActions(app.test_client())
    manager.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    page = f"/desk/requests/{request_id}/erase"
    assert "What is kept" in text(manager.client.get(page))
    assert manager.post(page, {}).status_code == 302
    with app.app_context():
        request = db.session.get(GuestRequest, request_id)
        stay = db.session.get(Stay, world.stays["garcia"])
        assert request.status is RequestStatus.DONE
        assert stay.anonymised_at is not None and stay.surname != "Garcia" and stay.email == ""
    assert garcia.client.get("/stay").status_code == 302  # the guest's session has ended
    again = manager.post(page, {}, page=f"/desk/requests/{request_id}")
    assert again.status_code == 200 and "already closed" in text(again)


def test_an_erasure_request_is_another_guests_404(app, world, garcia):
    garcia.post("/stay/erase", {})
    with app.app_context():
        request_id = db.session.scalar(select(GuestRequest.id))
        other = db.session.get(GuestRequest, request_id)
        other_hotel = Hotel(
            slug="other-hotel", name={"en": "Other"}, currency="EUR", timezone="UTC", enabled_locales=["en"]
        )
        db.session.add(other_hotel)
        db.session.commit()
        assert other.kind is RequestKind.ERASURE
        other_hotel_id = other_hotel.id
    manager = StaffActions(app.test_client())
    manager.sign_in(make_staff(app, other_hotel_id, StaffRole.MANAGER, "boss@other.test"))
    assert manager.client.get(f"/desk/requests/{request_id}/erase").status_code == 404
