"""The guest's side of requests and feedback on My stay: asking, cancelling, rating, recommending, live."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Feedback, GuestRequest, OrderLine, RequestKind, RequestStatus, Stay
from tests.conftest import GuestActions
from tests.desk.helpers import (
    RITA,
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

VIENNA = ZoneInfo("Europe/Vienna")
RECOMMEND_QUESTION = "How likely are you to recommend us to a friend?"


@pytest.fixture
def garcia(app, world):
    return signed_in_guest(app)


@pytest.fixture
def novak(app, world):
    return signed_in_guest(app, "301", "Novak")


def request_card(guest, request_id: int, path: str = "/stay") -> str:
    page = text(guest.client.get(path))
    found = re.search(rf'<li class="card line request" data-request="{request_id}">(.*?)</li>', page, re.S)
    return found.group(1) if found else ""


def booking_card(guest, line_id: int) -> str:
    page = text(guest.client.get("/stay"))
    for card in re.findall(r'<article class="card line"[^>]*>(.*?)</article>', page, re.S):
        if f"/bookings/{line_id}/" in card:
            return card
    raise AssertionError(f"line {line_id} is not on /stay")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def the_feedback(app) -> tuple[Feedback, tuple[int | None, int | None, int | None, str]]:
    """The stay's feedback, and what a rating or a score wrote: (rating, nps, order_line_id, comment)."""
    with app.app_context():
        feedback = db.session.scalar(select(Feedback))
        return feedback, (feedback.rating, feedback.nps, feedback.order_line_id, feedback.comment)


def book_riding(guest, world, which: int = 0) -> OrderLine:
    """One adult on a horse-riding time (the earliest by default), on the room."""
    add_timed(guest, world.services["horse_riding"], adults=1, which=which)
    [line] = lines_of_order(guest_app(guest), checkout_on_room(guest))
    return line


def guest_app(guest):
    return guest.client.application


def rate(guest, line_id: int, rating, comment: str = ""):
    return guest.post(
        f"/bookings/{line_id}/rate", {"rate-rating": rating, "rate-comment": comment}, page="/stay"
    )


# --- 8. Asking the desk -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["help", "complaint"])
@pytest.mark.parametrize("details", ["", "   "])
def test_help_and_complaints_need_a_few_words(app, garcia, kind, details):
    refused = garcia.post(f"/stay/requests/{kind}", {f"{kind}-details": details}, page="/stay")
    assert refused.status_code == 400
    page = text(refused)
    assert "Please tell us a little about it." in page
    summary = "Need help?" if kind == "help" else "Something not right?"
    assert re.search(rf"<details open>\s*<summary>{re.escape(summary)}", page)  # the form stays open
    assert count(app, GuestRequest) == 0


@pytest.mark.parametrize(
    ("kind", "title", "priority"), [("help", "Help", 100), ("complaint", "Complaint", 50)]
)
def test_help_and_complaints_reach_the_desk(app, world, garcia, kind, title, priority):
    words = "The shower drains slowly & the tap drips"
    sent = garcia.post(f"/stay/requests/{kind}", {f"{kind}-details": f"  {words}  "}, page="/stay")
    assert (sent.status_code, sent.location) == (302, "/stay")
    [req] = requests_of(app)
    assert (req.kind.value, req.details, req.stay_id, req.priority, req.status) == (
        kind,
        words,
        world.stays["garcia"],
        priority,
        RequestStatus.NEW,
    )
    card = request_card(garcia, req.id)
    assert title in card and words in card and "Received" in card and "Cancel request" in card


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"item-item": "champagne", "item-quantity": 1}, "Please choose from the list."),
        ({"item-item": "towels", "item-quantity": 9}, "Please enter a number from 1 to 5."),
        ({"item-item": "towels", "item-quantity": "two"}, "Please enter a whole number."),
    ],
)
def test_an_unknown_item_or_quantity_is_refused(app, garcia, fields, message):
    refused = garcia.post("/stay/requests/item", fields, page="/stay")
    assert refused.status_code == 400
    assert message in text(refused)
    assert count(app, GuestRequest) == 0


