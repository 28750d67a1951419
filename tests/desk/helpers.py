"""Shared steps for the front-desk tests: a guest and a receptionist on clients of their own, booking."""

from __future__ import annotations

import html
import re
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, Hotel, Order, OrderLine, StaffRole, StaffUser
from app.services import staff_accounts
from tests.conftest import GuestActions
from tests.reading import detached_rows
from tests.staff import PASSWORD, StaffActions

RITA = "rita@lodge.test"  # the receptionist most desk tests sign in as


def text(response) -> str:
    """The page as a reader sees it: HTML entities (&#39;, &amp;) turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def signed_in_guest(app, room: str = "204", surname: str = "Garcia") -> GuestActions:
    """A guest on a phone of their own (a separate test client), signed in by room and surname."""
    guest = GuestActions(app.test_client())
    assert guest.sign_in(room, surname).status_code == 302
    return guest


def make_named_staff(
    app, hotel_id: int, email: str, name: str, role: StaffRole = StaffRole.RECEPTIONIST
) -> int:
    with app.app_context():
        user = staff_accounts.create_staff(db.session.get(Hotel, hotel_id), email, PASSWORD, role, name=name)
        db.session.commit()
        return user.id


def signed_in_staff(app, email: str) -> StaffActions:
    """A receptionist at the desk computer (a separate test client)."""
    desk = StaffActions(app.test_client())
    assert desk.sign_in(email).status_code == 302
    return desk


def staff_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def slot_ids(page: str) -> list[int]:
    return [int(value) for value in re.findall(r'name="slot" value="(\d+)"', page)]


def add_timed(guest: GuestActions, service_id: int, adults: int, children=(), which: int = -1) -> int:
    """Put a timed service in the guest's cart on one of the offered times; returns the slot id."""
    path = f"/services/{service_id}"
    slot_id = slot_ids(guest.client.get(path).get_data(as_text=True))[which]
    added = guest.post(path, {"slot": slot_id, "adults": adults, "children": [str(c) for c in children]})
    assert added.status_code == 302, text(added)
    return slot_id


def checkout_on_room(guest: GuestActions) -> str:
    """Book the cart on the room; returns the order reference."""
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302, text(booked)
    return booked.location.rsplit("/", 1)[-1]


def requests_of(app, **where) -> list[GuestRequest]:
    """Guest requests (detached, oldest first), optionally filtered by column values."""
    with app.app_context():
        query = select(GuestRequest).order_by(GuestRequest.id)
        for column, value in where.items():
            query = query.where(getattr(GuestRequest, column) == value)
        found = list(db.session.scalars(query))
        for request in found:
            _ = request.events  # load the history before leaving the session
            db.session.expunge(request)
        return found


def lines_of_order(app, reference: str) -> list[OrderLine]:
    return detached_rows(
        app, select(OrderLine).join(Order).where(Order.reference == reference).order_by(OrderLine.id)
    )


def queue_rows(page: str) -> list[tuple[int, str]]:
    """(request id, row class) for each row of the desk's queue, top to bottom."""
    return [
        (int(request_id), css)
        for css, request_id in re.findall(r'<tr class="([^"]*)" data-request="(\d+)"', page)
    ]


def history_rows(page: str) -> list[str]:
    """Each history row of a request page as plain text: "who | what" (newest first, as shown)."""
    table = re.search(r'<table class="list history">(.*?)</table>', page, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        rows.append(" | ".join(cells[1:]))  # the time is left out: all changes happen within a second
    return rows


def at_minute(moment: datetime) -> datetime:
    """A moment with no seconds, so a frozen clock does not cross a minute while a test runs."""
    return moment.replace(second=0, microsecond=0)
