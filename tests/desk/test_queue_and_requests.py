"""The desk's request queue: a request from /stay to done, SLA order, filters, approvals, live polling."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    FolioLine,
    GuestRequest,
    LineStatus,
    Order,
    OrderStatus,
    Payment,
    RequestKind,
    RequestStatus,
    Service,
    Slot,
    Stay,
)
from app.services import guest_requests
from app.web.labels import REQUEST_STATUS_LABELS
from tests.desk.helpers import (
    RITA,
    add_timed,
    at_minute,
    checkout_on_room,
    history_rows,
    lines_of_order,
    make_named_staff,
    queue_rows,
    requests_of,
    signed_in_guest,
    signed_in_staff,
    text,
)

CARL = "carl@lodge.test"


@pytest.fixture
def team(app, world) -> dict[str, int]:
    """Two receptionists with names, so the history and the queue can say who."""
    return {
        "rita": make_named_staff(app, world.hotel_id, RITA, "Rita Reyes"),
        "carl": make_named_staff(app, world.hotel_id, CARL, "Carl Berg"),
    }


def stay_request_card(guest, request_id: int) -> str:
    """The guest's card for one request on /stay ("" when the request is not shown)."""
    page = text(guest.client.get("/stay"))
    found = re.search(rf'<li class="card line request" data-request="{request_id}">(.*?)</li>', page, re.S)
    return found.group(1) if found else ""


def stay_status_label(guest, request_id: int) -> str:
    card = stay_request_card(guest, request_id)
    return re.search(r'<span class="status request-status[^"]*">([^<]+)</span>', card).group(1)


def booking_card(guest, title: str) -> str:
    """The guest's card for the (only) booking of ``title`` on /stay."""
    page = text(guest.client.get("/stay"))
    [card] = [
        card
        for card in re.findall(r'<article class="card line"[^>]*>(.*?)</article>', page, re.S)
        if f"<h3>{title}</h3>" in card
    ]
    return card


def open_request(app, stay_id: int, kind: RequestKind, now: datetime, **fields) -> int:
    """A request opened by the service itself at ``now`` (for deadlines in the past)."""
    with app.test_request_context():
        request = guest_requests.open_request(db.session.get(Stay, stay_id), kind, now=now, **fields)
        db.session.commit()
        return request.id


def move_request(app, request_id: int, to: RequestStatus, now: datetime) -> None:
    with app.test_request_context():
        guest_requests.move(db.session.get(GuestRequest, request_id), to, None, now=now)
        db.session.commit()


# --- 1. The whole lifecycle through the desk pages -------------------------------------------------