def test_a_guest_cancels_their_own_request_but_not_another_stays(app, world, garcia, novak):
    garcia.post("/stay/requests/item", {"item-item": "blanket", "item-quantity": 1}, page="/stay")
    novak.post("/stay/requests/help", {"help-details": "Please call a taxi for 7 am"}, page="/stay")
    mine, theirs = requests_of(app)
    assert (mine.stay_id, theirs.stay_id) == (world.stays["garcia"], world.stays["other"])

    refused = garcia.post(f"/stay/requests/{theirs.id}/cancel", {}, page="/stay")
    assert refused.status_code == 404
    assert requests_of(app)[1].status is RequestStatus.NEW

    cancelled = garcia.post(f"/stay/requests/{mine.id}/cancel", {}, page="/stay")
    assert (cancelled.status_code, cancelled.location) == (302, "/stay")
    assert "Your request is cancelled." in text(garcia.client.get("/stay"))
    mine_after, theirs_after = requests_of(app)
    assert (mine_after.status, theirs_after.status) == (RequestStatus.CANCELLED, RequestStatus.NEW)
    last = mine_after.events[-1]
    assert (last.by_guest, last.staff_id, last.from_value, last.to_value) == (True, None, "new", "cancelled")
    card = request_card(garcia, mine.id)
    assert "Cancelled" in card and "Cancel request" not in card

    # Cancelled is final: a second try is refused and changes nothing.
    assert garcia.post(f"/stay/requests/{mine.id}/cancel", {}, page="/stay").status_code == 409
    assert len(requests_of(app)[0].events) == len(mine_after.events)


def test_asking_about_a_booking_opens_a_follow_up_linked_to_it(app, world, garcia, novak):
    line = book_riding(garcia, world, which=-1)
    novak_line = book_riding(novak, world, which=-2)

    empty = garcia.post(f"/bookings/{line.id}/ask", {"ask-details": " "}, page="/stay")
    assert empty.status_code == 400 and "Please tell us a little about it." in text(empty)
    not_theirs = garcia.post(f"/bookings/{novak_line.id}/ask", {"ask-details": "Hello?"}, page="/stay")
    assert not_theirs.status_code == 404
    assert count(app, GuestRequest) == 0

    asked = garcia.post(
        f"/bookings/{line.id}/ask", {"ask-details": "Can we bring our own helmets?"}, page="/stay"
    )
    assert (asked.status_code, asked.location) == (302, "/stay")
    [req] = requests_of(app)
    assert (req.kind, req.order_line_id, req.details, req.stay_id) == (
        RequestKind.FOLLOW_UP,
        line.id,
        "Can we bring our own helmets?",
        world.stays["garcia"],
    )
    assert req.resolve_due_at - req.created_at == timedelta(minutes=120)
    card = request_card(garcia, req.id)
    assert "Horse riding" in card and "Can we bring our own helmets?" in card

    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    queue = text(signed_in_staff(app, RITA).client.get("/desk/queue"))
    row = queue.split(f'data-request="{req.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Horse riding" in row and "Question about a booking" in row


def test_another_stay_never_sees_this_stays_requests(app, world, garcia, novak):
    garcia.post("/stay/requests/complaint", {"complaint-details": "Room 204 smells of smoke"}, page="/stay")
    garcia.post("/stay/requests/item", {"item-item": "iron", "item-quantity": 1}, page="/stay")
    complaint, iron = requests_of(app)
    assert request_card(garcia, complaint.id) and request_card(garcia, iron.id)
    for path in ("/stay", "/stay/live"):
        page = text(novak.client.get(path))
        assert "smells of smoke" not in page
        assert "data-request=" not in page
        assert "Your requests" not in page


# --- 5. Ratings and the recommendation question --------------------------------------------------


def test_a_line_can_be_rated_once_its_time_is_over(app, world, garcia, novak, frozen_now):
    line = book_riding(garcia, world)
    assert "How was it?" not in booking_card(garcia, line.id)
    early = rate(garcia, line.id, 4)
    assert early.status_code == 409
    assert "You can rate this once it has taken place." in text(early)
    assert count(app, Feedback) == 0

    frozen_now(line.ends_at + timedelta(minutes=1))
    assert "How was it?" in booking_card(garcia, line.id)
    assert rate(novak, line.id, 5).status_code == 404  # not Novak's booking

    rated = rate(garcia, line.id, 4, "Lovely ride")
    assert (rated.status_code, rated.location) == (302, "/stay")
    with app.app_context():
        [feedback] = db.session.scalars(select(Feedback)).all()
        assert (
            feedback.stay_id,
            feedback.order_line_id,
            feedback.service_id,
            feedback.rating,
            feedback.nps,
        ) == (
            world.stays["garcia"],
            line.id,
            world.services["horse_riding"],
            4,
            None,
        )
        assert feedback.comment == "Lovely ride"
    assert count(app, GuestRequest) == 0  # a good rating needs no call
    card = booking_card(garcia, line.id)
    assert "★★★★☆" in card and "How was it?" not in card

    twice = rate(garcia, line.id, 1, "Changed my mind")
    assert twice.status_code == 409
    assert "You have already rated this. Thank you!" in text(twice)
    assert count(app, Feedback) == 1
    assert count(app, GuestRequest) == 0


@pytest.mark.parametrize("rating", ["0", "6", "", "five"])
def test_a_rating_must_be_one_to_five_stars(app, world, garcia, rating):
    line = book_riding(garcia, world)
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    desk.post(f"/desk/lines/{line.id}/done", {}, page=f"/desk/stays/{world.stays['garcia']}")
    refused = rate(garcia, line.id, rating)
    assert refused.status_code == 400
    assert "Please choose from 1 to 5 stars." in text(refused)
    assert count(app, Feedback) == 0


def test_staff_marking_a_service_done_lets_the_guest_rate_it(app, world, garcia):
    line = book_riding(garcia, world, which=-1)  # days away: its time is not over
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    stay_page = f"/desk/stays/{world.stays['garcia']}"
    assert rate(garcia, line.id, 5).status_code == 409

    done = desk.post(f"/desk/lines/{line.id}/done", {}, page=stay_page)
    assert (done.status_code, done.location) == (302, stay_page)
    assert "Marked as done. The guest is asked to rate it." in text(desk.client.get(stay_page))
    with app.app_context():
        assert db.session.get(OrderLine, line.id).done_at is not None
    assert "How was it?" in booking_card(garcia, line.id)
    assert rate(garcia, line.id, 5).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Feedback.rating)) == 5


