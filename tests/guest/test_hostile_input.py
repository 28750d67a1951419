"""What a careless or hostile visitor can send: every refusal is a readable 4xx and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from limits import parse as parse_limit
from sqlalchemy import func, select

from app import clock
from app.extensions import db, limiter
from app.models import (
    FolioLine,
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    Package,
    SeatAllocation,
    Service,
    Slot,
    Stay,
)
from app.services import availability
from tests import factories
from tests.browsing import text
from tests.conftest import GuestActions

HUGE = str(10**30)  # bigger than any database integer: no such address, a plain 404 page
NO_PAGE = "We could not find that page."
EXPIRED_FORM = "This form has expired. Please reload the page and try again."
NOT_FOUND = "We could not find that booking."


def last_slot_id(page: str) -> int:
    return int(re.findall(r'name="slot" value="(\d+)"', page)[-1])


def state(app) -> dict:
    """Everything a request could have changed: orders, lines, seats, room charges, stays."""
    with app.app_context():
        return {
            "orders": sorted(
                (o.reference, o.status.value, o.total) for o in db.session.scalars(select(Order))
            ),
            "lines": sorted((line.id, line.status.value) for line in db.session.scalars(select(OrderLine))),
            "seats": sorted((s.id, s.taken) for s in db.session.scalars(select(Slot).where(Slot.taken > 0))),
            "allocations": db.session.scalar(select(func.count(SeatAllocation.id))),
            "folio": sorted((f.reference, f.amount) for f in db.session.scalars(select(FolioLine))),
            "stays": sorted((s.id, s.locale, s.checked_out_at) for s in db.session.scalars(select(Stay))),
        }


def nothing_booked(app) -> bool:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(OrderLine.id))) == 0
            and db.session.scalar(select(func.count(FolioLine.id))) == 0
            and db.session.scalar(select(func.coalesce(func.sum(Slot.taken), 0))) == 0
        )


def add_to_cart(guest, service_id: int) -> int:
    path = f"/services/{service_id}"
    added = guest.post(path, {"slot": last_slot_id(text(guest.client.get(path))), "adults": 1})
    assert added.status_code == 302, text(added)
    with guest.client.application.app_context():
        return db.session.scalar(select(func.max(OrderLine.id)))


def book(guest, service_id: int) -> tuple[str, int]:
    """Book one adult and charge the room; return the order reference and the line id."""
    line_id = add_to_cart(guest, service_id)
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302
    return urlsplit(booked.location).path.rsplit("/", 1)[-1], line_id


def is_signed_in(client) -> bool:
    with client.session_transaction() as session:
        return bool(session.get("stay"))


def assert_refused(response, status: int, message: str) -> None:
    assert response.status_code == status, text(response)[-1500:]
    assert message in text(response)


@pytest.fixture
def family(guest, world):
    """The family signed in with horse riding booked and a farm visit in the cart."""
    assert guest.sign_in().status_code == 302
    reference, booked_line = book(guest, world.services["horse_riding"])
    cart_line = add_to_cart(guest, world.services["farm_visit"])
    return {"reference": reference, "booked_line": booked_line, "cart_line": cart_line}


@pytest.fixture
def neighbours(app, world, family):
    """Room 301 (Novak), on another phone: horse riding booked and a farm visit in their cart."""
    other = GuestActions(app.test_client())
    assert other.sign_in(room="301", surname="Novak").status_code == 302
    reference, booked_line = book(other, world.services["horse_riding"])
    cart_line = add_to_cart(other, world.services["farm_visit"])
    return {"reference": reference, "booked_line": booked_line, "cart_line": cart_line}


# --- CSRF -----------------------------------------------------------------------------------------


def csrf_less_posts(world, family) -> dict[str, tuple[str, dict]]:
    return {
        "signout": ("/signout", {}),
        "language": ("/language", {"lang": "vi", "next": "/home"}),
        "book": (f"/services/{world.services['pony_ride']}", {"adults": 0, "children": ["0"]}),
        "rent": (
            f"/services/{world.services['car_rental']}",
            {"start_date": world.today.isoformat(), "days": 1, "quantity": 1},
        ),
        "remove": (f"/cart/lines/{family['cart_line']}/remove", {}),
        "checkout": ("/checkout", {"payment_method": "room"}),
        "cancel": (f"/bookings/{family['booked_line']}/cancel", {}),
    }


@pytest.mark.parametrize("token", [None, "", "forged-token", "other-session"])
@pytest.mark.parametrize("action", ["signout", "language", "book", "rent", "remove", "checkout", "cancel"])
def test_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    app, guest, world, family, action, token
):
    path, data = csrf_less_posts(world, family)[action]
    if token == "other-session":
        token = GuestActions(app.test_client()).csrf("/signin")
    if token is not None:
        data = {**data, "csrf_token": token}
    before = state(app)

    response = guest.client.post(path, data=data)

    assert_refused(response, 400, EXPIRED_FORM)
    assert state(app) == before
    assert is_signed_in(guest.client)
    assert '<html lang="en"' in text(guest.client.get("/cart"))


@pytest.mark.parametrize(
    "form",
    [
        {"method": "room", "room-room": "204", "room-surname": "Garcia"},
        {"method": "reference", "ref-reference": "{garcia}", "ref-surname": "Garcia"},
    ],
)
def test_signin_without_csrf_token_does_not_sign_in(app, client, world, form):
    form = {key: value.format(**world.references) for key, value in form.items()}
    client.get("/signin")  # a session exists, only the token is missing

    response = client.post("/signin", data=form)

    assert_refused(response, 400, EXPIRED_FORM)
    assert not is_signed_in(client)


# --- Booking forms --------------------------------------------------------------------------------


def slot_of(app, pool_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Slot.id).where(Slot.pool_id == pool_id).order_by(Slot.id.desc()))


TIMED_CASES = {
    # name: (form fields with {slot} for a good time, status, message)
    "adults-negative": ({"slot": "{slot}", "adults": "-1"}, 400, "Please enter a number from 0 to 20."),
    "adults-huge": ({"slot": "{slot}", "adults": "999999999999999999999"}, 400, "from 0 to 20."),
    "adults-5000-digits": ({"slot": "{slot}", "adults": "9" * 5000}, 400, "Please enter a whole number."),
    "adults-word": ({"slot": "{slot}", "adults": "two"}, 400, "Please enter a whole number."),
    "adults-decimal": ({"slot": "{slot}", "adults": "1.5"}, 400, "Please enter a whole number."),
    "adults-nul": ({"slot": "{slot}", "adults": "1\x00"}, 400, "Please enter a whole number."),
    "adults-empty": ({"slot": "{slot}", "adults": ""}, 400, "Please say how many adults are coming."),
    "adults-missing": ({"slot": "{slot}"}, 400, "Please say how many adults are coming."),
    "adults-more-than-the-stay": ({"slot": "{slot}", "adults": "3"}, 400, "Your stay has 2 adults."),
    "nobody": ({"slot": "{slot}", "adults": "0"}, 400, "Please choose who is coming."),
    "slot-word": ({"slot": "abc", "adults": "1"}, 400, "Please choose a time."),
    "slot-missing": ({"adults": "1"}, 400, "Please choose a time."),
    "slot-empty": ({"slot": "", "adults": "1"}, 400, "Please choose a time."),
    "slot-nul": ({"slot": "\x00", "adults": "1"}, 400, "Please choose a time."),
    "slot-negative": ({"slot": "-1", "adults": "1"}, 400, "Please choose a time."),
    "slot-unknown": ({"slot": "987654", "adults": "1"}, 404, "That time is not available."),
    "slot-huge": ({"slot": HUGE, "adults": "1"}, 400, "Please choose a time."),
    "slot-of-the-car-pool": ({"slot": "{car_slot}", "adults": "1"}, 404, "That time is not available."),
    "slot-of-another-hotel": ({"slot": "{foreign_slot}", "adults": "1"}, 404, "That time is not available."),
    "child-out-of-range": ({"slot": "{slot}", "adults": "1", "children": ["2"]}, 400, "children from your"),
    "child-negative": ({"slot": "{slot}", "adults": "1", "children": ["-1"]}, 400, "children from your"),
    "child-huge": ({"slot": "{slot}", "adults": "1", "children": [HUGE]}, 400, "children from your"),
    "child-twice": ({"slot": "{slot}", "adults": "0", "children": ["1", "1"]}, 400, "children from your"),
    "child-word": (
        {"slot": "{slot}", "adults": "1", "children": ["abc"]},
        400,
        "Please choose from the list.",
    ),
    "child-too-young": ({"slot": "{slot}", "adults": "1", "children": ["0"]}, 400, "too young"),
}


@pytest.fixture
def foreign_slot(app, world):
    """A stable slot of another hotel in the same database."""
    with app.app_context():
        hotel = factories.make_hotel(slug="elsewhere")
        pool = factories.make_pool(hotel, "stable", capacity=6)
        availability.ensure_slots(pool, world.today, world.today + timedelta(days=3))
        db.session.commit()
        return db.session.scalar(select(Slot.id).where(Slot.pool_id == pool.id).order_by(Slot.id.desc()))


@pytest.mark.parametrize("case", TIMED_CASES)
def test_hostile_timed_booking_is_refused_with_a_reason(app, guest, world, foreign_slot, case):
    form, status, message = TIMED_CASES[case]
    guest.sign_in()
    path = f"/services/{world.services['horse_riding']}"
    values = {
        "slot": last_slot_id(text(guest.client.get(path))),
        "car_slot": slot_of(app, world.pools["cars"]),
        "foreign_slot": foreign_slot,
    }
    form = {
        key: [item.format(**values) for item in value] if isinstance(value, list) else value.format(**values)
        for key, value in form.items()
    }

    response = guest.post(path, form)

    assert_refused(response, status, message)
    assert nothing_booked(app)
    assert "Horse riding" in text(response)  # the page is still there to try again


def test_a_time_that_has_passed_is_refused(app, guest, world, frozen_now):
    guest.sign_in()
    with app.app_context():
        first = db.session.scalar(
            select(Slot).where(Slot.pool_id == world.pools["stable"]).order_by(Slot.starts_at)
        )
        slot_id, starts_at = first.id, first.starts_at
    frozen_now(starts_at + timedelta(days=1))

    response = guest.post(f"/services/{world.services['farm_visit']}", {"slot": slot_id, "adults": 1})

    assert_refused(response, 409, "That time has already passed.")
    assert nothing_booked(app)


DAILY_CASES = {
    "days-zero": ({"days": "0"}, 400, "Please enter a number from 1 to 30."),
    "days-negative": ({"days": "-5"}, 400, "Please enter a number from 1 to 30."),
    "days-too-many": ({"days": "31"}, 400, "Please enter a number from 1 to 30."),
    "days-word": ({"days": "many"}, 400, "Please enter a whole number."),
    "days-missing": ({"days": None}, 400, "Please say for how many days."),
    "quantity-billion": ({"quantity": str(10**9)}, 400, "Please enter a number from 1 to 10."),
    "quantity-zero": ({"quantity": "0"}, 400, "Please enter a number from 1 to 10."),
    "quantity-more-than-the-pool": ({"quantity": "3"}, 400, "Please choose between 1 and 2."),
    "quantity-nul": ({"quantity": "\x00"}, 400, "Please enter a whole number."),
    "date-feb-30": ({"start_date": "2026-02-30"}, 400, "Please enter a date."),
    "date-month-13": ({"start_date": "2026-13-01"}, 400, "Please enter a date."),
    "date-words": ({"start_date": "tomorrow"}, 400, "Please enter a date."),
    "date-long": ({"start_date": "2026-12-01" * 2000}, 400, "Please enter a date."),
    "date-nul": ({"start_date": "2026-12-01\x00"}, 400, "Please enter a date."),
    "date-empty": ({"start_date": ""}, 400, "Please choose the first day."),
    "date-missing": ({"start_date": None}, 400, "Please choose the first day."),
    "date-year-1": ({"start_date": "0001-01-01"}, 409, "The earliest day you can book this for is"),
    "date-year-9999": ({"start_date": "9999-12-31"}, 400, "Please choose a day during your stay"),
    "past-the-stay": (
        {"start_date": "{departure}", "days": "2"},
        400,
        "Please choose a day during your stay",
    ),
}


@pytest.mark.parametrize("case", DAILY_CASES)
def test_hostile_rental_is_refused_with_a_reason(app, guest, world, case):
    fields, status, message = DAILY_CASES[case]
    guest.sign_in()
    with app.app_context():
        departure = db.session.get(Stay, world.stays["garcia"]).departure
    form = {"start_date": world.today.isoformat(), "days": "1", "quantity": "1"}
    for key, value in fields.items():
        if value is None:
            del form[key]
        else:
            form[key] = value.format(departure=departure.isoformat())

    response = guest.post(f"/services/{world.services['car_rental']}", form)

    assert_refused(response, status, message)
    assert nothing_booked(app)


def test_a_good_rental_still_books_after_refusals(app, guest, world):
    """The refusals above are about the input, not a broken form."""
    guest.sign_in()
    form = {"start_date": world.today.isoformat(), "days": "2", "quantity": "2"}

    response = guest.post(f"/services/{world.services['car_rental']}", form)

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OrderLine.quantity)) == 2


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"room-room": "204", "room-surname": "x" * 100_000}, 400, "Too long. Character limit: 80."),
        ({"room-room": "2" * 13, "room-surname": "Garcia"}, 400, "Too long. Character limit: 12."),
        ({"room-room": "20\x004", "room-surname": "Garcia"}, 401, "We could not find a stay"),
        ({"room-room": "204", "room-surname": "Gar\x00cia"}, 401, "We could not find a stay"),
        ({"room-room": "204", "room-surname": "Garcia\x00"}, 401, "We could not find a stay"),
        ({"room-room": "204", "room-surname": "😀 ﷽ \u202e"}, 401, "We could not find a stay"),
        ({"room-room": "204", "room-surname": "' OR 1=1 --"}, 401, "We could not find a stay"),
        ({"room-room": "%", "room-surname": "%"}, 401, "We could not find a stay"),
        ({"room-room": ["204", "301"], "room-surname": ["Novak", "Garcia"]}, 401, "We could not find a stay"),
        ({"room-surname": "Garcia"}, 400, "Please enter your room number."),
        ({"method": "reference", "ref-reference": "A" * 41, "ref-surname": "Garcia"}, 400, "limit: 40"),
        ({"method": "reference", "ref-reference": "\x00" * 20, "ref-surname": "Garcia"}, 401, "could not"),
        ({"method": "reference", "ref-reference": "----", "ref-surname": "Garcia"}, 401, "could not find"),
        ({"method": "nonsense", "room-room": "204", "room-surname": "Nobody"}, 401, "could not find"),
    ],
)
def test_hostile_signin_is_refused_with_a_reason(client, guest, world, form, status, message):
    form = {"method": "room", **form}

    response = guest.post("/signin", form)

    assert_refused(response, status, message)
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    "token", ["x", "A" * 65, "A" * 10_000, "%00", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", "{other}x"]
)
def test_hostile_one_tap_links_are_not_found(client, world, token):
    response = client.get(f"/s/{token.format(**world.tokens)}")

    assert response.status_code == 404
    page = text(response)
    # A slash in the "token" makes it another path altogether: then it is the plain not-found page.
    assert "This link is not valid any more." in page or "We could not find that page." in page
    assert not is_signed_in(client)


# --- Another guest's data -------------------------------------------------------------------------


def test_another_stays_order_is_not_found(app, guest, world, family, neighbours):
    for path in (f"/orders/{neighbours['reference']}", f"/orders/{neighbours['reference']}.ics"):
        response = guest.client.get(path)
        assert_refused(response, 404, NOT_FOUND)
        assert "Novak" not in text(response) and "301" not in text(response)


def test_another_stays_booking_cannot_be_cancelled(app, guest, world, family, neighbours):
    before = state(app)

    response = guest.cancel_booking(neighbours["booked_line"])

    assert_refused(response, 404, NOT_FOUND)
    assert state(app) == before
    with app.app_context():
        assert db.session.get(OrderLine, neighbours["booked_line"]).status is LineStatus.BOOKED


def test_another_stays_cart_line_cannot_be_removed(app, guest, world, family, neighbours):
    before = state(app)

    response = guest.post(f"/cart/lines/{neighbours['cart_line']}/remove", {}, page="/cart")

    assert_refused(response, 404, NOT_FOUND)
    assert state(app) == before


def test_own_pages_never_show_another_stay(guest, world, family, neighbours):
    for path in ("/home", "/cart", "/stay", f"/orders/{family['reference']}"):
        page = text(guest.client.get(path))
        assert neighbours["reference"] not in page
        assert "Novak" not in page and "Room 301" not in page
    cart = text(guest.client.get("/cart"))
    assert cart.count('action="/cart/lines/') == 1


def test_a_booked_line_is_not_removable_and_a_cart_line_not_cancellable(app, guest, world, family):
    before = state(app)

    removed = guest.post(f"/cart/lines/{family['booked_line']}/remove", {}, page="/cart")
    cancelled = guest.cancel_booking(family["cart_line"])

    assert_refused(removed, 404, NOT_FOUND)
    assert_refused(cancelled, 404, NOT_FOUND)
    assert state(app) == before


def test_the_cart_is_not_an_order_yet(app, guest, world, family):
    with app.app_context():
        cart_reference = db.session.get(OrderLine, family["cart_line"]).order.reference

    assert_refused(guest.client.get(f"/orders/{cart_reference}"), 404, NOT_FOUND)
    assert_refused(guest.client.get(f"/orders/{cart_reference}.ics"), 404, NOT_FOUND)


# --- Unknown ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("get", "/services/987654", "This service is not available."),
        ("get", f"/services/{HUGE}", NO_PAGE),
        ("post", f"/services/{HUGE}", NO_PAGE),
        ("get", "/services/0", "This service is not available."),
        ("get", "/packages/no-such-package", NO_PAGE),
        ("get", "/packages/%00", NO_PAGE),
        ("get", "/orders/NOSUCHREF", NOT_FOUND),
        ("get", "/orders/NOSUCHREF.ics", NOT_FOUND),
        ("get", "/orders/%00.ics", NO_PAGE),
        ("get", "/orders/" + "A" * 5000, NOT_FOUND),
        ("post", "/bookings/987654/cancel", NOT_FOUND),
        ("post", f"/bookings/{HUGE}/cancel", NO_PAGE),
        ("post", "/cart/lines/987654/remove", NOT_FOUND),
        ("post", f"/cart/lines/{HUGE}/remove", NO_PAGE),
        ("get", "/services/-1", NO_PAGE),
        ("get", "/no-such-page", NO_PAGE),
    ],
)
def test_unknown_ids_are_not_found(app, guest, world, family, method, path, message):
    before = state(app)

    if method == "get":
        response = guest.client.get(path)
    else:
        response = guest.post(path, {"adults": 1, "slot": 1}, page="/stay")

    assert_refused(response, 404, message)
    assert state(app) == before


def test_paused_and_foreign_services_and_packages_are_not_found(app, guest, world):
    with app.app_context():
        db.session.get(Service, world.services["pony_ride"]).active = False
        db.session.scalar(select(Package).where(Package.code == "nature")).active = False
        hotel = factories.make_hotel(slug="elsewhere")
        pool = factories.make_pool(hotel, "spa", capacity=4)
        foreign = factories.make_service(hotel, pool, "massage").id
        db.session.commit()
    guest.sign_in()

    assert_refused(
        guest.client.get(f"/services/{world.services['pony_ride']}"), 404, "This service is not available."
    )
    assert_refused(guest.client.get(f"/services/{foreign}"), 404, "This service is not available.")
    assert_refused(guest.client.get("/packages/nature"), 404, "We could not find that page.")
    home = text(guest.client.get("/home"))
    assert "Pony ride" not in home and 'id="pkg-nature"' not in home and "Massage" not in home


# --- Redirects ------------------------------------------------------------------------------------

OFF_SITE = [
    "https://evil.example",
    "http://evil.example/home",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "%2F%2Fevil.example",
    "evil.example",
]


def browser_target(location: str) -> str:
    """Where a browser goes: it drops tabs and newlines and reads a backslash as a slash."""
    cleaned = re.sub(r"[\t\r\n]", "", location).strip().replace("\\", "/")
    return urljoin("http://localhost/signin", cleaned)


@pytest.mark.parametrize("target", OFF_SITE)
def test_signin_never_redirects_off_site(guest, world, target):
    response = guest.post(
        "/signin",
        {"method": "room", "room-room": "204", "room-surname": "Garcia"},
        query_string={"next": target},
    )

    assert response.status_code == 302
    assert urlsplit(browser_target(response.location)).netloc == "localhost"
    assert urlsplit(browser_target(response.location)).scheme == "http"


@pytest.mark.parametrize("target", OFF_SITE)
def test_language_switch_never_redirects_off_site(guest, world, target):
    response = guest.post("/language", {"lang": "vi", "next": target}, page="/signin")

    assert response.status_code == 302
    assert urlsplit(browser_target(response.location)).netloc == "localhost"
    assert urlsplit(browser_target(response.location)).scheme == "http"


def test_signin_follows_a_local_next(guest, world):
    response = guest.post(
        "/signin",
        {"method": "room", "room-room": "204", "room-surname": "Garcia"},
        query_string={"next": "/stay"},
    )

    assert urlsplit(response.location).path == "/stay"


# --- Language -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "de", "", "EN", "vi_VN", "x" * 1000, "vi\x00", "../en"])
def test_unsupported_language_is_ignored(app, guest, world, lang):
    guest.sign_in()
    assert guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home").status_code == 302
    before = state(app)

    response = guest.post("/language", {"lang": lang, "next": "/home"}, page="/home")

    assert response.status_code == 302
    assert state(app) == before
    with guest.client.session_transaction() as session:
        assert session["lang"] == "vi"
    assert '<html lang="vi"' in text(guest.client.get("/home"))


def test_a_language_the_hotel_has_not_enabled_is_ignored(app, guest, world):
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).enabled_locales = ["en"]
        db.session.commit()
    guest.sign_in()

    response = guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home")

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Stay, world.stays["garcia"]).locale == "en"
    assert '<html lang="en"' in text(guest.client.get("/home"))


def test_a_tampered_language_in_the_session_is_ignored(guest, world):
    guest.sign_in()
    with guest.client.session_transaction() as session:
        session["lang"] = "fr"

    response = guest.client.get("/home")

    assert response.status_code == 200
    assert '<html lang="en"' in text(response)


# --- Rate limits ----------------------------------------------------------------------------------


@pytest.fixture
def rate_limited(app):
    """The real limiter, on, with an empty budget before and after."""
    was_enabled = limiter.enabled
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.reset()
    limiter.enabled = was_enabled


def test_too_many_wrong_signins_are_throttled(app, guest, world, rate_limited):
    allowed = parse_limit(app.config["GUEST_SIGNIN_LIMIT"]).amount
    wrong = {"method": "room", "room-room": "204", "room-surname": "Guess"}

    for _ in range(allowed):
        assert guest.post("/signin", wrong).status_code == 401

    throttled = guest.post("/signin", wrong)
    assert_refused(throttled, 429, "Too many attempts. Please wait a minute and try again.")
    assert int(throttled.headers["Retry-After"]) > 0

    # Even the right details wait now: the budget is per address, not per guess.
    right = guest.post("/signin", {"method": "room", "room-room": "204", "room-surname": "Garcia"})
    assert right.status_code == 429
    assert not is_signed_in(guest.client)
    assert guest.client.get("/signin").status_code == 200  # reading the page is not limited


def test_reference_guesses_share_the_signin_budget(app, guest, world, rate_limited):
    allowed = parse_limit(app.config["GUEST_SIGNIN_LIMIT"]).amount
    for attempt in range(allowed):
        form = {"method": "reference", "ref-reference": f"AAAA-{attempt:04d}", "ref-surname": "Garcia"}
        assert guest.post("/signin", form).status_code == 401

    form = {"method": "reference", "ref-reference": world.references["garcia"], "ref-surname": "Garcia"}
    assert guest.post("/signin", form).status_code == 429
    assert not is_signed_in(guest.client)


def test_link_floods_are_throttled(app, client, world, rate_limited):
    allowed = parse_limit(app.config["GUEST_LINK_LIMIT"]).amount
    for attempt in range(allowed):
        assert client.get(f"/s/guess-{attempt}").status_code == 404

    assert_refused(client.get("/s/guess-final"), 429, "Too many attempts.")


def test_throttling_is_per_address(app, world, rate_limited):
    allowed = parse_limit(app.config["GUEST_SIGNIN_LIMIT"]).amount
    attacker = GuestActions(app.test_client())
    wrong = {"method": "room", "room-room": "204", "room-surname": "Guess"}
    for _ in range(allowed + 1):
        attacker.post("/signin", wrong, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert attacker.post("/signin", wrong, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429

    family = GuestActions(app.test_client())
    assert family.sign_in().status_code == 302


def test_after_departure_the_stay_cannot_be_opened(app, guest, world, frozen_now):
    """A link or room kept after departure day is refused like any unknown one (no 500)."""
    frozen_now(clock.now() + timedelta(days=30))

    assert_refused(guest.open_link(world.tokens["garcia"]), 404, "This link is not valid any more.")
    assert_refused(guest.sign_in(), 401, "We could not find a stay")
