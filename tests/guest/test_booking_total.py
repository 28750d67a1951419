"""The service page's total, line by line with discounts, is what the Book button then charges."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order, Service, Stay, Tier
from app.web.locale import money


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def sign_in_silver(app, guest, world) -> None:
    """Garcia, made a silver-tier guest (5 % off), signs in."""
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).tier = Tier.SILVER
        db.session.commit()
    guest.sign_in()


def shown_total(page: str) -> str:
    return re.search(r'<tr class="total"><th scope="row">Total</th><td>([^<]+)</td>', page).group(1)


def last_slot(page: str) -> str:
    return re.findall(r'name="slot" value="(\d+)"', page)[-1]


def booked_total(app, location: str) -> str:
    reference = urlsplit(location).path.rsplit("/", 1)[-1]
    with app.test_request_context():
        order = db.session.scalar(select(Order).where(Order.reference == reference))
        return money(order.total, order.currency)


PARTIES = {
    # name: (stay changes, service, party fields, discount lines the total must name)
    "standard, one adult": ({}, "farm_visit", {"adults": "1"}, []),
    "silver family, a free under-5": (
        {"tier": Tier.SILVER},
        "farm_visit",
        {"adults": "2", "children": ["0", "1"]},
        ["Loyal guest discount (5%)"],
    ),
    "gold couple, horse riding": ({"tier": Tier.GOLD}, "horse_riding", {"adults": "2"}, ["(10%)"]),
    "large family, gold": (
        {"tier": Tier.GOLD, "children_ages": [4, 9, 12]},
        "horse_riding",
        {"adults": "2", "children": ["1", "2"]},
        ["Large-family discount (10%)", "Loyal guest discount (10%)"],
    ),
}


@pytest.mark.parametrize("name", PARTIES)
def test_the_total_shown_is_the_total_booked(app, guest, world, name):
    changes, code, party, discounts = PARTIES[name]
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        for field, value in changes.items():
            setattr(stay, field, value)
        db.session.commit()
    guest.sign_in()
    path = f"/services/{world.services[code]}"
    fields = {"slot": last_slot(text(guest.client.get(path))), **party}

    fragment = text(guest.client.get(f"{path}/total?{urlencode(fields, doseq=True)}"))
    shown = shown_total(fragment)
    for discount in discounts:
        assert discount in fragment
    assert f'data-book-label="Book now, charge {shown} to room 204"' in fragment

    booked = guest.post(path, {**fields, "then": "book"})
    assert booked.status_code == 302 and "/orders/" in booked.location
    assert booked_total(app, booked.location) == shown


def test_a_rental_total_counts_units_and_days(app, guest, world):
    sign_in_silver(app, guest, world)
    path = f"/services/{world.services['car_rental']}"
    fields = {"start_date": (world.today + timedelta(days=1)).isoformat(), "days": "2", "quantity": "1"}

    fragment = text(guest.client.get(f"{path}/total?{urlencode(fields)}"))
    assert "1 unit × 2 days" in fragment and "Loyal guest discount (5%)" in fragment
    shown = shown_total(fragment)
    assert shown == "€104.50"  # 2 × €55.00 less 5 %

    booked = guest.post(path, {**fields, "then": "book"})
    assert booked_total(app, booked.location) == shown


def test_without_script_the_page_shows_the_total_for_the_party_it_offers(app, guest, world):
    sign_in_silver(app, guest, world)
    page = text(guest.client.get(f"/services/{world.services['farm_visit']}"))

    # The whole family is offered: 2 adults × €15.00, the 9-year-old €10.00, the 4-year-old free.
    assert "2 adults" in page and "1 child under 5: free" in page
    assert shown_total(page) == "€38.00"  # €40.00 less 5 %
    assert re.search(r'class="button primary book-now">Book now, charge €38.00 to room 204</button>', page)


def test_a_party_the_service_refuses_gets_the_reason_instead_of_a_total(app, guest, world):
    guest.sign_in()
    path = f"/services/{world.services['horse_riding']}"
    fragment = text(guest.client.get(f"{path}/total?adults=1&children=0"))  # the 4-year-old: from 8 only
    assert "A child aged 4 is too young" in fragment
    assert 'class="total"' not in fragment
    assert 'data-book-label="Book now, charge to room 204"' in fragment
    for nonsense in ("adults=x", "adults=999", "children=7", "slot=abc&adults=1", "start_date=nope"):
        assert guest.client.get(f"{path}/total?{nonsense}").status_code == 200


def farm_visit_with_terms(app, guest, world, late_fee_percent: int | None) -> tuple[str, str, list[str]]:
    """Free cancellation ends 24 hours ahead, then ``late_fee_percent`` is kept: the page Garcia sees.

    Returns the page's path, its HTML and the label of each time it offers.
    """
    with app.app_context():
        service = db.session.get(Service, world.services["farm_visit"])
        service.cancel_window_hours = 24
        service.late_cancel_fee_percent = late_fee_percent
        db.session.commit()
    guest.sign_in()
    path = f"/services/{world.services['farm_visit']}"
    page = text(guest.client.get(path))
    return path, page, re.findall(r'<label class="slot">(.*?)</label>', page, re.S)


def test_times_without_free_cancellation_are_marked(app, guest, world):
    path, page, slots = farm_visit_with_terms(app, guest, world, late_fee_percent=None)
    marked = [slot for slot in slots if "Non-refundable" in slot]
    assert marked and len(marked) < len(slots)  # the next 24 hours only
    first = re.search(r'name="slot" value="(\d+)"', marked[0]).group(1)

    fragment = text(guest.client.get(f"{path}/total?slot={first}&adults=1"))
    assert "Non-refundable: if you cancel after booking, nothing is refunded." in fragment
    later = last_slot(page)
    fragment = text(guest.client.get(f"{path}/total?slot={later}&adults=1"))
    assert "Free cancellation until" in fragment


def test_a_late_fee_is_named_on_the_time_and_in_the_total(app, guest, world):
    path, page, slots = farm_visit_with_terms(app, guest, world, late_fee_percent=50)
    marked = [slot for slot in slots if "50% fee if cancelled" in slot]
    assert marked and "Non-refundable" not in page
    first = re.search(r'name="slot" value="(\d+)"', marked[0]).group(1)
    fragment = text(guest.client.get(f"{path}/total?slot={first}&adults=2"))
    assert "If you cancel after booking, €15.00 is kept." in fragment  # half of 2 × €15.00
