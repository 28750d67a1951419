"""At the desk: checking a guest in with the room card, today's lists, checking out, selling a service."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    FolioLine,
    Hotel,
    LineStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Slot,
    Stay,
    Tier,
)
from app.services import stay_desk
from app.services.errors import LobbyError
from tests import factories
from tests.conftest import GuestActions
from tests.desk.helpers import RITA, add_timed, make_named_staff, signed_in_guest, signed_in_staff, text
from tests.reading import detached_rows


@pytest.fixture
def desk(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita Reyes")
    return signed_in_staff(app, RITA)


def check_in_form(world, **changes) -> dict:
    fields = {
        "first_name": "Ada",
        "surname": "Okafor",
        "room": "105",
        "email": "ada@example.com",
        "locale": "en",
        "tier": "silver",
        "arrival": world.today.isoformat(),
        "departure": (world.today + timedelta(days=3)).isoformat(),
        "adults": "2",
        "children_ages": "4, 9",
    }
    return fields | changes


def stays_in_room(app, room: str) -> list[Stay]:
    return detached_rows(app, select(Stay).where(Stay.room == room).order_by(Stay.id))


# --- 6. Check-in, the room card, check-out, today --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ages"),
    [("4, 9", [4, 9]), ("4 9", [4, 9]), ("4;9", [4, 9]), ("0,17", [0, 17]), ("", []), (" 3 ", [3])],
)
def test_children_ages_are_parsed(typed, ages):
    assert stay_desk.parse_ages(typed) == ages


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4, x", "Please give each child's age as a number, separated by commas."),
        ("4.5", "Please give each child's age as a number, separated by commas."),
        ("25", "A child's age must be from 0 to 17."),
        ("-1", "A child's age must be from 0 to 17."),
        ("1,2,3,4,5,6,7,8,9", "Please list at most 8 children."),
    ],
)
def test_impossible_ages_are_refused(ctx, typed, message):
    with pytest.raises(LobbyError) as refused:
        stay_desk.parse_ages(typed)
    assert str(refused.value.message) == message


def test_check_in_makes_the_stay_and_the_room_card_opens_it_on_a_phone(app, world, desk):
    form = desk.client.get("/desk/check-in")
    assert form.status_code == 200
    assert f'value="{world.today.isoformat()}"' in text(form)  # arrival defaults to today

    done = desk.post("/desk/check-in", check_in_form(world))
    assert done.status_code == 302
    [stay] = stays_in_room(app, "105")
    assert done.location == f"/desk/stays/{stay.id}/card"
    assert (stay.surname, stay.first_name, stay.email, stay.locale, stay.tier) == (
        "Okafor",
        "Ada",
        "ada@example.com",
        "en",
        Tier.SILVER,
    )
    assert (stay.arrival, stay.departure, stay.adults, stay.children_ages) == (
        world.today,
        world.today + timedelta(days=3),
        2,
        [4, 9],
    )
    assert (stay.hotel_id, stay.checked_out_at) == (world.hotel_id, None)

    card = text(desk.client.get(done.location))
    assert "Checked in. Hand over the room card." in card
    assert "<svg" in card and "Room 105" in card and stay.booking_reference in card
    link = re.search(r'href="(http://[^"]+/s/([^"]+))"', card)
    assert link is not None and link.group(2) == stay.access_token

    phone = GuestActions(app.test_client())
    opened = phone.open_link(stay.access_token)
    assert (opened.status_code, opened.location) == (302, "/home")
    my_stay = phone.client.get("/stay")
    assert my_stay.status_code == 200
    assert "Room 105" in text(my_stay)


@pytest.mark.parametrize(
    ("changes", "status", "message", "kept"),
    [
        ("departure_before_arrival", 400, "The departure must be after the arrival.", "Okafor"),
        (
            {"children_ages": "4, x"},
            400,
            "Please give each child's age as a number, separated by commas.",
            "4, x",
        ),
        ({"children_ages": "25"}, 400, "A child's age must be from 0 to 17.", "25"),
        ({"room": "204"}, 409, "Room 204 already has a guest on those dates.", "204"),
        ({"email": "ada.example.com"}, 400, "Please enter a valid email address.", "ada.example.com"),
        ({"email": "ada @example.com"}, 400, "Please enter a valid email address.", "ada @example.com"),
        ({"surname": ""}, 400, "Please enter the surname.", "ada@example.com"),
        ({"adults": "0"}, 400, "Please enter a number from 1 to 10.", "Okafor"),
    ],
)
def test_bad_check_ins_are_refused_with_the_reason_and_what_was_typed_kept(
    app, world, desk, changes, status, message, kept
):
    if changes == "departure_before_arrival":
        changes = {
            "arrival": (world.today + timedelta(days=2)).isoformat(),
            "departure": world.today.isoformat(),
        }
    refused = desk.post("/desk/check-in", check_in_form(world, **changes))
    assert refused.status_code == status
    page = text(refused)
    assert message in page
    assert f'value="{kept}"' in page
    for name, value in changes.items():
        if value and name in ("arrival", "departure", "children_ages", "room", "email"):
            assert f'value="{value}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Stay.id))) == 2  # only the world's two stays


def test_check_out_ends_the_guests_session_and_the_room_link(app, world, desk):
    guest = signed_in_guest(app)
    assert guest.client.get("/stay").status_code == 200
    stay_page = f"/desk/stays/{world.stays['garcia']}"

    out = desk.post(f"{stay_page}/check-out", {}, page=stay_page)
    assert (out.status_code, out.location) == (302, stay_page)
    after = text(desk.client.get(stay_page))
    assert "Checked out. The guest's links no longer open the stay." in after
    assert "Checked out " in after  # the badge with the time
    with app.app_context():
        assert db.session.get(Stay, world.stays["garcia"]).checked_out_at is not None

    gone = guest.client.get("/stay")
    assert gone.status_code == 302 and gone.location.startswith("/signin")
    link = GuestActions(app.test_client()).open_link(world.tokens["garcia"])
    assert link.status_code == 404
    assert "This link is not valid any more." in text(link)
    # Room and surname no longer open it either.
    assert GuestActions(app.test_client()).sign_in().status_code == 401

    again = desk.post(f"{stay_page}/check-out", {}, page=stay_page)
    assert again.status_code == 302
    assert "This guest has already checked out." in text(desk.client.get(stay_page))

    # The room is free again for a new guest on the same dates.
    assert desk.post("/desk/check-in", check_in_form(world, room="204")).status_code == 302
    assert len(stays_in_room(app, "204")) == 2


def test_today_lists_arrivals_and_departures(app, world, desk):
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        today = world.today
        factories.make_stay(
            hotel, room="110", surname="Arriving", arrival=today, departure=today + timedelta(2)
        )
        factories.make_stay(
            hotel, room="120", surname="Leaving", arrival=today - timedelta(3), departure=today
        )
        gone = factories.make_stay(
            hotel, room="130", surname="Gone", arrival=today - timedelta(3), departure=today
        )
        gone.checked_out_at = gone.created_at
        factories.make_stay(
            hotel, room="140", surname="Later", arrival=today + timedelta(1), departure=today + timedelta(4)
        )
        # A reservation the PMS cancelled arrives nowhere and leaves nowhere.
        for surname, arrival, departure in (
            ("Unbooked", today, today + timedelta(2)),
            ("Void", today - timedelta(2), today),
        ):
            cancelled = factories.make_stay(
                hotel, room="150", surname=surname, arrival=arrival, departure=departure
            )
            cancelled.cancelled_at = cancelled.created_at
        db.session.commit()

    page = text(desk.client.get("/desk/today"))
    arrivals, departures = page.split("<h2>Departures</h2>", 1)
    arrivals = arrivals.split("<h2>Arrivals</h2>", 1)[1]
    assert "Arriving" in arrivals
    assert all(name not in arrivals for name in ("Leaving", "Gone", "Later", "Garcia", "Novak", "Unbooked"))
    assert "Leaving" in departures and "Gone" in departures  # who left today is listed as gone
    assert all(name not in departures for name in ("Arriving", "Later", "Garcia", "Novak", "Void"))
    assert departures.count("Check out") == 1
    assert departures.count("Checked out") == 1


# --- 7. Selling at the desk -----------------------------------------------------------------------


def sale_slot_ids(page: str) -> list[int]:
    select_box = re.search(r'<select[^>]*name="slot".*?</select>', page, re.S).group(0)
    return [int(value) for value in re.findall(r'<option[^>]*value="(\d+)"', select_box)]


def test_the_sell_page_lists_the_services(app, world, desk):
    page = text(desk.client.get(f"/desk/stays/{world.stays['garcia']}/sell"))
    assert "Sell a service to room 204" in page
    for code, title in [
        ("horse_riding", "Horse riding"),
        ("pony_ride", "Pony ride"),
        ("farm_visit", "Farm visit"),
        ("car_rental", "Car rental"),
        ("crib", "Crib"),
    ]:
        assert (
            f'href="/desk/stays/{world.stays["garcia"]}/sell?service={world.services[code]}">{title}</a>'
            in page
        )


def test_selling_a_ride_on_the_room_leaves_the_guests_cart_alone(app, world, desk):
    guest = signed_in_guest(app)
    add_timed(guest, world.services["farm_visit"], adults=1, which=0)
    with app.app_context():
        [cart] = db.session.scalars(select(Order)).all()
        cart_id, cart_reference = cart.id, cart.reference
        assert cart.status is OrderStatus.CART

    path = f"/desk/stays/{world.stays['garcia']}/sell?service={world.services['horse_riding']}"
    page = text(desk.client.get(path))
    slot_id = sale_slot_ids(page)[-1]
    sold = desk.post(path, {"slot": slot_id, "adults": 1, "payment_method": "room"})
    assert (sold.status_code, sold.location) == (302, f"/desk/stays/{world.stays['garcia']}")

    with app.app_context():
        sale = db.session.scalar(select(Order).where(Order.id != cart_id))
        assert (sale.stay_id, sale.status, sale.payment_method, sale.total) == (
            world.stays["garcia"],
            OrderStatus.CONFIRMED,
            PaymentMethod.ROOM,
            6000,
        )
        [line] = sale.lines
        assert (line.service_id, line.slot_id, line.adults, line.children_ages, line.status, line.total) == (
            world.services["horse_riding"],
            slot_id,
            1,
            [],
            LineStatus.BOOKED,
            6000,
        )
        [payment] = db.session.scalars(select(Payment).where(Payment.order_id == sale.id)).all()
        assert (payment.provider, payment.status, payment.amount) == ("room", PaymentStatus.SUCCEEDED, 6000)
        folio = [(f.order_id, f.room, f.amount, f.description) for f in db.session.scalars(select(FolioLine))]
        assert folio == [(sale.id, "204", 6000, "Horse riding")]
        assert db.session.get(Slot, slot_id).taken == 1
        cart = db.session.get(Order, cart_id)
        assert (cart.status, [ln.status for ln in cart.lines]) == (OrderStatus.CART, [LineStatus.CART])
        sale_reference = sale.reference

    assert f"Sold: booking {sale_reference} is confirmed." in text(desk.client.get(sold.location))
    cart_page = text(guest.client.get("/cart"))
    assert "Farm visit" in cart_page and "Horse riding" not in cart_page
    assert "Horse riding" in text(guest.client.get("/stay"))
    assert cart_reference != sale_reference


def orders_and_seats_taken(app, slot_id: int) -> tuple[int, int]:
    with app.app_context():
        return db.session.scalar(select(func.count(Order.id))), db.session.get(Slot, slot_id).taken


def test_a_sold_out_time_is_refused_with_the_reason(app, world, desk):
    path = f"/desk/stays/{world.stays['garcia']}/sell?service={world.services['horse_riding']}"
    slot_id = sale_slot_ids(text(desk.client.get(path)))[-1]
    with app.app_context():
        db.session.get(Slot, slot_id).taken = 6
        db.session.commit()
    assert slot_id not in sale_slot_ids(text(desk.client.get(path)))  # no longer offered

    refused = desk.post(path, {"slot": slot_id, "adults": 1, "payment_method": "room"})
    assert refused.status_code == 409
    assert "Sorry, this is sold out. Please choose another time." in text(refused)
    assert orders_and_seats_taken(app, slot_id) == (0, 6)  # nothing sold


def test_a_child_outside_the_age_limits_is_refused_with_the_reason(app, world, desk):
    path = f"/desk/stays/{world.stays['garcia']}/sell?service={world.services['horse_riding']}"
    page = text(desk.client.get(path))
    assert "Child aged 4" in page and "Child aged 9" in page
    slot_id = sale_slot_ids(page)[-1]
    refused = desk.post(path, {"slot": slot_id, "adults": 0, "children": ["0"], "payment_method": "room"})
    assert refused.status_code == 400
    assert "A child aged 4 is too young for Horse riding: the minimum age is 8." in text(refused)

    pony = f"/desk/stays/{world.stays['garcia']}/sell?service={world.services['pony_ride']}"
    refused = desk.post(pony, {"slot": slot_id, "adults": 1, "payment_method": "room"})
    assert refused.status_code == 400
    assert "Pony ride is for children up to age 10." in text(refused)
    assert orders_and_seats_taken(app, slot_id) == (0, 0)  # nothing sold


def test_returning_guests_are_recognised_by_email_for_their_tier(app, world):
    from datetime import timedelta

    from app import clock
    from app.models import Hotel, Tier
    from app.services import stay_desk

    with app.test_request_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        today = clock.now().astimezone(hotel.tz).date()

        def stay_for(room: str, email: str, tier=Tier.STANDARD):
            return stay_desk.check_in(
                hotel,
                stay_desk.CheckIn(
                    room=room, surname="Lee", first_name="", email=email, locale="en", arrival=today,
                    departure=today + timedelta(days=2), adults=1, children_ages=[], tier=tier,
                ),
            )  # fmt: skip

        factories.make_rooms(hotel, range(501, 507))
        first = stay_for("501", "ann.lee@example.com")
        assert first.tier is Tier.STANDARD
        stay_desk.check_out(first)
        second = stay_for("502", "Ann.Lee@Example.com ")  # the same guest, typed differently
        assert second.tier is Tier.SILVER
        stay_desk.check_out(second)
        third = stay_for("503", "ann.lee@example.com")
        assert third.tier is Tier.SILVER  # two earlier stays
        stay_desk.check_out(third)
        assert stay_for("504", "ann.lee@example.com").tier is Tier.GOLD  # three earlier stays
        newcomer = stay_for("506", "someone.new@example.com", tier=Tier.GOLD)
        assert newcomer.tier is Tier.GOLD  # the desk's choice stands