def test_a_low_rating_opens_a_recovery_request_at_the_top_of_the_queue(app, world, garcia, frozen_now):
    line = book_riding(garcia, world)
    frozen_now(at_minute(line.ends_at) + timedelta(minutes=2))
    garcia.post("/stay/requests/help", {"help-details": "Where is the sauna?"}, page="/stay")
    garcia.post("/stay/requests/item", {"item-item": "water", "item-quantity": 1}, page="/stay")

    rated = rate(garcia, line.id, 2, "The horse was lame and nobody said sorry")
    assert rated.status_code == 302
    help_, water, recovery = requests_of(app)
    with app.app_context():
        feedback = db.session.scalar(select(Feedback))
        assert (feedback.rating, feedback.comment) == (2, "The horse was lame and nobody said sorry")
    assert (
        recovery.kind,
        recovery.feedback_id,
        recovery.order_line_id,
        recovery.details,
        recovery.priority,
        recovery.status,
    ) == (
        RequestKind.RECOVERY,
        feedback.id,
        line.id,
        "The horse was lame and nobody said sorry",
        0,
        RequestStatus.NEW,
    )
    assert help_.ack_due_at == recovery.ack_due_at  # due at the same moment: priority decides

    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    queue = text(signed_in_staff(app, RITA).client.get("/desk/queue"))
    assert [request_id for request_id, _css in queue_rows(queue)] == [recovery.id, help_.id, water.id]
    assert "Service recovery" in queue


