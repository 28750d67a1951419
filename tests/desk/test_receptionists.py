"""Issue #11, receptionists: a low rating on top of the queue and settled by the reply, the queue's
row actions, the approval page's booking, the desk sale's total and wording."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Feedback, RequestKind, RequestStatus, Service
from tests.desk.helpers import (
    add_timed,
    at_minute,
    checkout_on_room,
    lines_of_order,
    make_named_staff,
    queue_rows,
    requests_of,
    signed_in_guest,
    signed_in_staff,
    text,
)

RITA = "rita@lodge.test"
VIENNA = ZoneInfo("Europe/Vienna")  # the test hotel's time zone


def row_of(page: str, request_id: int) -> str:
    """One queue row as plain text."""
    row = page.split(f'data-request="{request_id}"', 1)[1].split("</tr>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def rate(guest, line_id: int, rating: int, comment: str):
    return guest.post(
        f"/bookings/{line_id}/rate", {"rate-rating": rating, "rate-comment": comment}, page="/stay"
    )


def test_a_low_rating_sits_above_an_overdue_help_request_with_its_stars_and_the_guest(app, world, frozen_now):
    garcia = signed_in_guest(app)
    add_timed(garcia, world.services["horse_riding"], adults=1, which=0)
    [line] = lines_of_order(app, checkout_on_room(garcia))
    after = frozen_now(at_minute(line.ends_at) + timedelta(minutes=2))
    garcia.post("/stay/requests/help", {"help-details": "Where is the sauna?"}, page="/stay")
    frozen_now(after + timedelta(minutes=20))  # the help request is now well overdue
    assert rate(garcia, line.id, 2, "The horse was lame").status_code == 302
    help_, recovery = requests_of(app)

    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    page = text(signed_in_staff(app, RITA).client.get("/desk/queue"))
    assert [request_id for request_id, _css in queue_rows(page)] == [recovery.id, help_.id]
    assert queue_rows(page)[1][1] == "overdue"
    row = row_of(page, recovery.id)
    assert "★★☆☆☆" in row and "Elena Garcia" in row and "204" in row and "The horse was lame" in row


def test_replying_to_low_feedback_offers_to_settle_its_recovery_request(app, world, frozen_now):
    garcia = signed_in_guest(app)
    add_timed(garcia, world.services["horse_riding"], adults=1, which=0)
    [line] = lines_of_order(app, checkout_on_room(garcia))
    frozen_now(at_minute(line.ends_at) + timedelta(minutes=2))
    rate(garcia, line.id, 1, "Nobody came")
    [recovery] = requests_of(app, kind=RequestKind.RECOVERY)
    with app.app_context():
        feedback_id = db.session.scalar(select(Feedback.id))

    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    listed = text(desk.client.get("/desk/feedback"))
    assert f'name="resolve" value="y" checked id="resolve-{feedback_id}"' in listed
    assert "Also mark the service-recovery request done" in listed

    replied = desk.post(
        f"/desk/feedback/{feedback_id}/reply",
        {"text": "We are so sorry; the ride is on us.", "resolve": "y"},
        page="/desk/feedback",
    )
    assert (replied.status_code, replied.location) == (302, f"/desk/feedback#feedback-{feedback_id}")
    [settled] = requests_of(app, kind=RequestKind.RECOVERY)
    assert settled.status is RequestStatus.DONE and settled.id == recovery.id
    assert [event.action for event in settled.events] == ["created", "status"]
    assert "Reply sent and the service-recovery request is done." in text(desk.client.get("/desk/feedback"))
    assert queue_rows(text(desk.client.get("/desk/queue"))) == []
    # Answered: no more offer to resolve.
    assert 'name="resolve"' not in text(desk.client.get("/desk/feedback"))


def test_a_reply_without_the_tick_leaves_the_recovery_open(app, world, frozen_now):
    garcia = signed_in_guest(app)
    add_timed(garcia, world.services["horse_riding"], adults=1, which=0)
    [line] = lines_of_order(app, checkout_on_room(garcia))
    frozen_now(at_minute(line.ends_at) + timedelta(minutes=2))
    rate(garcia, line.id, 1, "Nobody came")
    with app.app_context():
        feedback_id = db.session.scalar(select(Feedback.id))
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    desk.post(f"/desk/feedback/{feedback_id}/reply", {"text": "Calling you now."}, page="/desk/feedback")
    [still_open] = requests_of(app, kind=RequestKind.RECOVERY)
    assert still_open.status is RequestStatus.NEW


# --- Queue rows: act without leaving the queue --------------------------------------------------


def test_a_row_is_acknowledged_started_and_done_from_the_queue_and_comes_back_to_it(app, world, frozen_now):
    now = frozen_now(at_minute(datetime.now(UTC)))
    garcia = signed_in_guest(app)
    garcia.post("/stay/requests/item", {"item-item": "towels", "item-quantity": 2}, page="/stay")
    [towels] = requests_of(app)
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)

    page = text(desk.client.get("/desk/queue", query_string={"kind": "amenity"}))
    assert "<title>(1) Queue · Front desk</title>" in page
    row = row_of(page, towels.id)
    local = towels.ack_due_at.astimezone(VIENNA)
    assert f"Acknowledge by {local:%H:%M}" in row and "in 10 minutes" in row
    assert "Elena Garcia" in row and "Room 204" in row
    row_html = page.split(f'data-request="{towels.id}"', 1)[1].split("</tr>")[0]
    assert re.findall(r'data-key="(\w+)"', row_html) == [
        "acknowledged",
        "in_progress",
        "done",
    ]
    action = f"/desk/requests/{towels.id}/status?back=queue&kind=amenity"
    assert f'action="{action}"' in page.replace("&amp;", "&")

    for to, label in (("acknowledged", "Seen by the desk"), ("in_progress", "On the way"), ("done", None)):
        moved = desk.post(action, {"to": to}, page="/desk/queue")
        assert (moved.status_code, moved.location) == (302, f"/desk/queue?kind=amenity#request-{towels.id}")
        page = text(desk.client.get(moved.location))
        if label:
            assert label in row_of(page, towels.id)
    [done] = requests_of(app)
    assert done.status is RequestStatus.DONE
    assert [event.to_value for event in done.events] == ["new", "acknowledged", "in_progress", "done"]
    assert "<title>Queue · Front desk</title>" in page and queue_rows(page) == []
    assert now  # the clock stayed put


def test_an_acknowledged_row_says_when_it_must_be_resolved(app, world, frozen_now):
    frozen_now(at_minute(datetime.now(UTC)))
    garcia = signed_in_guest(app)
    garcia.post("/stay/requests/help", {"help-details": "Taxi at six"}, page="/stay")
    [help_] = requests_of(app)
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    desk.post(f"/desk/requests/{help_.id}/status?back=queue", {"to": "acknowledged"}, page="/desk/queue")
    row = row_of(text(desk.client.get("/desk/queue")), help_.id)
    assert f"Resolve by {help_.resolve_due_at.astimezone(VIENNA):%H:%M}" in row
    assert "Acknowledge by" not in row
    assert 'data-key="acknowledged"' not in row and "Start" in row


def test_approvals_are_not_answered_from_a_queue_row(app, world):
    with app.app_context():
        db.session.get(Service, world.services["farm_visit"]).needs_approval = True
        db.session.commit()
    garcia = signed_in_guest(app)
    add_timed(garcia, world.services["farm_visit"], adults=1, which=0)
    checkout_on_room(garcia)
    [approval] = requests_of(app)
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    page = text(signed_in_staff(app, RITA).client.get("/desk/queue"))
    row = page.split(f'data-request="{approval.id}"', 1)[1].split("</tr>")[0]
    assert "data-quick" not in row and "Approve or decline" in row


# --- Approvals: the booking in view; the stay page does not call it paid -----------------------


def booking_waiting_for_approval(app, world) -> tuple[int, int, str]:
    """Garcia asks for the farm visit (on request) for 2 adults and the 9-year-old, alone on the room:
    (request id, stay id, reference)."""
    with app.app_context():
        db.session.get(Service, world.services["farm_visit"]).needs_approval = True
        db.session.commit()
    garcia = signed_in_guest(app)
    add_timed(garcia, world.services["farm_visit"], adults=2, children=[1], which=0)
    reference = checkout_on_room(garcia)
    [approval] = requests_of(app, kind=RequestKind.APPROVAL)
    return approval.id, world.stays["garcia"], reference


def plain(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_approval_page_shows_the_booking_it_would_charge(app, world):
    request_id, _stay_id, reference = booking_waiting_for_approval(app, world)
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    page = plain(text(desk.client.get(f"/desk/requests/{request_id}")))
    booking = page.split("The booking", 1)[1]
    assert "Service Farm visit" in booking
    assert "Who 2 adults and child aged 9" in booking
    assert f"Booking reference {reference}" in booking
    assert "Waiting for the desk" in booking
    # The stable holds 6; this booking keeps 3 of them while the desk decides.
    assert "Places left 3 places left besides this booking" in booking
    assert "2 adults €30.00" in booking and "1 child €10.00" in booking and "Total €40.00" in booking
    assert "Approving charges €40.00 to room 204." in booking


def test_the_stay_page_says_waiting_for_approval_not_paid(app, world):
    _request_id, stay_id, _reference = booking_waiting_for_approval(app, world)
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    page = plain(text(desk.client.get(f"/desk/stays/{stay_id}")))
    assert "Room charge · Waiting for approval · €40.00 to be charged on approval" in page
    assert "€0.00 · Paid" not in page