def test_towels_from_the_guest_to_done_with_the_whole_history(app, world, team):
    guest = signed_in_guest(app)
    asked = guest.post("/stay/requests/item", {"item-item": "towels", "item-quantity": 2}, page="/stay")
    assert asked.status_code == 302
    assert "Thank you, we are on it." in text(guest.client.get(asked.location))
    [req] = requests_of(app)
    assert (req.kind, req.item, req.quantity, req.status, req.stay_id) == (
        RequestKind.AMENITY,
        "towels",
        2,
        RequestStatus.NEW,
        world.stays["garcia"],
    )
    assert stay_status_label(guest, req.id) == "Received"

    desk = signed_in_staff(app, RITA)
    queue = text(desk.client.get("/desk/queue"))
    assert [request_id for request_id, _css in queue_rows(queue)] == [req.id]
    row = queue.split(f'data-request="{req.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Extra towels" in row and "× 2" in row and "204" in row and "Received" in row

    page = f"/desk/requests/{req.id}"
    moved = desk.post(f"{page}/status", {"to": "acknowledged"}, page=page)
    assert (moved.status_code, moved.location) == (302, page)
    assert stay_status_label(guest, req.id) == "Seen by the desk"
    assert desk.post(f"{page}/status", {"to": "in_progress"}, page=page).status_code == 302
    assert stay_status_label(guest, req.id) == "In progress"

    assert desk.post(f"{page}/assign", {"assignee": str(team["carl"])}, page=page).status_code == 302
    note = "Housekeeping is short today, Carl takes them up"
    assert desk.post(f"{page}/note", {"text": note}, page=page).status_code == 302
    message = "Carl brings two towels in ten minutes."
    assert desk.post(f"{page}/message", {"text": message}, page=page).status_code == 302
    assert desk.post(f"{page}/status", {"to": "done"}, page=page).status_code == 302

    [done] = requests_of(app)
    assert (done.status, done.assignee_id, done.guest_message) == (RequestStatus.DONE, team["carl"], message)
    assert done.acknowledged_at is not None and done.resolved_at is not None
    assert [
        (event.action, event.staff_id, event.by_guest, event.from_value, event.to_value, event.text)
        for event in done.events
    ] == [
        ("created", None, True, "", "new", ""),
        ("status", team["rita"], False, "new", "acknowledged", ""),
        ("status", team["rita"], False, "acknowledged", "in_progress", ""),
        ("assignee", team["rita"], False, "", str(team["carl"]), ""),
        ("note", team["rita"], False, "", "", note),
        ("message", team["rita"], False, "", message, message),
        ("status", team["rita"], False, "in_progress", "done", ""),
    ]

    history = history_rows(text(desk.client.get(page)))
    assert history == [  # newest first
        "Rita Reyes | Status: In progress → Done",
        f"Rita Reyes | Message to the guest: {message}",
        f"Rita Reyes | Note: {note}",
        "Rita Reyes | Assigned: — → Carl Berg",
        "Rita Reyes | Status: Seen by the desk → In progress",
        "Rita Reyes | Status: Received → Seen by the desk",
        "Guest | Request received",
    ]

    assert stay_status_label(guest, req.id) == "Done"
    card = stay_request_card(guest, req.id)
    assert f"The desk: {message}" in re.sub(r"<[^>]+>", "", card)
    for guest_page in ("/stay", "/stay/live"):
        assert note not in text(guest.client.get(guest_page))
    assert "Cancel request" not in card  # nothing left to cancel once it is done
    # A done request leaves the open queue.
    assert queue_rows(text(desk.client.get("/desk/queue"))) == []


@pytest.mark.parametrize("to", ["acknowledged", "in_progress", "done", "declined", "cancelled", "new"])
def test_no_move_after_done_and_nothing_changes(app, world, team, to):
    request_id = open_request(app, world.stays["garcia"], RequestKind.HELP, datetime.now(UTC), details="Taxi")
    desk = signed_in_staff(app, RITA)
    page = f"/desk/requests/{request_id}"
    assert desk.post(f"{page}/status", {"to": "done"}, page=page).status_code == 302
    [before] = requests_of(app)

    refused = desk.post(f"{page}/status", {"to": to}, page=page)
    assert (refused.status_code, refused.location) == (302, page)
    shown = text(desk.client.get(page))
    label = REQUEST_STATUS_LABELS[RequestStatus(to)]
    assert f"This request cannot go from Done to {label}." in shown
    assert 'name="to"' not in shown  # a done request offers no further moves

    [after] = requests_of(app)
    assert (after.status, after.resolved_at, len(after.events), after.updated_at) == (
        RequestStatus.DONE,
        before.resolved_at,
        len(before.events),
        before.updated_at,
    )


def test_going_back_from_in_progress_is_refused_and_an_unknown_status_is_a_bad_request(app, world, team):
    request_id = open_request(app, world.stays["garcia"], RequestKind.HELP, datetime.now(UTC), details="Taxi")
    desk = signed_in_staff(app, RITA)
    page = f"/desk/requests/{request_id}"
    assert desk.post(f"{page}/status", {"to": "in_progress"}, page=page).status_code == 302
    desk.post(f"{page}/status", {"to": "acknowledged"}, page=page)
    assert "This request cannot go from In progress to Seen by the desk." in text(desk.client.get(page))
    assert desk.post(f"{page}/status", {"to": "reopened"}, page=page).status_code == 400
    [after] = requests_of(app)
    assert (after.status, [event.to_value for event in after.events]) == (
        RequestStatus.IN_PROGRESS,
        ["new", "in_progress"],
    )


def test_another_hotels_request_is_not_found_at_the_desk(app, world, team):
    from tests.factories import make_hotel

    request_id = open_request(app, world.stays["garcia"], RequestKind.HELP, datetime.now(UTC), details="Taxi")
    with app.app_context():
        other_hotel = make_hotel(slug="other-lodge").id
        db.session.commit()
    make_named_staff(app, other_hotel, "olga@other.test", "Olga Other")
    intruder = signed_in_staff(app, "olga@other.test")
    assert intruder.client.get(f"/desk/requests/{request_id}").status_code == 404
    assert queue_rows(text(intruder.client.get("/desk/queue"))) == []
    token = intruder.csrf("/desk/queue")
    moved = intruder.client.post(
        f"/desk/requests/{request_id}/status", data={"csrf_token": token, "to": "done"}
    )
    assert moved.status_code == 404
    assert requests_of(app)[0].status is RequestStatus.NEW


# --- 2. SLA order and filters on the queue page ----------------------------------------------------


@pytest.fixture
def busy_queue(app, world, team, frozen_now) -> dict[str, int]:
    """Six requests with deadlines around a frozen "now"; the clock stays at ``now``."""
    now = frozen_now(at_minute(datetime.now(UTC)))
    garcia, novak = world.stays["garcia"], world.stays["other"]
    ids = {
        # New, created first, due to be acknowledged in 1 minute (follow-ups: 15).
        "follow_up": open_request(
            app, novak, RequestKind.FOLLOW_UP, now - timedelta(minutes=14), details="Bikes?"
        ),
        # Created later, but its 5 minutes to acknowledge ran out 5 minutes ago.
        "late_help": open_request(app, garcia, RequestKind.HELP, now - timedelta(minutes=10), details="Call"),
        # Acknowledged long ago: what counts now is its resolve deadline, 10 minutes away.
        "moving": open_request(app, garcia, RequestKind.AMENITY, now - timedelta(minutes=50), item="water"),
        # Due in 5 minutes, all three; the recovery (priority 0) before the other two.
        "towels": open_request(app, garcia, RequestKind.AMENITY, now - timedelta(minutes=5), item="towels"),
        "help": open_request(app, garcia, RequestKind.HELP, now, details="The kettle is broken"),
        "recovery": open_request(app, novak, RequestKind.RECOVERY, now, details="Rated 1 star"),
        "closed": open_request(app, garcia, RequestKind.HELP, now - timedelta(minutes=2), details="Gone"),
    }
    move_request(app, ids["moving"], RequestStatus.IN_PROGRESS, now - timedelta(minutes=45))
    move_request(app, ids["closed"], RequestStatus.DONE, now - timedelta(minutes=1))
    with app.app_context():
        db.session.get(GuestRequest, ids["help"]).assignee_id = team["carl"]
        db.session.commit()
    return ids


def test_recovery_first_then_overdue_then_the_earliest_deadline(app, busy_queue):
    desk = signed_in_staff(app, RITA)
    page = text(desk.client.get("/desk/queue"))
    rows = queue_rows(page)
    expected = ["recovery", "late_help", "follow_up", "towels", "help", "moving"]
    assert [request_id for request_id, _css in rows] == [busy_queue[name] for name in expected]
    assert [css for _id, css in rows] == ["", "overdue", "", "", "", ""]
    late_row = page.split(f'data-request="{busy_queue["late_help"]}"', 1)[1].split("</tr>", 1)[0]
    assert "5 minutes late" in late_row
    recovery_row = page.split(f'data-request="{busy_queue["recovery"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Service recovery" in recovery_row and "in 5 minutes" in recovery_row
    help_row = page.split(f'data-request="{busy_queue["help"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Carl Berg" in help_row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "help"}, ["late_help", "help"]),
        ({"kind": "amenity"}, ["towels", "moving"]),
        ({"status": "in_progress"}, ["moving"]),
        ({"status": "done"}, ["closed"]),
        ({"room": "301"}, ["recovery", "follow_up"]),
        ({"kind": "help", "room": "301"}, []),
        ({"kind": "nonsense"}, ["recovery", "late_help", "follow_up", "towels", "help", "moving"]),
    ],
)
def test_queue_filters_narrow_the_list(app, busy_queue, query, expected):
    desk = signed_in_staff(app, RITA)
    rows = queue_rows(text(desk.client.get("/desk/queue", query_string=query)))
    assert [request_id for request_id, _css in rows] == [busy_queue[name] for name in expected]


def test_queue_filter_by_assignee(app, busy_queue, team):
    desk = signed_in_staff(app, RITA)
    rows = queue_rows(text(desk.client.get("/desk/queue", query_string={"assignee": team["carl"]})))
    assert [request_id for request_id, _css in rows] == [busy_queue["help"]]
    assert queue_rows(text(desk.client.get("/desk/queue", query_string={"assignee": team["rita"]}))) == []


# --- 3. On-request services: approve or decline ----------------------------------------------------


@pytest.fixture
def on_request(app, world) -> None:
    """The farm visit becomes an on-request service, like babysitting."""
    with app.app_context():
        db.session.get(Service, world.services["farm_visit"]).needs_approval = True
        db.session.commit()


def folio(app) -> list[tuple[str, int]]:
    """(description, amount) of every folio line, in posting order."""
    with app.app_context():
        return [
            (line.description, line.amount)
            for line in db.session.scalars(select(FolioLine).order_by(FolioLine.id))
        ]


def room_payment_amount(app, reference: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Payment.amount).join(Order).where(Order.reference == reference))


