"""Every guest page through the real routes: signed in (English and Vietnamese), signed out, sign-in ways."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderLine, OrderStatus, Stay
from tests.browsing import text

WRONG_DETAILS = "We could not find a stay with those details. Please check them and try again."


def ui(app, locale: str, message: str, **variables) -> str:
    """An interface string as the app renders it in ``locale`` (escaped, as it stands in the HTML)."""
    with app.test_request_context(), force_locale(locale):
        return str(escape(gettext(message, **variables)))


def title(code: str, locale: str) -> str:
    """A service title from the catalog (factories give every service an en and a vi title)."""
    return f"[vi] {code}" if locale == "vi" else code.replace("_", " ").capitalize()


def summary(code: str, locale: str) -> str:
    return f"Về {code}" if locale == "vi" else f"About {code}"


def last_slot_id(page: str) -> int:
    """The latest time offered: days away, so inside the lead time and the cancellation window."""
    return int(re.findall(r'name="slot" value="(\d+)"', page)[-1])


def add_to_cart(guest, service_id: int, **fields) -> None:
    path = f"/services/{service_id}"
    slot_id = last_slot_id(text(guest.client.get(path)))
    added = guest.post(path, {"slot": slot_id, "adults": 1, **fields})
    assert added.status_code == 302, text(added)


def book(guest, service_id: int) -> str:
    """Book one adult on the service's latest time and charge the room; return the order reference."""
    add_to_cart(guest, service_id)
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302
    return urlsplit(booked.location).path.rsplit("/", 1)[-1]


def switch_language(guest, lang: str, page: str = "/signin"):
    return guest.post("/language", {"lang": lang, "next": page}, page=page)


def signed_in_stay_id(client) -> int | None:
    with client.session_transaction() as session:
        return (session.get("stay") or [None])[0]


@pytest.fixture
def garcia(guest, world):
    """The family signed in, with horse riding booked (charged to the room) and a farm visit in the cart."""
    assert guest.sign_in().status_code == 302
    reference = book(guest, world.services["horse_riding"])
    add_to_cart(guest, world.services["farm_visit"])
    return reference


# Each page with what it must show, by language: (path, [texts]).
def page_expectations(app, world, reference: str, locale: str) -> dict[str, tuple[str, list[str]]]:
    def t(message: str, **variables) -> str:
        return ui(app, locale, message, **variables)

    pages = {
        "home": ("/home", [t("Hello, %(name)s", name="Elena"), title("horse_riding", locale)]),
        "package": ("/packages/nature", [t("All offers"), title("horse_riding", locale)]),
        "cart": ("/cart", [t("Your cart"), title("farm_visit", locale), t("Book now")]),
        "confirmation": (f"/orders/{reference}", [t("You are booked!"), title("horse_riding", locale)]),
        "my-stay": ("/stay", [t("Cancel booking"), title("horse_riding", locale)]),
        "signin": ("/signin", [t("Sign in with booking reference")]),
    }
    for code, service_id in world.services.items():
        pages[f"service-{code}"] = (
            f"/services/{service_id}",
            [title(code, locale), summary(code, locale), t("Add to cart")],
        )
    return pages


PAGES = [
    "home",
    "package",
    "cart",
    "confirmation",
    "my-stay",
    "signin",
    *(f"service-{code}" for code in ("horse_riding", "pony_ride", "farm_visit", "car_rental", "crib")),
]


@pytest.mark.parametrize("locale", ["en", "vi"])
@pytest.mark.parametrize("name", PAGES)
def test_every_guest_page_renders_for_a_signed_in_guest(app, guest, world, garcia, name, locale):
    if locale != "en":
        assert switch_language(guest, locale).status_code == 302
    path, expected = page_expectations(app, world, garcia, locale)[name]

    response = guest.client.get(path)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = text(response)
    assert f'<html lang="{locale}"' in page
    hotel_name = "Nhà nghỉ Thử" if locale == "vi" else "Test Lodge"
    nav = [ui(app, locale, label) for label in ("Offers", "Cart", "My stay", "Sign out")]
    for snippet in [hotel_name, *nav, *expected]:
        assert snippet in page, f"{snippet!r} missing on {path} in {locale}"
    assert f'<option value="{locale}" lang="{locale}" selected>' in page
    other = "en" if locale == "vi" else "vi"
    assert title("horse_riding", other) not in page  # catalog texts come in one language only