def test_the_recommendation_question_comes_on_the_last_night_and_a_detractor_gets_a_call(
    app, world, garcia, frozen_now
):
    assert RECOMMEND_QUESTION not in text(garcia.client.get("/stay"))
    too_early = garcia.post("/stay/recommend", {"nps-score": 9}, page="/stay")
    assert too_early.status_code == 409
    assert count(app, Feedback) == 0

    departure = world.today + timedelta(days=5)
    last_night = datetime.combine(departure - timedelta(days=1), time(20, 0), tzinfo=VIENNA).astimezone(UTC)
    frozen_now(last_night)
    assert RECOMMEND_QUESTION in text(garcia.client.get("/stay"))

    answered = garcia.post(
        "/stay/recommend", {"nps-score": 5, "nps-comment": "Breakfast was cold"}, page="/stay"
    )
    assert (answered.status_code, answered.location) == (302, "/stay")
    feedback, written = the_feedback(app)
    assert written == (None, 5, None, "Breakfast was cold")
    [recovery] = requests_of(app)
    assert (recovery.kind, recovery.feedback_id, recovery.details, recovery.order_line_id) == (
        RequestKind.RECOVERY,
        feedback.id,
        "Breakfast was cold",
        None,
    )
    page = text(garcia.client.get("/stay"))
    assert RECOMMEND_QUESTION not in page  # asked once
    assert garcia.post("/stay/recommend", {"nps-score": 10}, page="/stay").status_code == 409
    assert count(app, Feedback) == 1

    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    listed = text(desk.client.get("/desk/feedback"))
    assert "Would recommend us: 5 of 10" in listed and "Breakfast was cold" in listed
    replied = desk.post(
        f"/desk/feedback/{feedback.id}/reply",
        {"text": "We are sorry: breakfast is on us tomorrow."},
        page="/desk/feedback",
    )
    assert (replied.status_code, replied.location) == (302, f"/desk/feedback#feedback-{feedback.id}")
    with app.app_context():
        stored = db.session.get(Feedback, feedback.id)
        assert stored.reply == "We are sorry: breakfast is on us tomorrow."
        assert stored.replied_by_id is not None and stored.replied_at == last_night
    assert "Test Lodge: We are sorry: breakfast is on us tomorrow." in re.sub(
        r"<[^>]+>", "", text(garcia.client.get("/stay"))
    )


def test_a_promoter_gets_no_call(app, world, garcia, frozen_now):
    departure = world.today + timedelta(days=5)
    frozen_now(datetime.combine(departure, time(8, 0), tzinfo=VIENNA).astimezone(UTC))  # departure morning
    assert garcia.post("/stay/recommend", {"nps-score": 9}, page="/stay").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Feedback.nps)) == 9
    assert count(app, GuestRequest) == 0


def test_the_desk_sees_low_feedback_only_and_replies_under_the_rating(app, world, garcia):
    riding = book_riding(garcia, world, which=0)
    add_timed(garcia, world.services["farm_visit"], adults=1, which=0)
    [farm] = lines_of_order(app, checkout_on_room(garcia))
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    for line in (riding, farm):
        desk.post(f"/desk/lines/{line.id}/done", {}, page=f"/desk/stays/{world.stays['garcia']}")
    assert rate(garcia, riding.id, 4, "Lovely ride").status_code == 302
    assert rate(garcia, farm.id, 1, "Grumpy goats").status_code == 302

    everything = text(desk.client.get("/desk/feedback"))
    assert "Lovely ride" in everything and "Grumpy goats" in everything
    low = text(desk.client.get("/desk/feedback", query_string={"low": "1"}))
    assert "Grumpy goats" in low and "Lovely ride" not in low
    assert "★☆☆☆☆ · Farm visit" in re.sub(r"<[^>]+>", "", low)

    with app.app_context():
        low_id = db.session.scalar(select(Feedback.id).where(Feedback.rating == 1))
    empty = desk.post(f"/desk/feedback/{low_id}/reply", {"text": "  "}, page="/desk/feedback")
    assert empty.status_code == 302
    assert "Please write the reply first." in text(desk.client.get("/desk/feedback"))
    desk.post(f"/desk/feedback/{low_id}/reply", {"text": "The goats apologise."}, page="/desk/feedback")
    assert "Reply: The goats apologise." in re.sub(
        r"<[^>]+>", "", text(desk.client.get("/desk/feedback?low=1"))
    )
    assert "Test Lodge: The goats apologise." in re.sub(r"<[^>]+>", "", booking_card(garcia, farm.id))
    assert "The goats apologise." not in booking_card(garcia, riding.id)
    assert (
        desk.post("/desk/feedback/999999/reply", {"text": "Hello"}, page="/desk/feedback").status_code == 404
    )


