"""The stay's life at the desk: confirmed check-in and check-out with the open balance, no sale after
check-out except a manager's late charge, sessions that end, live regions that stop, the Today page for
any day, the room list, check-in errors on their fields, and the room card in the guest's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    FolioLine,
    Hotel,
    LineStatus,
    Order,
    PaymentMethod,
    Room,
    Service,
    Slot,
    StaffRole,
    Stay,
)
from app.services import ordering, planning, stay_desk
from tests import factories
from tests.conftest import GuestActions
from tests.desk.helpers import RITA, make_named_staff, signed_in_guest, signed_in_staff, text
from tests.desk.test_check_in_and_sales import check_in_form, stays_in_room
from tests.reading import detached_rows

HOA = "hoa@lodge.test"
LIVE = {"X-Live-Region": "1"}


@pytest.fixture
def desk(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    return signed_in_staff(app, RITA)


@pytest.fixture
def manager(app, world):
    make_named_staff(app, world.hotel_id, HOA, "Hoa Pham", StaffRole.MANAGER)
    return signed_in_staff(app, HOA)


def add_stay(app, world, room: str, surname: str, arrival_in: int, nights: int, **fields) -> int:
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        arrival = world.today + timedelta(days=arrival_in)
        stay = factories.make_stay(
            hotel,
            room=room,
            surname=surname,
            arrival=arrival,
            departure=arrival + timedelta(nights),
            **fields,
        )
        db.session.commit()
        return stay.id


def folio_lines(app) -> list[FolioLine]:
    return detached_rows(app, select(FolioLine).order_by(FolioLine.id))


def first_riding_slot(app, world) -> int:
    with app.app_context():
        return factories.riding_slot(world).id


def check_out_through_the_pages(desk, stay_id: int):
    page = f"/desk/stays/{stay_id}/check-out"
    return desk.post(page, {}, page=page)


# --- 1. Nothing sold after check-out, except a manager's late charge ------------------------------


def test_the_desk_cannot_sell_to_a_checked_out_stay(app, world, desk):
    garcia = world.stays["garcia"]
    assert check_out_through_the_pages(desk, garcia).status_code == 302
    stay_page = text(desk.client.get(f"/desk/stays/{garcia}"))
    assert "Sell a service" not in stay_page and "Post a late charge" not in stay_page  # not a manager

    sell = f"/desk/stays/{garcia}/sell?service={world.services['horse_riding']}"
    sold = desk.post(sell, {"slot": first_riding_slot(app, world), "adults": "1", "payment_method": "room"})
    assert sold.status_code == 409
    assert "This stay has checked out: nothing more can be booked or asked for." in text(sold)
    assert folio_lines(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0

    assert desk.client.get(f"/desk/stays/{garcia}/late-charge").status_code == 403  # managers only


def test_a_manager_posts_a_late_charge_that_the_folio_export_marks(app, world, manager):
    garcia = world.stays["garcia"]
    late_page = f"/desk/stays/{garcia}/late-charge"
    refused = manager.post(late_page, {"amount": "35", "description": "Minibar"}, page=late_page)
    assert refused.status_code == 409  # still in the house: sell a service instead
    assert "Late charges are for stays that have checked out" in text(refused)

    check_out_through_the_pages(manager, garcia)
    assert "Post a late charge" in text(manager.client.get(f"/desk/stays/{garcia}"))
    for bad in ("", "0", "-5", "1e308", "abc"):
        answer = manager.post(late_page, {"amount": bad, "description": "Minibar"}, page=late_page)
        assert answer.status_code == 400, bad
    posted = manager.post(late_page, {"amount": "35", "description": "Minibar: two juices"}, page=late_page)
    assert (posted.status_code, posted.location) == (302, f"/desk/stays/{garcia}")
    stay_page = text(manager.client.get(posted.location))
    assert "Late charge €35.00 posted to the folio" in stay_page
    assert "Late charge" in stay_page

    [line] = folio_lines(app)
    assert (line.amount, line.currency, line.room, line.late_charge) == (3500, "EUR", "204", True)
    assert line.description == "Minibar: two juices"
    with app.app_context():
        order = db.session.get(Order, line.order_id)
        assert order.late_charge and order.stay_id == garcia

    csv_text = manager.client.get("/manage/folio.csv").get_data(as_text=True)
    header, row = csv_text.strip().splitlines()
    assert header.endswith(",late_charge")
    assert row.endswith(",late") and ",35.00,EUR," in row


# --- 2. Check-in and check-out confirm, with the balance, following the stay's state --------------


def test_check_out_asks_first_and_shows_the_open_balance(app, world, desk):
    garcia = world.stays["garcia"]
    with app.app_context():
        stay = db.session.get(Stay, garcia)
        db.session.get(Service, world.services["farm_visit"]).needs_approval = True
        db.session.commit()
        slot = db.session.get(Slot, first_riding_slot(app, world))
        riding = planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=1)
        ordering.sell_at_desk(stay, riding, PaymentMethod.ROOM)  # €60 on the room
        farm = planning.BookingRequest(world.services["farm_visit"], slot_id=slot.id, adults=2)
        pending = ordering.sell_at_desk(stay, farm, PaymentMethod.ROOM)
        assert pending.lines[0].status is LineStatus.REQUESTED

    stay_page = text(desk.client.get(f"/desk/stays/{garcia}"))
    assert "In house" in stay_page
    assert f'href="/desk/stays/{garcia}/check-out"' in stay_page
    assert f'action="/desk/stays/{garcia}/check-out"' not in stay_page  # no one-click check-out
    assert "Check in" not in stay_page.split("<h1>", 1)[1].split("</section>", 1)[0]

    confirm = text(desk.client.get(f"/desk/stays/{garcia}/check-out"))
    assert "Check out Elena Garcia, room 204?" in confirm
    assert re.search(r"Room charges</dt><dd>€60\.00", confirm)
    assert re.search(r"Card payments</dt><dd>€0\.00", confirm)
    assert re.search(r"Waiting for approval</dt><dd>€30\.00", confirm)
    assert "1 booking still waits for the desk's approval" in confirm
    assert "Yes, check out" in confirm
    with app.app_context():
        assert db.session.get(Stay, garcia).checked_out_at is None  # looking asks, it does not act

    check_out_through_the_pages(desk, garcia)
    after = text(desk.client.get(f"/desk/stays/{garcia}/check-out"))
    assert "This guest has already checked out." in after and "Yes, check out" not in after


def test_a_booked_stay_has_a_check_in_button_and_no_check_out(app, world, desk):
    expected = add_stay(app, world, "110", "Lindqvist", 0, 3, checked_in_at=None)
    stay_page = text(desk.client.get(f"/desk/stays/{expected}"))
    assert "Expected" in stay_page
    assert f'href="/desk/stays/{expected}/check-in"' in stay_page
    assert f"/desk/stays/{expected}/check-out" not in stay_page

    out = check_out_through_the_pages(desk, expected)
    assert "This guest has not checked in yet." in text(desk.client.get(out.location))

    confirm = text(desk.client.get(f"/desk/stays/{expected}/check-in"))
    assert "Check in Elena Lindqvist, room 110?" in confirm and "Yes, check in" in confirm
    done = desk.post(f"/desk/stays/{expected}/check-in", {}, page=f"/desk/stays/{expected}/check-in")
    assert (done.status_code, done.location) == (302, f"/desk/stays/{expected}/card")
    with app.app_context():
        assert db.session.get(Stay, expected).checked_in_at is not None
    assert "In house" in text(desk.client.get(f"/desk/stays/{expected}"))


def test_a_walk_in_checked_in_at_the_desk_is_in_the_house(app, world, desk):
    assert desk.post("/desk/check-in", check_in_form(world)).status_code == 302
    [stay] = stays_in_room(app, "105")
    assert stay.checked_in_at is not None


# --- 3. Live regions stop and send the person to sign in -------------------------------------------


def test_live_polls_without_a_valid_session_answer_401_not_a_sign_in_page(app, world, desk):
    guest = signed_in_guest(app)
    assert guest.client.get("/stay/live", headers=LIVE).status_code == 200
    check_out_through_the_pages(desk, world.stays["garcia"])
    gone = guest.client.get("/stay/live", headers=LIVE)
    assert gone.status_code == 401 and "location" not in gone.headers
    # A page (not a poll) still goes to the sign-in page with the way back.
    page = guest.client.get("/stay")
    assert page.status_code == 302 and page.location.startswith("/signin")

    assert desk.client.get("/desk/queue/live", headers=LIVE).status_code == 200
    desk.sign_out()
    assert desk.client.get("/desk/queue/live", headers=LIVE).status_code == 401
    assert desk.client.get("/desk/queue/live").status_code == 302


# --- 4. Guest sessions are revoked at sign-out and end at departure --------------------------------


def copy_of_cookies(app, guest: GuestActions) -> GuestActions:
    thief = GuestActions(app.test_client())
    for cookie in guest.client._cookies.values():
        thief.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_a_cookie_copied_before_sign_out_opens_nothing(app, world):
    guest = signed_in_guest(app)
    copy = copy_of_cookies(app, guest)
    assert copy.client.get("/stay").status_code == 200  # the copy works while the guest is signed in

    signed_out = guest.post("/signout", {}, page="/stay")
    assert signed_out.status_code == 302
    assert copy.client.get("/stay").status_code == 302
    assert copy.client.get("/stay/live", headers=LIVE).status_code == 401

    again = signed_in_guest(app)  # signing in again gives a fresh, working session
    assert again.client.get("/stay").status_code == 200


def test_check_out_revokes_a_copied_cookie_too(app, world, desk):
    guest = signed_in_guest(app)
    copy = copy_of_cookies(app, guest)
    with app.app_context():
        version = db.session.get(Stay, world.stays["garcia"]).session_version
    check_out_through_the_pages(desk, world.stays["garcia"])
    with app.app_context():
        assert db.session.get(Stay, world.stays["garcia"]).session_version == version + 1
    assert copy.client.get("/stay").status_code == 302


def test_the_guest_session_ends_at_the_end_of_the_departure_day(app, world, frozen_now):
    guest = GuestActions(app.test_client())
    signed_in = guest.sign_in()
    cookie = signed_in.headers["Set-Cookie"]
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        hotel = db.session.get(Hotel, world.hotel_id)
        ends = datetime.combine(stay.departure + timedelta(days=1), datetime.min.time(), tzinfo=hotel.tz)
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    assert datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC) == ends.astimezone(UTC)

    frozen_now(ends - timedelta(minutes=1))  # late on the departure day: still in
    assert guest.client.get("/stay").status_code == 200
    frozen_now(ends + timedelta(minutes=1))  # the day after: the same cookie opens nothing
    assert guest.client.get("/stay").status_code == 302


def test_the_guest_cookie_is_sent_again_only_while_a_fresh_one_would_last_longer(app, world):
    guest = GuestActions(app.test_client())
    assert "Set-Cookie" in guest.sign_in().headers
    guest.client.get("/stay")  # the first page stores the session's CSRF secret: a changed cookie
    # Departure within the app-wide 14 days: the cookie already ends then; nothing to refresh.
    answer = guest.client.get("/stay")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.departure = stay.arrival + timedelta(days=40)  # a long stay: 14 days at a time
        db.session.commit()
    guest = GuestActions(app.test_client())
    guest.sign_in()
    guest.client.get("/stay")
    answer = guest.client.get("/stay")
    assert answer.status_code == 200 and "Set-Cookie" in answer.headers


# --- 5. Check-in: every field at once, rooms from the room list, emails checked --------------------


def field_error(page: str, field: str) -> str | None:
    block = re.search(rf'<div class="field has-error">\s*<label for="{field}".*?</div>', page, re.S)
    if block is None:
        return None
    return re.search(r'<p class="error"[^>]*>(.*?)</p>', block.group(0), re.S).group(1)


def test_check_in_reports_every_wrong_field_next_to_it(app, world, desk):
    refused = desk.post(
        "/desk/check-in", check_in_form(world, room="9999", email="nino@example", surname="", adults="0")
    )
    assert refused.status_code == 400
    page = text(refused)
    assert field_error(page, "room") == "Room 9999 is not on the hotel's room list."
    assert field_error(page, "email") == "Please enter a valid email address."
    assert field_error(page, "surname") == "Please enter the surname."
    assert field_error(page, "adults") == "Please enter a number from 1 to 10."
    assert "Please correct the 4 marked fields." in page
    assert 'value="9999"' in page and 'value="nino@example"' in page  # what was typed is kept
    assert stays_in_room(app, "9999") == []


def test_managers_keep_the_room_list_and_check_in_follows_it(app, world, desk, manager):
    assert desk.client.get("/manage/rooms").status_code == 403
    page = text(manager.client.get("/manage/rooms"))
    assert "Rooms" in page and "<td>101</td>" in page

    added = manager.post("/manage/rooms", {"numbers": "401-403, B12"}, page="/manage/rooms")
    assert added.status_code == 302
    assert "4 rooms added." in text(manager.client.get("/manage/rooms"))
    bad = manager.post("/manage/rooms", {"numbers": "=2+5"}, page="/manage/rooms")
    assert bad.status_code == 400 and "is not a room number" in text(bad)
    with app.app_context():
        numbers = set(db.session.scalars(select(Room.number).where(Room.hotel_id == world.hotel_id)))
        assert {"401", "402", "403", "B12"} <= numbers and "=2+5" not in numbers
        room_105 = db.session.scalar(select(Room.id).where(Room.number == "105"))

    assert desk.post("/desk/check-in", check_in_form(world, room="B12")).status_code == 302
    toggled = manager.post(f"/manage/rooms/{room_105}/active", {"active": "0"}, page="/manage/rooms")
    assert toggled.status_code == 302
    refused = desk.post("/desk/check-in", check_in_form(world))
    assert refused.status_code == 400
    assert field_error(text(refused), "room") == "Room 105 is not on the hotel's room list."
    manager.post(f"/manage/rooms/{room_105}/active", {"active": "1"}, page="/manage/rooms")
    assert desk.post("/desk/check-in", check_in_form(world)).status_code == 302


# --- 6. The Today page: states, early departures, any day ------------------------------------------


def test_today_shows_arrival_states_early_departures_and_any_day(app, world, desk):
    expected = add_stay(app, world, "110", "Lindqvist", 0, 2, checked_in_at=None)
    add_stay(app, world, "111", "Okoye", 0, 2)
    early = add_stay(app, world, "112", "Early", -2, 5)
    add_stay(app, world, "113", "Tomorrow", 1, 2, checked_in_at=None)
    with app.app_context():
        stay_desk.check_out(db.session.get(Stay, early))

    page = text(desk.client.get("/desk/today"))
    arrivals, departures = page.split("<h2>Departures</h2>", 1)
    assert re.search(r"Lindqvist</a></td>\s*<td><span class=\"badge pending\">Expected", arrivals)
    assert re.search(r"Okoye</a></td>\s*<td><span class=\"badge succeeded\">Arrived", arrivals)
    assert f'href="/desk/stays/{expected}/check-in"' in arrivals
    assert "Early" in departures and "Early: booked until" in departures
    assert "Tomorrow" not in page

    tomorrow = (world.today + timedelta(days=1)).isoformat()
    assert f'href="/desk/today?day={tomorrow}"' in page
    assert f'href="/desk/today?day={(world.today - timedelta(days=1)).isoformat()}"' in page
    next_day = text(desk.client.get(f"/desk/today?day={tomorrow}"))
    assert "Tomorrow" in next_day.split("<h2>Departures</h2>", 1)[0]
    assert "Lindqvist" not in next_day.split("<h2>Departures</h2>", 1)[0].split("<h2>Arrivals</h2>", 1)[1]
    for junk in ("yesterday", "2026-13-40", "9999-01-01", "%00"):
        assert desk.client.get(f"/desk/today?day={junk}").status_code == 200


# --- 7. The room card speaks the guest's language ---------------------------------------------------


def test_the_room_card_is_printed_in_the_guests_language(app, world, desk):
    vietnamese = add_stay(app, world, "114", "Tran", 0, 3, locale="vi")
    card = text(desk.client.get(f"/desk/stays/{vietnamese}/card"))
    assert '<section class="panel room-card" lang="vi" dir="ltr">' in card
    assert "Scan with your phone's camera" not in card
    assert "Phòng 114" in card  # "Room 114" in Vietnamese
    assert "Back to the stay" in card  # the desk's own button stays in the staff's language
    english = text(desk.client.get(f"/desk/stays/{world.stays['garcia']}/card"))
    assert "Scan with your phone's camera" in english