def test_vietnamese_follows_the_stay_without_choosing(app, guest, world):
    """A stay booked in Vietnamese opens in Vietnamese from the room's QR code."""
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).locale = "vi"
        db.session.commit()

    assert guest.open_link(world.tokens["garcia"]).status_code == 302
    page = text(guest.client.get("/home"))

    assert '<html lang="vi"' in page
    assert ui(app, "vi", "Hello, %(name)s", name="Elena") in page
    assert "[vi] horse_riding" in page and "Horse riding" not in page


def test_signin_page_follows_the_browser_language(app, client, world):
    page = text(client.get("/signin", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}))

    assert '<html lang="vi"' in page
    assert ui(app, "vi", "Staying with us now?") in page


def test_language_choice_is_kept_on_the_stay_and_across_sign_out(app, guest, world):
    assert guest.sign_in().status_code == 302

    switched = switch_language(guest, "vi", page="/stay")

    assert switched.status_code == 302
    assert urlsplit(switched.location).path == "/stay"  # back where the guest was
    with app.app_context():
        assert db.session.get(Stay, world.stays["garcia"]).locale == "vi"
    assert guest.post("/signout", {}, page="/home").status_code == 302
    assert '<html lang="vi"' in text(guest.client.get("/signin"))


@pytest.mark.parametrize(
    "path",
    [
        "/home",
        "/packages/family",
        "/services/{horse_riding}",
        "/services/{car_rental}",
        "/cart",
        "/orders/ABCDEFGH",
        "/orders/ABCDEFGH.ics",
        "/stay",
    ],
)
def test_signed_out_visitor_is_sent_to_signin(client, world, path):
    path = path.format(**world.services)

    response = client.get(path)

    assert response.status_code == 302
    target = urlsplit(response.location)
    assert target.path == "/signin"
    assert urlsplit(parse_qs(target.query)["next"][0]).path == path


def test_start_page_sends_each_visitor_to_the_right_place(guest, world):
    assert urlsplit(guest.client.get("/").location).path == "/signin"
    guest.sign_in()
    assert urlsplit(guest.client.get("/").location).path == "/home"


@pytest.mark.parametrize("path", ["/checkout", "/cart/lines/1/remove", "/bookings/1/cancel"])
def test_signed_out_visitor_cannot_post_guest_actions(app, guest, world, path):
    response = guest.post(path, {"payment_method": "room"}, page="/signin")

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/signin"
    with app.app_context():
        assert db.session.scalar(select(Order)) is None


def test_after_signing_in_the_guest_lands_on_the_page_they_asked_for(guest, world):
    asked = guest.client.get("/stay")
    signin_url = asked.location

    response = guest.post(
        signin_url, {"method": "room", "room-room": "204", "room-surname": "Garcia"}, page=signin_url
    )

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/stay"


@pytest.mark.parametrize(
    ("room", "surname"),
    [("204", "Garcia"), (" 204 ", "garcía "), ("204", "GARCIA"), ("204", "García")],
)
def test_signin_with_room_and_surname(app, guest, world, room, surname):
    response = guest.sign_in(room=room, surname=surname)

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/home"
    assert signed_in_stay_id(guest.client) == world.stays["garcia"]
    assert "Hello, Elena" in text(guest.client.get("/home"))


@pytest.mark.parametrize(
    "typed",
    [
        lambda ref: ref,
        lambda ref: ref.lower(),
        lambda ref: ref.replace("-", ""),
        lambda ref: ref.replace("-", " ").lower(),
        lambda ref: " " + ref.replace("-", "  ").lower() + " ",
    ],
    ids=["as-printed", "lower-case", "no-dashes", "spaces-lower-case", "spaced-out"],
)
def test_signin_with_booking_reference_and_surname(guest, world, typed):
    response = guest.post(
        "/signin",
        {"method": "reference", "ref-reference": typed(world.references["garcia"]), "ref-surname": "garcia"},
    )

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/home"
    assert signed_in_stay_id(guest.client) == world.stays["garcia"]


def test_signin_with_the_one_tap_link(guest, world):
    response = guest.open_link(world.tokens["garcia"])

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/home"
    assert signed_in_stay_id(guest.client) == world.stays["garcia"]
    assert "Room 204 · Garcia" in text(guest.client.get("/home"))


def test_a_stale_one_tap_link_says_what_to_do(guest, world):
    response = guest.open_link(world.tokens["garcia"][:-4] + "AAAA")

    assert response.status_code == 404
    assert "Please sign in with your room number and surname." in text(response)
    assert signed_in_stay_id(guest.client) is None


