"""Every money and number field of every form answers a hostile value with a form error, never a 5xx.

Infinity, 1e308, NaN and thirty nines once reached the database (OverflowError on SQLite,
"integer out of range" on PostgreSQL). Each field below is posted from its real page, the
rest of the form as the browser would send it.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OrderLine, Package, Payment, RequestKind, StaffRole, Stay
from app.services import guest_requests
from tests.conftest import GuestActions
from tests.page_forms import form_on
from tests.staff import StaffActions, make_staff

HOSTILE = ["Infinity", "NaN", "1e308", "9" * 30, "-" + "9" * 30, "١" * 30]
BAD_IDS = ["9" * 30, "-1", "0", "Infinity", "1e308"]
BAD_INDEXES = ["9" * 30, "-1", "Infinity", "1e308", "1001"]  # a child's position in the stay


@pytest.fixture
def people(app, world):
    """The Garcia family signed in with a ride booked on the room, a receptionist and a manager."""
    guest = GuestActions(app.test_client())
    assert guest.sign_in().status_code == 302
    path = f"/services/{world.services['horse_riding']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(path).get_data(as_text=True))[-1]
    assert guest.post(path, {"slot": slot, "adults": 2}).status_code == 302
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302
    desk = StaffActions(app.test_client())
    assert desk.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)).status_code == 302
    manager = StaffActions(app.test_client())
    assert manager.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER)).status_code == 302
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        asked = guest_requests.guest_asks(stay, RequestKind.HELP, details="The tap drips")
        db.session.commit()
        ids = {
            "payment": db.session.scalar(select(Payment.id)),
            "request": asked.id,
            "package": db.session.scalar(select(Package.id)),
        }
    return {"guest": guest, "desk": desk, "manager": manager, **ids}


def cases(world, people) -> list[tuple[str, str, str, str, list[str]]]:
    """(who, page, action, field, values): every number and money field on every form."""
    stay = world.stays["garcia"]
    timed, rental = world.services["horse_riding"], world.services["car_rental"]
    sell = f"/desk/stays/{stay}/sell?service="
    package = people["package"]
    number, ids = HOSTILE, BAD_IDS
    listed = [
        # Guest pages.
        ("guest", f"/services/{timed}", f"/services/{timed}", "adults", number),
        ("guest", f"/services/{timed}", f"/services/{timed}", "slot", ids),
        ("guest", f"/services/{world.services['farm_visit']}", "", "children", BAD_INDEXES),
        ("guest", f"/services/{rental}", f"/services/{rental}", "days", number),
        ("guest", f"/services/{rental}", f"/services/{rental}", "quantity", number),
        ("guest", "/stay", "/stay/requests/item", "item-quantity", number),
        # The desk.
        ("desk", "/desk/check-in", "/desk/check-in", "adults", number),
        ("desk", "/desk/check-in", "/desk/check-in", "children_ages", number),
        ("desk", f"{sell}{timed}", f"{sell}{timed}", "adults", number),
        ("desk", f"{sell}{timed}", f"{sell}{timed}", "slot", ids),
        ("desk", f"{sell}{world.services['farm_visit']}", "", "children", BAD_INDEXES),
        ("desk", f"{sell}{rental}", f"{sell}{rental}", "days", number),
        ("desk", f"{sell}{rental}", f"{sell}{rental}", "quantity", number),
        ("desk", f"/desk/payments/{people['payment']}/refund", "", "amount", number),
        (
            "desk",
            f"/desk/requests/{people['request']}",
            f"/desk/requests/{people['request']}/assign",
            "assignee",
            ids,
        ),
    ]
    service_fields = [
        "price_adult",
        "price_child",
        "price_unit",
        "free_under_age",
        "min_age",
        "max_age",
        "duration_minutes",
        "lead_time_minutes",
        "cancel_window_hours",
        "late_cancel_fee_percent",
        "position",
    ]
    for name in service_fields:
        listed.append(("manager", f"/manage/services/{timed}", "", name, number))
        listed.append(("manager", "/manage/services/new", "", name, number))
    listed.append(("manager", "/manage/services/new", "", "pool", ids))
    for name in ("position", "bundle_size", "bundle_percent"):
        listed.append(("manager", f"/manage/packages/{package}", "", name, number))
        listed.append(("manager", "/manage/packages/new", "", name, number))
    listed.append(("manager", f"/manage/packages/{package}", "", "services", ids))
    pool = world.pools["stable"]
    listed.append(("manager", f"/manage/pools/{pool}", f"/manage/pools/{pool}/capacity", "capacity", number))
    for name in (
        "large_family_min_children",
        "large_family_discount_percent",
        "silver_discount_percent",
        "gold_discount_percent",
        "max_discount_percent",
        "pre_arrival_days",
    ):
        listed.append(("manager", "/manage/discounts", "/manage/discounts/rules", name, number))
    for name in ("percent", "amount", "usage_limit", "per_stay_limit"):
        listed.append(("manager", "/manage/discounts", "/manage/discounts/codes", name, number))
    for name in ("silver_sla_percent", "gold_sla_percent", "ack_help", "resolve_help"):
        listed.append(("manager", "/manage/sla", "", name, number))
    return listed


PROMO = {"code": "HOSTILE", "valid_from": "2026-01-01", "valid_until": "2036-01-01"}


def test_hostile_numbers_get_a_form_error_on_every_form(app, world, people):
    failures = []
    for who, page, action, name, values in cases(world, people):
        actor = people[who]
        action = action or page
        try:
            form = form_on(actor.client.get(page).get_data(as_text=True), action, name)
        except AssertionError as missing:
            failures.append(str(missing))
            continue
        if action == "/manage/discounts/codes":
            kind = "amount" if name == "amount" else "percent"
            form = [(k, v) for k, v in form if k not in PROMO and k != "kind"]
            form += [*PROMO.items(), ("kind", kind)]
        for value in values:
            sent = [(k, v) for k, v in form if k != name] + [(name, value)]
            try:
                response = actor.client.post(action, data=_multi(sent))
            except Exception as error:  # the test client re-raises what would be a 500
                failures.append((who, action, name, value, repr(error)[:120]))
                continue
            body = html.unescape(response.get_data(as_text=True))
            if values is HOSTILE:  # typed: a message on the page says what is wrong
                refused = response.status_code in (200, 400, 409, 422) and (
                    'class="error"' in body or "flash error" in body
                )
            else:  # a choice no one types: any refusal will do
                refused = 400 <= response.status_code < 500
            if not refused:
                failures.append((who, action, name, value, response.status_code, response.location))
    assert not failures, "\n".join(map(str, failures))


def _multi(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


def test_the_dearest_price_for_many_people_is_refused_not_overflowed(app, world, people):
    """Each price fits its column; twenty people at the dearest one do not fit an order's total."""
    manager, guest = people["manager"], people["guest"]
    path = f"/manage/services/{world.services['farm_visit']}"
    form = dict(form_on(manager.client.get(path).get_data(as_text=True), path, "price_adult"))
    form["price_adult"] = "21,474,836.47"
    asked = manager.client.post(path, data=form)
    token = re.search(r'name="confirm_prices" value="([^"]*)"', asked.get_data(as_text=True)).group(1)
    assert manager.client.post(path, data={**form, "confirm_prices": token}).status_code == 302

    service = f"/services/{world.services['farm_visit']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(service).get_data(as_text=True))[-1]
    refused = guest.post(service, {"slot": slot, "adults": 2})
    assert refused.status_code in (400, 409)
    assert "That comes to more than one booking can hold." in html.unescape(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(OrderLine.id))) == 1  # only the ride booked before


def test_ids_in_the_query_string_are_bounded_too(app, world, people):
    """`?service=`, `?slot=` and `?run=` with an id no column holds: the page as without it, no overflow."""
    stay, ride = world.stays["garcia"], world.services["horse_riding"]
    for who, path in [
        ("desk", f"/desk/stays/{stay}/sell?service="),
        ("guest", f"/services/{ride}?slot="),
        ("manager", "/manage/folio.csv?run="),
    ]:
        for value in BAD_IDS:
            response = people[who].client.get(path + value)
            assert response.status_code == 200, (path, value, response.status_code)
