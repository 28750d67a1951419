"""Issue #13's budget: at most 8 SQL statements per guest page on the demo hotel, showing everything it did.

Counted as the issue counts them: every statement the app sends, SQLite's own BEGINs included,
with a fresh session per request as under gunicorn (the test holds no app context while it
counts). The demo guest (room 204, Garcia) has booked a timed service, has it in the cart
again, has asked the desk for help and waits for a full time, so each page has rows of every
kind to show; each
page's content is checked too, so a page that gets under the budget by showing less fails.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderStatus, Package, Service, Slot, WaitlistEntry
from app.services.money import format_money
from tests.statements import statements_sent

MAX_STATEMENTS = 8
HELP = "Could we have a late check-out?"


@dataclass
class Visit:
    statements: list[str]
    page: str


def _slots(page: str) -> list[str]:
    return re.findall(r'name="slot" value="(\d+)"(?! disabled)', page)


@dataclass
class DemoGuest:
    service_id: int
    slot_id: str
    reference: str
    booked_line_id: int
    waiting_id: int
    package_code: str
    package_service_ids: list[int]


@pytest.fixture
def demo_guest(app, demo_template, guest) -> DemoGuest:
    with app.app_context():
        demo_template.seed()
    assert guest.sign_in("204", "Garcia").status_code == 302
    home = html.unescape(guest.client.get("/home").get_data(as_text=True))
    for path in dict.fromkeys(re.findall(r'href="(/services/\d+)', home)):
        slots = _slots(guest.client.get(path).get_data(as_text=True))
        # The first timed service one adult may book (some are for children only).
        if slots and guest.post(path, {"slot": slots[-1], "adults": 1}).status_code == 302:
            break
    else:
        pytest.fail("no timed service one adult can book on the demo's home page")
    service_id = int(path.rsplit("/", 1)[1])
    placed = guest.post("/checkout", {"payment_method": "room"}, page="/cart", follow_redirects=False)
    assert placed.status_code == 302
    assert guest.post(path, {"slot": slots[-1], "adults": 1}).status_code == 302  # in the cart again
    assert guest.post("/stay/requests/help", {"help-details": HELP}, page="/stay").status_code == 302
    with app.app_context():  # another time of the service fills up: the guest waits for it
        full = db.session.get(Slot, int(slots[0]))
        full.taken = full.capacity
        db.session.commit()
    waiting = guest.post(f"{path}/waitlist", {"waitlist_slot": slots[0], "adults": 1}, page=path)
    assert waiting.status_code == 302 and waiting.headers["Location"].endswith("/stay")
    with app.app_context():
        booked = db.session.scalar(select(Order).where(Order.status == OrderStatus.CONFIRMED))
        reference, booked_line_id = booked.reference, booked.lines[0].id
        waiting_id = db.session.scalar(select(WaitlistEntry.id))
        package = db.session.scalars(
            select(Package).join(Package.services).where(Service.id == service_id)
        ).first()
        package_service_ids = [service.id for service in package.services if service.active]
        db.session.remove()
    return DemoGuest(
        service_id, slots[-1], reference, booked_line_id, waiting_id, package.code, package_service_ids
    )


def visit(app, client, path: str) -> Visit:
    client.get(path)  # warm: a first view may fill caches that later ones reuse
    with statements_sent(app) as statements:
        answer = client.get(path)
    assert answer.status_code == 200, path
    return Visit(statements, html.unescape(answer.get_data(as_text=True)))


def within_budget(seen: Visit) -> None:
    listed = "\n".join(seen.statements)
    assert len(seen.statements) <= MAX_STATEMENTS, f"{len(seen.statements)} statements:\n{listed}"


def test_service_page(app, guest, demo_guest):
    seen = visit(app, guest.client, f"/services/{demo_guest.service_id}")
    assert f'value="{demo_guest.slot_id}"' in seen.page  # the times, with the one booked
    assert 'class="booking-total"' in seen.page  # the total for the party chosen
    within_budget(seen)


def test_my_stay(app, guest, demo_guest):
    seen = visit(app, guest.client, "/stay")
    assert f'id="line-{demo_guest.booked_line_id}"' in seen.page  # the booking
    assert f"/bookings/{demo_guest.booked_line_id}/cancel" in seen.page  # and how to cancel it
    assert HELP in seen.page  # the request to the desk
    assert f"/stay/waitlist/{demo_guest.waiting_id}/leave" in seen.page  # the waiting list
    assert re.search(r"Your place in the queue: 1\b", seen.page)
    within_budget(seen)


def test_cart(app, guest, demo_guest):
    seen = visit(app, guest.client, "/cart")
    with app.app_context():
        cart = db.session.scalar(select(Order).where(Order.status == OrderStatus.CART))
        locale = re.search(r'<html lang="([\w-]+)"', seen.page).group(1).replace("-", "_")
        total = format_money(cart.total, cart.currency, locale, cart.stay.hotel.default_locale)
        line_ids = [line.id for line in cart.lines]
        db.session.remove()
    assert total in seen.page
    for line_id in line_ids:
        assert f"/cart/lines/{line_id}/remove" in seen.page
    within_budget(seen)


def test_package_page(app, guest, demo_guest):
    seen = visit(app, guest.client, f"/packages/{demo_guest.package_code}")
    for service_id in demo_guest.package_service_ids:
        assert f"/services/{service_id}" in seen.page
    within_budget(seen)


def test_confirmation_page(app, guest, demo_guest):
    seen = visit(app, guest.client, f"/orders/{demo_guest.reference}")
    assert demo_guest.reference in seen.page
    assert f"/orders/{demo_guest.reference}.ics" in seen.page
    within_budget(seen)
