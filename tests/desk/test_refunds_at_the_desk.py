"""A receptionist finds a stay, sees its bookings and payments, and refunds part of a room charge."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import FolioLine, Hotel, Refund, RefundStatus, Service, Slot, StaffRole
from tests.staff import make_staff


def confirm_amount(page) -> str:
    """The value of the page's "Confirm refund" button: the minor units it asks to confirm."""
    return re.search(r'name="confirm_amount" value="(\d+)"', page.get_data(as_text=True)).group(1)


def book_on_room(guest, world) -> str:
    path = f"/services/{world.services['horse_riding']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(path).get_data(as_text=True))[-1]
    assert guest.post(path, {"slot": slot, "adults": 2}).status_code == 302
    return guest.post("/checkout", {"payment_method": "room"}, page="/cart").location.rsplit("/", 1)[-1]


@pytest.fixture
def desk(app, client, staff, world):
    """Garcia booked 2 x horse riding (EUR 120.00) on the room; a receptionist signed in elsewhere."""
    from tests.conftest import GuestActions

    guest = GuestActions(app.test_client())
    guest.sign_in()
    reference = book_on_room(guest, world)
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    return reference


def test_find_a_stay_by_room_surname_or_reference(app, staff, world, desk):
    for query in ("204", "garc", world.references["garcia"].lower().replace("-", " ")):
        page = staff.client.get("/desk/", query_string={"q": query}).get_data(as_text=True)
        assert "Garcia" in page, query
        assert "Novak" not in page, query
    nothing = staff.client.get("/desk/", query_string={"q": "zzz"}).get_data(as_text=True)
    assert "No stay matches zzz." in nothing


def test_refund_part_of_a_room_charge_with_a_reason(app, staff, world, desk):
    stay_page = staff.client.get(f"/desk/stays/{world.stays['garcia']}").get_data(as_text=True)
    assert desk in stay_page
    refund_path = re.search(r'href="(/desk/payments/\d+/refund)"', stay_page).group(1)

    typed = {"amount": "30.50", "reason": "Horse lost a shoe, ride cut short"}
    asked = staff.post(refund_path, typed)
    assert asked.status_code == 200
    assert "Take €30.50 off the bill of room 204?" in html.unescape(asked.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(Refund.id))) == 0  # nothing moves before confirming
    done = staff.post(refund_path, {**typed, "confirm_amount": confirm_amount(asked)})
    assert done.status_code == 302
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert (refund.amount, refund.status, refund.staff_id is not None) == (
            3050,
            RefundStatus.SUCCEEDED,
            True,
        )
        assert db.session.scalar(select(func.sum(FolioLine.amount))) == 12000 - 3050
    listed = staff.client.get("/desk/refunds").get_data(as_text=True)
    assert "Horse lost a shoe" in listed and "€30.50" in listed


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("", "why", "Please enter an amount."),
        ("abc", "why", "Please enter an amount like 1,250.50."),
        ("10.005", "why", "Amounts in EUR have at most 2 decimal places."),  # €10,005 is too much
        ("10.5555", "why", "Amounts in EUR have at most 2 decimal places."),
        ("120.01", "why", "Please enter an amount from €0.01 to €120.00."),
        ("0", "why", "Please enter an amount from €0.01 to €120.00."),
        ("-5", "why", "Please enter an amount from €0.01 to €120.00."),
        ("Infinity", "why", "Please enter an amount like 1,250.50."),
        ("9" * 30, "why", "Please enter an amount from €0.01 to €120.00."),
        ("10", "", "Please give a reason for the refund."),
    ],
)
def test_bad_refunds_are_refused_with_the_reason_and_what_was_typed_kept(
    app, staff, world, desk, amount, reason, message
):
    stay_page = staff.client.get(f"/desk/stays/{world.stays['garcia']}").get_data(as_text=True)
    refund_path = re.search(r'href="(/desk/payments/\d+/refund)"', stay_page).group(1)
    refused = staff.post(refund_path, {"amount": amount, "reason": reason})
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert message in page
    assert f'value="{amount}"' in page or amount == ""
    with app.app_context():
        assert db.session.scalar(select(func.count(Refund.id))) == 0