# --- 9. My stay refreshes itself over HTTP -------------------------------------------------------


def test_the_live_stay_answers_304_until_the_desk_acknowledges(app, world, garcia, frozen_now):
    asked_at = frozen_now(at_minute(datetime.now(UTC)) + timedelta(seconds=10))
    garcia.post("/stay/requests/item", {"item-item": "adapter", "item-quantity": 1}, page="/stay")
    [req] = requests_of(app)

    first = garcia.client.get("/stay/live")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert re.search(rf'data-request="{req.id}">.*?>Received</span>', text(first), re.S)
    assert f'data-live-etag="{etag}"' in text(garcia.client.get("/stay"))

    unchanged = garcia.client.get("/stay/live", headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.get_data()) == (304, b"")

    frozen_now(asked_at + timedelta(seconds=20))  # later, still within the same minute
    assert garcia.client.get("/stay/live", headers={"If-None-Match": etag}).status_code == 304
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    page = f"/desk/requests/{req.id}"
    assert desk.post(f"{page}/status", {"to": "acknowledged"}, page=page).status_code == 302

    changed = garcia.client.get("/stay/live", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    body = text(changed)
    assert re.search(rf'data-request="{req.id}">.*?>Seen by the desk</span>', body, re.S)
    assert "Received" not in body
    assert (
        garcia.client.get("/stay/live", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304
    )


# --- Feedback while in the house ------------------------------------------------------------------


def test_a_guest_in_the_house_rates_the_stay_so_far(app, world, garcia):
    page = text(garcia.client.get("/stay"))
    assert "How is your stay so far?" in page  # nothing finished yet, and still a way to tell us
    assert 'action="/stay/rate"' in page

    sent = garcia.post("/stay/rate", {"stay-rating": 4, "stay-comment": "Lovely pine smell"}, page="/stay")

    assert sent.status_code == 302
    _, written = the_feedback(app)
    assert written == (4, None, None, "Lovely pine smell")
    page = text(garcia.client.get("/stay/live"))
    assert "Your stay so far:" in page and "★★★★☆" in page
    assert 'action="/stay/rate"' not in page
    again = garcia.post("/stay/rate", {"stay-rating": 5}, page="/stay")
    assert again.status_code == 409 and count(app, Feedback) == 1


def test_a_low_stay_rating_reaches_the_desk_at_once(app, world, garcia):
    garcia.post("/stay/rate", {"stay-rating": 1, "stay-comment": "Cold shower"}, page="/stay")
    [recovery] = requests_of(app)
    assert (recovery.kind, recovery.details, recovery.order_line_id) == (
        RequestKind.RECOVERY,
        "Cold shower",
        None,
    )


def test_an_arriving_guest_is_not_asked_yet(app, world):
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.arrival, stay.departure = world.today + timedelta(days=3), world.today + timedelta(days=6)
        db.session.commit()
    guest = GuestActions(app.test_client())
    assert guest.open_link(world.tokens["garcia"]).status_code == 302
    assert guest.post("/stay/rate", {"stay-rating": 5}, page="/stay").status_code == 409
    assert "How is your stay so far?" not in text(guest.client.get("/stay"))


def test_each_finished_service_is_listed_to_rate(app, world, garcia, frozen_now):
    line = book_riding(garcia, world)
    assert f'href="#line-{line.id}"' not in text(garcia.client.get("/stay"))

    frozen_now(at_minute(line.ends_at) + timedelta(minutes=2))

    page = text(garcia.client.get("/stay/live"))
    assert f'<a class="button" href="#line-{line.id}">Rate: Horse riding</a>' in page
    assert f'id="line-{line.id}"' in page
    assert rate(garcia, line.id, 5).status_code == 302
    assert f'href="#line-{line.id}"' not in text(garcia.client.get("/stay/live"))