def taken(app, slot_id: int) -> int:
    with app.app_context():
        return db.session.get(Slot, slot_id).taken


@pytest.fixture
def waiting(app, world, on_request, team) -> dict:
    """Garcia booked horse riding (1 adult, 60.00) and a farm visit awaiting approval (2 adults + the
    9-year-old: 2 x 15.00 + 10.00) together, on the room."""
    guest = signed_in_guest(app)
    riding_slot = add_timed(guest, world.services["horse_riding"], adults=1, which=-1)
    farm_slot = add_timed(guest, world.services["farm_visit"], adults=2, children=[1], which=-2)
    reference = checkout_on_room(guest)
    riding, farm = lines_of_order(app, reference)
    [approval] = requests_of(app, kind=RequestKind.APPROVAL)
    return {
        "guest": guest,
        "reference": reference,
        "riding": riding,
        "farm": farm,
        "farm_slot": farm_slot,
        "riding_slot": riding_slot,
        "request": approval,
    }


def test_an_on_request_booking_waits_for_the_desk_and_charges_nothing_yet(app, world, waiting):
    riding, farm, approval = waiting["riding"], waiting["farm"], waiting["request"]
    assert (riding.status, riding.total) == (LineStatus.BOOKED, 6000)
    assert (farm.status, farm.total) == (LineStatus.REQUESTED, 4000)
    assert (approval.order_line_id, approval.status, approval.stay_id) == (
        farm.id,
        RequestStatus.NEW,
        world.stays["garcia"],
    )
    assert taken(app, waiting["farm_slot"]) == 3  # the places are kept while the desk decides

    farm_card = booking_card(waiting["guest"], "Farm visit")
    assert "Waiting for the desk" in farm_card
    assert "The desk will confirm this soon. Nothing is charged until then." in farm_card

    desk = signed_in_staff(app, RITA)
    queue = text(desk.client.get("/desk/queue"))
    assert [request_id for request_id, _css in queue_rows(queue)] == [approval.id]
    assert "Farm visit" in queue and "Needs approval" in queue

    assert room_payment_amount(app, waiting["reference"]) == 6000
    assert folio(app) == [("Horse riding", 6000)]  # the farm visit is not charged yet