def test_another_hotels_payment_is_not_found(app, staff, world, desk):
    from tests.factories import make_hotel

    with app.app_context():
        other = make_hotel(slug="other-lodge")
        db.session.commit()
        other_id = other.id
    intruder = make_staff(app, other_id, StaffRole.MANAGER, email="boss@other.test")
    staff.sign_out()
    staff.sign_in(intruder)
    assert staff.client.get(f"/desk/stays/{world.stays['garcia']}").status_code == 404
    assert staff.client.get("/desk/payments/1/refund").status_code == 404
    assert "Garcia" not in staff.client.get("/desk/", query_string={"q": "204"}).get_data(as_text=True)


def test_manager_exports_the_folio_once(app, client, world, desk):
    from tests.staff import StaffActions

    manager = StaffActions(app.test_client())
    manager.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    preview = manager.client.get("/manage/folio.csv").get_data(as_text=True)
    assert ",120.00,EUR," in preview  # major units in the CSV
    exported = manager.post("/manage/folio/exports", {}, page="/manage/folio")
    assert exported.status_code == 302
    first = manager.client.get(exported.location).get_data(as_text=True)
    assert ",120.00,EUR," in first and first.startswith("\ufeffreference,")
    second = manager.client.get(manager.post("/manage/folio/exports", {}, page="/manage/folio").location)
    assert (
        second.get_data(as_text=True).strip()
        == "\ufeffreference,posted_at,room,amount,currency,description,stay_id,order_id,late_charge"
    )


def test_the_desk_cancels_a_booking_with_a_reason_and_the_room_charge_is_reversed(app, staff, world, desk):
    stay_page = staff.client.get(f"/desk/stays/{world.stays['garcia']}").get_data(as_text=True)
    action = re.search(r'action="(/desk/lines/\d+/cancel)"', stay_page).group(1)

    refused = staff.post(action, {"reason": ""}, page=f"/desk/stays/{world.stays['garcia']}")
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Refund.id))) == 0

    done = staff.post(
        action, {"reason": "Storm: the stable is closed"}, page=f"/desk/stays/{world.stays['garcia']}"
    )
    assert done.status_code == 302
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert (refund.amount, refund.reason, refund.status) == (
            12000,
            "Storm: the stable is closed",
            RefundStatus.SUCCEEDED,
        )
        assert refund.staff_id is not None
        assert db.session.scalar(select(func.sum(FolioLine.amount))) == 0
        assert db.session.scalar(select(func.sum(Slot.taken))) == 0  # the places are free again
    again = staff.post(action, {"reason": "twice"}, page=f"/desk/stays/{world.stays['garcia']}")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Refund.id))) == 1


@pytest.fixture
def vnd_desk(app, staff, world):
    """A hotel in đồng: Garcia booked 2 rides at ₫300,000 on the room; a receptionist in English."""
    from tests.conftest import GuestActions

    with app.app_context():
        db.session.get(Hotel, world.hotel_id).currency = "VND"
        db.session.get(Service, world.services["horse_riding"]).price_adult = 300000
        db.session.commit()
    guest = GuestActions(app.test_client())
    guest.sign_in()
    book_on_room(guest, world)
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    page = staff.client.get(f"/desk/stays/{world.stays['garcia']}").get_data(as_text=True)
    return re.search(r'href="(/desk/payments/\d+/refund)"', page).group(1)


def test_a_vnd_refund_typed_with_dots_in_english_is_never_a_thousand_times_less(app, staff, vnd_desk):
    typed = {"amount": "200.000", "reason": "Rain"}
    refused = staff.post(vnd_desk, typed)
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "Did you mean ₫200,000?" in page and 'value="200.000"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Refund.id))) == 0

    typed["amount"] = "200,000"
    asked = staff.post(vnd_desk, typed)
    assert "Take ₫200,000 off the bill of room 204?" in html.unescape(asked.get_data(as_text=True))
    # The confirm button's amount must be what the typed text reads as, now: a changed one is asked again.
    forged = staff.post(vnd_desk, {**typed, "confirm_amount": "200"})
    assert forged.status_code == 200 and confirm_amount(forged) == "200000"
    with app.app_context():
        assert db.session.scalar(select(func.count(Refund.id))) == 0

    done = staff.post(vnd_desk, {**typed, "confirm_amount": confirm_amount(asked)})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Refund.amount)) == 200000
        assert db.session.scalar(select(func.sum(FolioLine.amount))) == 600000 - 200000
