"""Issue #11, receptionists: a low rating on top of the queue and settled by the reply, the queue's
row actions, the approval page's booking, the desk sale's total and wording."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import func, select

from app.extensions import db
from app.models import Feedback, Hotel, Order, RequestKind, RequestStatus, Service, Slot, Stay, Tier
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

VIENNA = ZoneInfo("Europe/Vienna")  # the test hotel's time zone


def row_of(page: str, request_id: int) -> str:
    """One queue row as plain text."""
    row = page.split(f'data-request="{request_id}"', 1)[1].split("</tr>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def clock_time(moment: datetime) -> str:
    """A time as an English page shows it in the hotel's zone, spaces as ``row_of`` leaves them."""
    return " ".join(format_time(moment.astimezone(VIENNA), "short", locale="en").split())


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


def rate_a_ride_one_star(app, world, frozen_now) -> None:
    """Garcia rides, and two minutes after the ride rates it one star: a recovery request opens."""
    garcia = signed_in_guest(app)
    add_timed(garcia, world.services["horse_riding"], adults=1, which=0)
    [line] = lines_of_order(app, checkout_on_room(garcia))
    frozen_now(at_minute(line.ends_at) + timedelta(minutes=2))
    rate(garcia, line.id, 1, "Nobody came")


def test_replying_to_low_feedback_offers_to_settle_its_recovery_request(app, world, frozen_now):
    rate_a_ride_one_star(app, world, frozen_now)
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
    rate_a_ride_one_star(app, world, frozen_now)
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
    local = clock_time(towels.ack_due_at)
    assert f"Acknowledge by {local}" in row and "in 10 minutes" in row
    assert "Elena Garcia" in row and "Room 204" in row
    row_html = page.split(f'data-request="{towels.id}"', 1)[1].split("</tr>")[0]
    assert re.findall(r'data-key="(\w+)"', row_html) == [
        "acknowledged",
        "in_progress",
        "done",
    ]
    action = f"/desk/requests/{towels.id}/status?back=queue&kind=amenity"
    assert f'action="{action}"' in page.replace("&amp;", "&")

    for to, label in (("acknowledged", "Seen by the desk"), ("in_progress", "In progress"), ("done", None)):
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
    assert f"Resolve by {clock_time(help_.resolve_due_at)}" in row
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


# --- Desk sale: the total before booking, local times, the desk's wording ---------------------


def sale_path(world, code: str = "horse_riding") -> str:
    return f"/desk/stays/{world.stays['garcia']}/sell?service={world.services[code]}"


def slot_options(page: str) -> list[tuple[int, str]]:
    select_box = re.search(r'<select[^>]*name="slot".*?</select>', page, re.S).group(0)
    return [
        (int(value), label)
        for value, label in re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)<', select_box)
    ]


def quote_of(page: str) -> str:
    return plain(page.split('id="sale-quote"', 1)[1].split("</form>", 1)[0])


def test_the_desk_sees_the_discounted_total_it_then_charges(app, world):
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).tier = Tier.SILVER  # 5 % loyalty discount
        db.session.commit()
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    page = text(desk.client.get(sale_path(world)))
    [(slot_id, _label), *_rest] = slot_options(page)
    # The first time, one adult, is priced as soon as the page opens.
    assert "1 adult €60.00 Loyal guest discount (5%) -€3.00 Total €57.00" in quote_of(page)
    assert "Book for €57.00" in page

    quoted = desk.post(
        sale_path(world), {"slot": slot_id, "adults": 2, "payment_method": "room", "action": "quote"}
    )
    assert quoted.status_code == 200
    assert "2 adults €120.00 Loyal guest discount (5%) -€6.00 Total €114.00" in quote_of(text(quoted))
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0  # a price is not a booking

    sold = desk.post(
        sale_path(world), {"slot": slot_id, "adults": 2, "payment_method": "room", "quoted_total": "11400"}
    )
    assert sold.status_code == 302
    with app.app_context():
        [order] = db.session.scalars(select(Order)).all()
        assert order.total == 11400
        assert [entry["code"] for entry in order.lines[0].breakdown] == ["adult", "loyalty"]


def test_a_total_that_changed_since_it_was_shown_is_shown_again_not_booked(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    page = text(desk.client.get(sale_path(world)))
    [(slot_id, _label), *_rest] = slot_options(page)
    # The page showed the price of one adult (€60.00); the receptionist typed 2 and pressed Book.
    refused = desk.post(
        sale_path(world), {"slot": slot_id, "adults": 2, "payment_method": "room", "quoted_total": "6000"}
    )
    assert refused.status_code == 409
    assert "The price changed. Please check the new total and book again." in text(refused)
    assert "Total €120.00" in quote_of(text(refused)) and "Book for €120.00" in text(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0


def test_sale_times_read_in_the_hotels_format_with_places_left(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    options = slot_options(text(desk.client.get(sale_path(world))))
    with app.app_context():
        slot = db.session.get(Slot, options[0][0])
        starts = slot.starts_at.astimezone(VIENNA)
    label = options[0][1]
    assert label.startswith(starts.strftime("%a, %b ") + str(starts.day)), label
    assert label.endswith(f"{format_time(starts, 'short', locale='en')} · 6 places left"), label
    assert not re.search(r"\d{4}-\d{2}-\d{2}", label)


def test_the_desk_charges_the_room_by_number_and_says_when_card_is_off(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    desk = signed_in_staff(app, RITA)
    page = text(desk.client.get(sale_path(world)))
    assert ">Charge to room 204</option>" in page and "my room" not in page
    # The test server has no payment provider keys.
    assert "Card payments are not set up on this server (no payment provider keys)." in page
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).card_payments_enabled = False
        db.session.commit()
    page = text(desk.client.get(sale_path(world)))
    assert "Card payments are switched off for this hotel (a manager can switch them on)." in page