def test_approving_books_the_line_and_charges_the_room(app, world, waiting):
    approval = waiting["request"]
    desk = signed_in_staff(app, RITA)
    page = f"/desk/requests/{approval.id}"
    assert "Approve and charge the room" in text(desk.client.get(page))

    approved = desk.post(f"{page}/approve", {"text": "A guide is free for you."}, page=page)
    assert (approved.status_code, approved.location) == (302, page)
    assert "Approved: the booking is confirmed and charged to the room." in text(desk.client.get(page))

    [_riding, booked] = lines_of_order(app, waiting["reference"])
    assert booked.status is LineStatus.BOOKED
    [done] = requests_of(app, kind=RequestKind.APPROVAL)
    assert (done.status, done.guest_message) == (RequestStatus.DONE, "A guide is free for you.")
    assert room_payment_amount(app, waiting["reference"]) == 6000 + 4000
    assert folio(app) == [("Horse riding", 6000), ("Farm visit", 4000)]
    assert taken(app, waiting["farm_slot"]) == 3

    farm_card = booking_card(waiting["guest"], "Farm visit")
    assert "Confirmed" in farm_card and "Waiting for the desk" not in farm_card
    assert "A guide is free for you." in stay_request_card(waiting["guest"], approval.id)


def test_declining_gives_the_places_back_and_charges_nothing(app, world, waiting):
    approval = waiting["request"]
    desk = signed_in_staff(app, RITA)
    page = f"/desk/requests/{approval.id}"
    declined = desk.post(f"{page}/decline", {"text": "Sorry, the farm is closed that day."}, page=page)
    assert (declined.status_code, declined.location) == (302, page)
    assert "Declined: the places are free again and nothing was charged." in text(desk.client.get(page))

    [riding, cancelled] = lines_of_order(app, waiting["reference"])
    assert (riding.status, cancelled.status) == (LineStatus.BOOKED, LineStatus.CANCELLED)
    assert cancelled.cancelled_at is not None
    assert taken(app, waiting["farm_slot"]) == 0
    assert taken(app, waiting["riding_slot"]) == 1
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.reference == waiting["reference"]))
        assert (order.status, order.total) == (OrderStatus.CONFIRMED, 6000)
    [answered] = requests_of(app, kind=RequestKind.APPROVAL)
    assert (answered.status, answered.guest_message) == (
        RequestStatus.DECLINED,
        "Sorry, the farm is closed that day.",
    )
    assert room_payment_amount(app, waiting["reference"]) == 6000
    assert folio(app) == [("Horse riding", 6000)]

    assert stay_status_label(waiting["guest"], approval.id) == "Declined"
    assert "Sorry, the farm is closed that day." in stay_request_card(waiting["guest"], approval.id)

    # Answered once is answered: approving afterwards is refused and charges nothing.
    desk.post(f"{page}/approve", {"text": ""}, page=page)
    assert folio(app) == [("Horse riding", 6000)]
    assert lines_of_order(app, waiting["reference"])[1].status is LineStatus.CANCELLED


