"""Offers on the phone and at the desk: shown with a reason, counted, booked in two taps, attributed."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, update

from app.extensions import db
from app.models import LineStatus, OfferImpression, OrderLine, Package, Service, Slot
from app.services import view_counts
from tests.desk.helpers import make_named_staff, signed_in_guest, signed_in_staff, text


def offer_links(page: str) -> list[str]:
    return [html.unescape(link) for link in re.findall(r'<a class="offer-card" href="([^"]+)"', page)]


def impressions(app) -> set[tuple[int, str, str]]:
    with app.app_context():
        view_counts.flush()  # what the pages counted, written as the worker would after them
        return {
            (row.service_id, row.place, row.reason) for row in db.session.scalars(select(OfferImpression))
        }


def booked_lines(app) -> list[tuple[int, str | None, str | None, LineStatus]]:
    with app.app_context():
        return [
            (line.service_id, line.offer_place, line.offer_reason, line.status)
            for line in db.session.scalars(select(OrderLine).order_by(OrderLine.id))
        ]


def test_the_home_page_shows_offers_with_reasons_and_counts_them(app, world):
    guest = signed_in_guest(app)

    page = text(guest.client.get("/home"))

    assert "Chosen for your stay" in page
    links = offer_links(page)
    assert 1 <= len(links) <= 6
    assert f"/services/{world.services['pony_ride']}?offer=home&why=children" in " ".join(links)
    assert "For children aged 3 and over, like yours." in page
    shown = impressions(app)
    assert len(shown) == len(links)
    assert (world.services["pony_ride"], "home", "children") in shown


def test_an_offer_is_booked_in_two_taps_and_attributed(app, world):
    guest = signed_in_guest(app)
    home = text(guest.client.get("/home"))
    link = next(link for link in offer_links(home) if f"/services/{world.services['pony_ride']}?" in link)

    service_page = text(guest.client.get(link))  # tap 1: the offer
    assert re.search(r'name="slot" value="\d+"[^>]*checked', service_page)  # the suggested time is chosen
    assert re.search(
        r'<input checked[^>]*name="children"[^>]*value="0"', service_page
    )  # the 4-year-old may ride
    form = {
        "slot": re.search(r'name="slot" value="(\d+)"[^>]*checked', service_page).group(1),
        "adults": 0,
        "children": ["0", "1"],
        "then": "book",
    }
    booked = guest.post(link, form, page=link)  # tap 2: "Book now, charge to room 204"

    assert booked.status_code == 302 and "/orders/" in booked.location
    assert booked_lines(app) == [(world.services["pony_ride"], "home", "children", LineStatus.BOOKED)]
    confirmation = text(guest.client.get(booked.location))
    assert "You are booked!" in confirmation and "Add to your stay" in confirmation
    after = offer_links(confirmation)
    assert after and all(f"/services/{world.services['pony_ride']}?" not in link for link in after)
    assert all("offer=after_booking" in link for link in after)


def test_an_edited_link_does_not_claim_an_offer_that_was_never_shown(app, world):
    guest = signed_in_guest(app)
    path = f"/services/{world.services['pony_ride']}?offer=email&why=children"
    page = text(guest.client.get(path))
    slot = re.findall(r'name="slot" value="(\d+)"', page)[0]

    booked = guest.post(path, {"slot": slot, "adults": 0, "children": ["0"], "then": "book"}, page=path)

    assert booked.status_code == 302
    assert booked_lines(app) == [(world.services["pony_ride"], None, None, LineStatus.BOOKED)]


def test_add_to_cart_still_works_and_keeps_the_offer(app, world):
    guest = signed_in_guest(app)
    home = text(guest.client.get("/home"))
    path = next(link for link in offer_links(home) if f"/services/{world.services['farm_visit']}?" in link)
    page = text(guest.client.get(path))
    slot = re.findall(r'name="slot" value="(\d+)"', page)[0]

    added = guest.post(path, {"slot": slot, "adults": 1, "then": "cart"}, page=path)

    assert (added.status_code, added.location) == (302, "/cart")
    [(service_id, place, _reason, status)] = booked_lines(app)
    assert (service_id, place, status) == (world.services["farm_visit"], "home", LineStatus.CART)


def test_the_desk_sees_suggestions_for_the_stay_and_a_sale_from_one_is_attributed(app, world):
    make_named_staff(app, world.hotel_id, "rita@lodge.test", "Rita Reyes")
    desk = signed_in_staff(app, "rita@lodge.test")
    pick = text(desk.client.get(f"/desk/stays/{world.stays['garcia']}/sell"))
    assert "Suggested for this stay" in pick
    path = html.unescape(
        re.search(
            rf'href="(/desk/stays/\d+/sell\?service={world.services["farm_visit"]}&offer=desk[^"]*)"',
            pick,
        ).group(1)
    )
    page = text(desk.client.get(path))
    slot = re.search(r'<select[^>]*name="slot".*?<option[^>]*value="(\d+)"', page, re.S).group(1)

    sold = desk.post(path, {"slot": slot, "adults": 1, "payment_method": "room"}, page=path)

    assert sold.status_code == 302
    [(service_id, place, _reason, status)] = booked_lines(app)
    assert (service_id, place, status) == (world.services["farm_visit"], "desk", LineStatus.BOOKED)


def test_an_offer_in_a_package_deal_shows_the_discount(app, world):
    with app.app_context():
        nature = db.session.scalar(select(Package).where(Package.code == "nature"))
        nature.bundle_size, nature.bundle_percent = 2, 10
        # Offered for another reason (the hotel's pin), the deal is said beside it.
        db.session.get(Service, world.services["horse_riding"]).pinned = True
        db.session.commit()
    guest = signed_in_guest(app, room="301", surname="Novak")

    page = text(guest.client.get("/home"))

    assert "Package deal: book 2 from Nature together and save 10%." in page


def test_a_rental_with_too_few_units_left_says_so_instead_of_failing(app, world):
    with app.app_context():
        db.session.execute(update(Slot).where(Slot.pool_id == world.pools["cars"]).values(taken=1))
        db.session.commit()
    guest = signed_in_guest(app)
    path = f"/services/{world.services['car_rental']}"
    page = text(guest.client.get(path))
    start = re.search(r'name="start_date"[^>]*value="([^"]+)"', page).group(1)

    refused = guest.post(path, {"start_date": start, "days": 1, "quantity": 2, "then": "book"})

    assert refused.status_code == 409
    assert "Only 1 place left." in text(refused)


def test_a_booking_from_a_signed_offer_link_is_attributed_before_any_flush_and_a_tampered_one_is_not(
    app, world
):
    guest = signed_in_guest(app)
    home = text(guest.client.get("/home"))
    link = next(link for link in offer_links(home) if f"/services/{world.services['pony_ride']}?" in link)
    assert "&sig=" in link
    with app.app_context():
        assert db.session.scalars(select(OfferImpression)).all() == []  # still in the buffer
    tampered = link.replace("why=children", "why=pinned")
    page = text(guest.client.get(tampered))
    slot = re.search(r'name="slot" value="(\d+)"[^>]*checked', page).group(1)
    form = {"slot": slot, "adults": 0, "children": ["0"], "then": "book"}

    assert guest.post(tampered, form, page=tampered).status_code == 302
    assert guest.post(link, form, page=link).status_code == 302

    assert [(place, reason) for _service, place, reason, _status in booked_lines(app)] == [
        (None, None),
        ("home", "children"),
    ]