@pytest.mark.parametrize(
    "form",
    [
        {"method": "room", "room-room": "204", "room-surname": "Smith"},  # wrong surname
        {"method": "room", "room-room": "205", "room-surname": "Garcia"},  # wrong room
        {"method": "room", "room-room": "301", "room-surname": "Garcia"},  # someone else's room
        {"method": "reference", "ref-reference": "{garcia}", "ref-surname": "Novak"},  # someone else's name
        {"method": "reference", "ref-reference": "AAAA-BBBB", "ref-surname": "Garcia"},  # no such booking
    ],
    ids=["wrong-surname", "wrong-room", "other-room", "reference-wrong-surname", "unknown-reference"],
)
def test_wrong_details_get_one_clear_message_that_does_not_say_which_half_was_wrong(guest, world, form):
    form = {key: value.format(**world.references) for key, value in form.items()}

    response = guest.post("/signin", form)

    assert response.status_code == 401
    page = text(response)
    assert re.findall(r'role="alert">([^<]*)<', page) == [WRONG_DETAILS]
    assert 'class="error"' not in page and "aria-invalid" not in page  # no field singled out
    assert signed_in_stay_id(guest.client) is None
    assert urlsplit(guest.client.get("/home").location).path == "/signin"


def test_empty_signin_form_asks_for_each_field(guest, world):
    response = guest.post("/signin", {"method": "room", "room-room": "", "room-surname": "  "})

    assert response.status_code == 400
    page = text(response)
    assert "Please enter your room number." in page
    assert "Please enter your surname." in page


def test_sign_out_clears_the_session(guest, world):
    assert guest.sign_in().status_code == 302

    response = guest.post("/signout", {}, page="/home")

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/signin"
    with guest.client.session_transaction() as session:
        assert "stay" not in session
    assert urlsplit(guest.client.get("/home").location).path == "/signin"
    assert urlsplit(guest.client.get("/stay").location).path == "/signin"
    assert "Sign out" not in text(guest.client.get("/signin"))


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_calendar_download_of_an_own_order(app, guest, world, garcia, locale):
    if locale != "en":
        switch_language(guest, locale)

    response = guest.client.get(f"/orders/{garcia}.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="lobby-{garcia}.ics"'
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(event["summary"]) for event in events] == [title("horse_riding", locale)]
    event = events[0]
    with app.app_context():
        line = db.session.scalar(select(OrderLine).join(Order).where(Order.reference == garcia))
        assert event.decoded("dtstart") == line.starts_at
        assert event.decoded("dtend") == line.ends_at
    assert str(event["dtstart"].params["TZID"]) == "Europe/Vienna"
    assert str(event["uid"]).startswith(f"{garcia}-")


def test_calendar_leaves_out_cancelled_bookings(app, guest, world, garcia):
    with app.app_context():
        line_id = db.session.scalar(select(OrderLine.id).join(Order).where(Order.reference == garcia))
    assert guest.cancel_booking(line_id).status_code == 302

    calendar = Calendar.from_ical(guest.client.get(f"/orders/{garcia}.ics").data)

    assert calendar.walk("VEVENT") == []
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.reference == garcia)) is (
            OrderStatus.CANCELLED
        )


def test_home_recommends_the_family_package_first_to_a_family(app, guest, world):
    guest.sign_in()

    page = text(guest.client.get("/home"))
    page = page[page.index('id="pkg-') :]  # the package sections, after the offers chosen for the stay

    family, nature = page.index('id="pkg-family"'), page.index('id="pkg-nature"')
    assert family < nature
    assert "Chosen for you: you are travelling with children aged 4 and 9." in page
    assert "Forest, lake and animals, right outside the hotel." in page
    for code in ("pony_ride", "farm_visit", "crib"):
        assert family < page.index(title(code, "en")) < nature
    for code in ("horse_riding", "car_rental"):
        assert page.index(title(code, "en")) > nature
    assert 'href="/packages/family"' in page
    assert f'href="/services/{world.services["horse_riding"]}"' in page
    assert "€60.00 per adult" in page and "€55.00 per day" in page


def test_home_puts_nature_first_for_a_couple_without_children(guest, world):
    guest.sign_in(room="301", surname="Novak")

    page = text(guest.client.get("/home"))

    assert page.index('id="pkg-nature"') < page.index('id="pkg-family"')
    assert "travelling with" not in page


def test_confirmation_and_my_stay_show_the_booking(guest, world, garcia):
    confirmation = text(guest.client.get(f"/orders/{garcia}"))
    my_stay = text(guest.client.get("/stay"))

    assert f"Booking {garcia}" in confirmation
    assert "Charged to room 204." in confirmation
    assert f'href="/orders/{garcia}.ics"' in confirmation
    assert "Confirmed" in my_stay and "1 adult" in my_stay and "€60.00" in my_stay