def test_card_payment_is_refused_for_a_cart_with_an_on_request_service(app, world, on_request, monkeypatch):
    # Keys make the card offered; the refusal comes before anything would reach Stripe.
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_not_used")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_not_used")
    guest = signed_in_guest(app)
    farm_slot = add_timed(guest, world.services["farm_visit"], adults=1)
    assert 'value="card"' in guest.client.get("/cart").get_data(as_text=True)

    refused = guest.post("/checkout", {"payment_method": "card"}, page="/cart")
    assert refused.status_code == 409
    assert (
        "Part of this needs the desk's approval and goes on your room bill. Please choose room charge."
        in text(refused)
    )
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.status is OrderStatus.CART
        assert [line.status for line in order.lines] == [LineStatus.CART]
        assert db.session.scalar(select(func.count(Payment.id))) == 0
        assert db.session.scalar(select(func.count(GuestRequest.id))) == 0
        assert db.session.scalar(select(func.count(FolioLine.id))) == 0
    assert taken(app, farm_slot) == 0


def test_the_guest_cancels_a_line_waiting_for_approval(app, world, waiting):
    guest, farm = waiting["guest"], waiting["farm"]
    # The approval request itself is not the guest's to cancel: the booking is.
    refused = guest.post(f"/stay/requests/{waiting['request'].id}/cancel", {}, page="/stay")
    assert refused.status_code == 409
    assert "Please cancel the booking itself." in text(refused)
    assert requests_of(app, kind=RequestKind.APPROVAL)[0].status is RequestStatus.NEW

    cancelled = guest.cancel_booking(farm.id)
    assert cancelled.status_code == 302
    [riding, farm_after] = lines_of_order(app, waiting["reference"])
    assert (riding.status, farm_after.status) == (LineStatus.BOOKED, LineStatus.CANCELLED)
    [withdrawn] = requests_of(app, kind=RequestKind.APPROVAL)
    assert withdrawn.status is RequestStatus.CANCELLED
    assert (withdrawn.events[-1].by_guest, withdrawn.events[-1].to_value) == (True, "cancelled")
    assert taken(app, waiting["farm_slot"]) == 0
    with app.app_context():
        assert db.session.scalar(select(Order.total).where(Order.reference == waiting["reference"])) == 6000
    assert stay_status_label(guest, withdrawn.id) == "Cancelled"
    assert folio(app) == [("Horse riding", 6000)]  # nothing was ever charged for the farm visit

    desk = signed_in_staff(app, RITA)
    assert queue_rows(text(desk.client.get("/desk/queue"))) == []


