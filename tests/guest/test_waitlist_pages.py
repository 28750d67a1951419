"""Waiting lists through the guest's pages: joining a full time, the offer on My stay, booking, saying no."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    PaymentMethod,
    Slot,
    Stay,
    Tier,
    WaitlistEntry,
    WaitlistStatus,
)
from app.services import cancellations, ordering, planning, waitlist
from tests import factories
from tests.browsing import text
from tests.conftest import GuestActions

W = WaitlistStatus


def booked_at_desk(world, slot: Slot, room: str, surname: str, adults: int) -> tuple[Stay, Order]:
    """A party of ``adults`` in ``room``, booked on the farm visit at ``slot`` at the desk, on the room."""
    party = factories.make_stay(
        db.session.get(Hotel, world.hotel_id), room=room, surname=surname, adults=adults, children_ages=[]
    )
    db.session.commit()
    order = ordering.sell_at_desk(
        party,
        planning.BookingRequest(world.services["farm_visit"], slot_id=slot.id, adults=adults),
        PaymentMethod.ROOM,
    )
    return party, order


@pytest.fixture
def full_slot(app, world) -> dict:
    """The first farm-visit time two days ahead, filled by a party of six booked at the desk."""
    with app.test_request_context():
        slot = factories.riding_slot(world)
        group, order = booked_at_desk(world, slot, "777", "Group", adults=6)
        return {"slot": slot.id, "group": group.id, "line": order.lines[0].id}


def join(guest, world, slot_id: int, **party):
    path = f"/services/{world.services['farm_visit']}"
    return guest.post(f"{path}/waitlist", {"waitlist_slot": slot_id, "adults": 2, **party}, page=path)


def free_the_slot(app, full_slot) -> None:
    with app.test_request_context():
        cancellations.cancel_line(db.session.get(Stay, full_slot["group"]), full_slot["line"])


def entries(app) -> list[WaitlistEntry]:
    with app.app_context():
        found = db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
        db.session.expunge_all()
        return found


def test_a_full_time_offers_its_waiting_list_and_my_stay_shows_the_place(app, guest, world, full_slot):
    guest.sign_in()
    page = text(guest.client.get(f"/services/{world.services['farm_visit']}"))
    assert re.search(rf'name="waitlist_slot" value="{full_slot["slot"]}"', page)
    assert "Join the waiting list" in page

    joined = join(guest, world, full_slot["slot"], children=["0"])
    assert joined.status_code == 302 and joined.location.endswith("/stay")

    [entry] = entries(app)
    assert (entry.status, entry.adults, entry.children_ages, entry.seats) == (W.WAITING, 2, [4], 3)
    stay_page = text(guest.client.get("/stay"))
    assert "On the waiting list" in stay_page
    assert "Your place in the queue: 1" in stay_page
    assert "Leave the waiting list" in stay_page
    again = text(guest.client.get(f"/services/{world.services['farm_visit']}"))
    assert "You are on the waiting list" in again
    assert f'name="waitlist_slot" value="{full_slot["slot"]}"' not in again


def test_joining_a_time_with_places_is_refused_and_the_party_kept(app, guest, world, full_slot):
    guest.sign_in()
    path = f"/services/{world.services['farm_visit']}"
    open_slot = int(re.findall(r'name="slot" value="(\d+)"', text(guest.client.get(path)))[-1])
    refused = guest.post(f"{path}/waitlist", {"waitlist_slot": open_slot, "adults": 1}, page=path)
    assert refused.status_code == 302  # post/redirect/get, refusals too: a reload never posts again
    back = urlsplit(refused.location)
    assert back.path == path and parse_qs(back.query) == {"slot": [str(open_slot)], "adults": ["1"]}
    page = text(guest.client.get(refused.location))
    assert "There are still places at that time" in page
    assert re.search(r'name="adults"[^>]*value="1"', page)
    assert re.search(rf'value="{open_slot}"\s+checked', page)
    assert entries(app) == []


def test_a_party_too_big_for_the_places_left_is_offered_the_waiting_list(app, guest, world):
    with app.test_request_context():
        slot = factories.riding_slot(world, days_ahead=3)
        booked_at_desk(world, slot, "778", "Five", adults=5)
        slot_id = slot.id
    guest.sign_in()
    path = f"/services/{world.services['farm_visit']}"
    assert f'name="waitlist_slot" value="{slot_id}"' not in text(guest.client.get(path))
    too_many = guest.post(path, {"slot": slot_id, "adults": 2, "then": "cart"})
    assert too_many.status_code == 409
    assert f'name="waitlist_slot" value="{slot_id}"' in text(too_many)
    assert join(guest, world, slot_id).status_code == 302


def test_an_offer_is_booked_from_my_stay_and_charged_to_the_room(app, guest, world, full_slot):
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    free_the_slot(app, full_slot)

    page = text(guest.client.get("/stay"))
    assert "Places for you" in page and "Book these places" in page and "No thanks" in page
    assert "Charged to room 204." in page
    [entry] = entries(app)
    assert entry.status is W.OFFERED

    booked = guest.post(f"/stay/waitlist/{entry.id}/accept", {}, page="/stay")
    assert booked.status_code == 302 and "/orders/" in booked.location
    [entry] = entries(app)
    assert entry.status is W.BOOKED
    with app.app_context():
        line = db.session.get(OrderLine, entry.order_line_id)
        assert (line.status, line.adults, line.total) == (LineStatus.BOOKED, 2, 2 * 1500)
    assert "Places for you" not in text(guest.client.get("/stay"))


def test_no_thanks_passes_the_places_on(app, guest, world, full_slot):
    with app.test_request_context():  # a party of four waits first
        hotel = db.session.get(Hotel, world.hotel_id)
        four = factories.make_stay(hotel, room="779", surname="Four", adults=4, children_ages=[])
        db.session.commit()
        waitlist.join(
            four, planning.BookingRequest(world.services["farm_visit"], slot_id=full_slot["slot"], adults=4)
        )
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    second = GuestActions(app.test_client())
    second.sign_in("301", "Novak")
    join(second, world, full_slot["slot"])
    assert "Your place in the queue: 3" in text(second.client.get("/stay"))
    free_the_slot(app, full_slot)  # six places: four for the first party, two for the Garcias
    first, mine, theirs = entries(app)
    assert (first.status, mine.status, theirs.status) == (W.OFFERED, W.OFFERED, W.WAITING)
    assert "Your place in the queue: 1" in text(second.client.get("/stay"))

    declined = guest.post(f"/stay/waitlist/{mine.id}/leave", {}, page="/stay")
    assert declined.status_code == 302
    first, mine, theirs = entries(app)
    assert (mine.status, theirs.status) == (W.LEFT, W.OFFERED)
    assert "Book these places" in text(second.client.get("/stay"))
    assert "Waiting lists" not in text(guest.client.get("/stay"))


def test_another_guest_cannot_touch_an_entry(app, guest, world, full_slot):
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    free_the_slot(app, full_slot)
    [entry] = entries(app)
    other = GuestActions(app.test_client())
    other.sign_in("301", "Novak")
    assert other.post(f"/stay/waitlist/{entry.id}/accept", {}, page="/stay").status_code == 404
    assert other.post(f"/stay/waitlist/{entry.id}/leave", {}, page="/stay").status_code == 404
    assert "Places for you" not in text(other.client.get("/stay"))
    [entry] = entries(app)
    assert entry.status is W.OFFERED


def test_every_waiting_list_post_needs_the_csrf_token(app, guest, world, full_slot):
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    [entry] = entries(app)
    path = f"/services/{world.services['farm_visit']}/waitlist"
    assert guest.client.post(path, data={"waitlist_slot": full_slot["slot"], "adults": 1}).status_code == 400
    assert guest.client.post(f"/stay/waitlist/{entry.id}/leave").status_code == 400
    assert guest.client.post(f"/stay/waitlist/{entry.id}/accept").status_code == 400
    [entry] = entries(app)
    assert entry.status is W.WAITING


def test_without_room_charge_the_offer_goes_to_card_payment(app, guest, world, full_slot, monkeypatch):
    monkeypatch.setattr("app.services.ordering.card_provider", lambda: object())
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).room_charge_enabled = False
        db.session.commit()
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    with app.test_request_context():  # the desk cancels: no room charge needed to give seats back
        stay = db.session.get(Stay, full_slot["group"])
        cancellations.cancel_line(stay, full_slot["line"])
    page = text(guest.client.get("/stay"))
    assert "You pay by card on the next page." in page
    [entry] = entries(app)
    paying = guest.post(f"/stay/waitlist/{entry.id}/accept", {}, page="/stay")
    assert paying.status_code == 302 and paying.location.endswith("/pay")


def test_bad_join_input_is_refused_without_an_error_page(app, guest, world, full_slot):
    guest.sign_in()
    path = f"/services/{world.services['farm_visit']}"
    for data in ({"waitlist_slot": "x", "adults": 1}, {"adults": 1}, {"waitlist_slot": full_slot["slot"]}):
        refused = guest.post(f"{path}/waitlist", data, page=path)
        assert refused.status_code == 302 and urlsplit(refused.location).path == path
        assert "Please choose a time and who is coming." in text(guest.client.get(refused.location))
    car = f"/services/{world.services['car_rental']}"
    refused = guest.post(f"{car}/waitlist", {"waitlist_slot": 1, "adults": 1}, page=path)
    assert refused.status_code == 302 and urlsplit(refused.location).path == car
    assert entries(app) == []


def test_the_party_preselected_fits_a_small_full_time_and_joins_in_one_tap(app, guest, world):
    """A family of four and a full time for three: the page offers a party of three, and the join works."""
    with app.test_request_context():
        slot = factories.riding_slot(world)
        slot.capacity = 3  # a small time: three places
        booked_at_desk(world, slot, "780", "Trio", adults=3)
        slot_id = slot.id
    guest.sign_in()
    path = f"/services/{world.services['farm_visit']}"
    page = text(guest.client.get(path))
    adults = int(re.search(r'name="adults"[^>]*value="(\d+)"', page).group(1))
    children = [item.split('"')[1] for item in checkboxes(page) if item.startswith("checked")]
    assert adults + len(children) == 3  # not the whole family of four

    joined = guest.post(
        f"{path}/waitlist", {"waitlist_slot": slot_id, "adults": adults, "children": children}, page=path
    )
    assert joined.status_code == 302 and joined.location.endswith("/stay")
    [entry] = entries(app)
    assert entry.seats == 3


def test_a_party_too_big_for_the_time_is_told_so_on_the_service_page(app, guest, world, full_slot):
    with app.app_context():
        db.session.get(Slot, full_slot["slot"]).capacity = 2
        db.session.commit()
    guest.sign_in()
    path = f"/services/{world.services['farm_visit']}"

    refused = join(guest, world, full_slot["slot"], children=["1"])  # 2 adults and the 9-year-old

    assert refused.status_code == 302
    back = urlsplit(refused.location)
    assert back.path == path
    assert parse_qs(back.query) == {"slot": [str(full_slot["slot"])], "adults": ["2"], "children": ["1"]}
    page = text(guest.client.get(refused.location))
    assert "At most 2 people fit at this time." in page
    assert re.search(r'name="adults"[^>]*value="2"', page)
    assert checkboxes(page) == ['value="0"', 'checked value="1"']
    assert entries(app) == []


def checkboxes(page: str) -> list[str]:
    """The children checkboxes, each as its value and whether it is checked."""
    found = []
    for tag in re.findall(r'<input[^>]*name="children"[^>]*>', page):
        value = re.search(r'value="(\d+)"', tag).group(0)
        found.append(f"checked {value}" if "checked" in tag else value)
    return found


def test_an_offer_reaches_an_open_my_stay_through_its_live_region(app, guest, world, full_slot):
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    first = guest.client.get("/stay/live")
    assert "Your place in the queue: 1" in text(first)  # the waiting list is inside the live part
    etag = first.headers["ETag"]
    assert guest.client.get("/stay/live", headers={"If-None-Match": etag}).status_code == 304

    free_the_slot(app, full_slot)

    changed = guest.client.get("/stay/live", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Places for you" in text(changed) and "Book these places" in text(changed)


def test_moving_up_the_queue_shows_live(app, guest, world, full_slot):
    with app.test_request_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        ahead = factories.make_stay(hotel, room="781", surname="Ahead", adults=2, children_ages=[])
        db.session.commit()
        entry = waitlist.join(
            ahead, planning.BookingRequest(world.services["farm_visit"], slot_id=full_slot["slot"], adults=2)
        )
        ahead_id, entry_id = ahead.id, entry.id
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    first = guest.client.get("/stay/live")
    assert "Your place in the queue: 2" in text(first)

    with app.test_request_context():
        waitlist.leave(db.session.get(Stay, ahead_id), entry_id)  # another guest leaves the queue

    moved = guest.client.get("/stay/live", headers={"If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200 and "Your place in the queue: 1" in text(moved)


def test_the_offer_names_the_discounted_price_it_books_for(app, guest, world, full_slot):
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).tier = Tier.GOLD
        db.session.commit()
    guest.sign_in()
    join(guest, world, full_slot["slot"])
    free_the_slot(app, full_slot)
    assert "€27.00" in text(guest.client.get("/stay"))  # 2 × €15.00 less 10 % for a gold guest
    [entry] = entries(app)
    guest.post(f"/stay/waitlist/{entry.id}/accept", {}, page="/stay")
    [entry] = entries(app)
    with app.app_context():
        assert db.session.get(OrderLine, entry.order_line_id).total == 2700