# --- 4. An amenity booked through the cart --------------------------------------------------------


def test_a_crib_booked_through_the_cart_becomes_a_delivery_in_the_queue(app, world, team):
    guest = signed_in_guest(app)
    path = f"/services/{world.services['crib']}"
    added = guest.post(path, {"start_date": world.today.isoformat(), "days": 2, "quantity": 1})
    assert added.status_code == 302, text(added)
    reference = checkout_on_room(guest)
    [line] = lines_of_order(app, reference)
    assert line.status is LineStatus.BOOKED

    [delivery] = requests_of(app)
    assert (delivery.kind, delivery.order_line_id, delivery.quantity, delivery.status, delivery.item) == (
        RequestKind.AMENITY,
        line.id,
        1,
        RequestStatus.NEW,
        "",
    )
    assert delivery.ack_due_at == delivery.created_at + timedelta(minutes=10)

    desk = signed_in_staff(app, RITA)
    queue = text(desk.client.get("/desk/queue"))
    row = queue.split(f'data-request="{delivery.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Crib" in row and "Delivery to the room" in row
    assert stay_status_label(guest, delivery.id) == "Received"


# --- 9. The queue refreshes itself over HTTP -----------------------------------------------------


def test_the_live_queue_answers_304_until_a_request_arrives(app, world, team, frozen_now):
    frozen_now(at_minute(datetime.now(UTC)) + timedelta(seconds=10))
    desk = signed_in_staff(app, RITA)
    first = desk.client.get("/desk/queue/live")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 2
    assert "Nothing is waiting. Well done." in text(first)
    assert f'data-live-etag="{etag}"' in text(desk.client.get("/desk/queue"))

    unchanged = desk.client.get("/desk/queue/live", headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.get_data()) == (304, b"")
    assert unchanged.headers["ETag"] == etag

    guest = signed_in_guest(app)
    guest.post("/stay/requests/item", {"item-item": "pillows", "item-quantity": 1}, page="/stay")
    [req] = requests_of(app)
    changed = desk.client.get("/desk/queue/live", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    body = text(changed)
    assert f'data-request="{req.id}"' in body and "Extra pillows" in body
    again = desk.client.get("/desk/queue/live", headers={"If-None-Match": changed.headers["ETag"]})
    assert again.status_code == 304
