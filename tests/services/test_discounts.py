"""Every discount rule, alone and together, with the cap; promo codes through their whole life."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Hotel, Order, OrderLine, Package, PromoCode, PromoKind, StaffRole, Stay, Tier
from tests.reading import detached_rows
from tests.staff import make_staff


def add(guest, world, code: str, **fields):
    path = f"/services/{world.services[code]}"
    page = guest.client.get(path).get_data(as_text=True)
    slots = re.findall(r'name="slot" value="(\d+)"', page)
    data = {"slot": slots[-1], "adults": 1, **fields} if slots else {"days": 1, "quantity": 1, **fields}
    if not slots:
        data["start_date"] = re.search(r'name="start_date"[^>]*value="([^"]+)"', page).group(1)
    response = guest.post(path, data)
    assert response.status_code == 302, response.get_data(as_text=True)


def cart_lines(app) -> list[OrderLine]:
    return detached_rows(app, select(OrderLine).order_by(OrderLine.id))


def codes(line: OrderLine) -> dict[str, int]:
    return {entry["code"]: -entry["amount"] for entry in line.breakdown if entry["amount"] < 0}


def set_hotel(app, world, **fields):
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        for name, value in fields.items():
            setattr(hotel, name, value)
        db.session.commit()


def set_stay(app, world, **fields):
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        for name, value in fields.items():
            setattr(stay, name, value)
        db.session.commit()


def make_promo(app, world, code="SPRING", kind=PromoKind.PERCENT, value=20, **fields) -> int:
    today = clock.now().date()
    with app.app_context():
        promo = PromoCode(
            hotel_id=world.hotel_id,
            code=code,
            kind=kind,
            value=value,
            valid_from=fields.pop("valid_from", today - timedelta(days=1)),
            valid_until=fields.pop("valid_until", today + timedelta(days=30)),
            **fields,
        )
        db.session.add(promo)
        db.session.commit()
        return promo.id


def test_no_rule_no_discount(app, guest, world):
    guest.sign_in()
    add(guest, world, "horse_riding")
    (line,) = cart_lines(app)
    assert (line.subtotal, line.discount, line.total) == (6000, 0, 6000)


def test_large_family_and_loyalty_are_each_named(app, guest, world):
    set_stay(app, world, children_ages=[4, 9, 11], tier=Tier.GOLD)  # 3 children: a large family
    guest.sign_in()
    add(guest, world, "horse_riding")
    (line,) = cart_lines(app)
    assert codes(line) == {"large_family": 600, "loyalty": 600}  # 10% + gold 10%
    assert line.total == 4800
    page = guest.client.get("/cart").get_data(as_text=True)
    assert "Large-family discount (10%)" in page and "Loyal guest discount (10%)" in page


def test_a_package_deal_needs_enough_different_services_of_the_package(app, guest, world):
    with app.app_context():
        nature = db.session.scalar(select(Package).where(Package.code == "nature"))
        nature.bundle_size, nature.bundle_percent = 2, 15
        db.session.commit()
    guest.sign_in()
    add(guest, world, "horse_riding")
    assert codes(cart_lines(app)[0]) == {}
    add(guest, world, "car_rental")  # the second service of the nature package
    riding, car = cart_lines(app)
    assert codes(riding) == {"bundle": 900}
    assert codes(car) == {"bundle": 825}  # 15% of 5,500
    # Taking one out ends the deal for the other.
    form = guest.client.get("/cart").get_data(as_text=True)
    remove = re.findall(r'action="(/cart/lines/\d+/remove)"', form)[-1]
    guest.post(remove, {}, page="/cart")
    assert codes(cart_lines(app)[0]) == {}


def test_all_rules_together_stop_at_the_cap(app, guest, world):
    set_stay(app, world, tier=Tier.GOLD)
    set_hotel(app, world, max_discount_percent=25)
    make_promo(app, world, value=20)
    guest.sign_in()
    add(guest, world, "horse_riding")
    applied = guest.post("/cart/promo", {"code": "spring"}, page="/cart")  # any case
    assert applied.status_code == 302
    (line,) = cart_lines(app)
    assert codes(line) == {"loyalty": 600, "promo": 900}  # 10% + what is left of 25%, not 20%
    assert line.total == 4500
    assert "Code SPRING (20%)" in guest.client.get("/cart").get_data(as_text=True)


def test_an_amount_code_is_spread_over_the_lines_in_order(app, guest, world):
    make_promo(app, world, code="WELCOME", kind=PromoKind.AMOUNT, value=7000)
    guest.sign_in()
    add(guest, world, "horse_riding")  # 6,000
    add(guest, world, "farm_visit")  # 1,500
    guest.post("/cart/promo", {"code": "WELCOME"}, page="/cart")
    riding, farm = cart_lines(app)
    assert codes(riding) == {"promo": 2400}  # capped at 40% of 6,000
    assert codes(farm) == {"promo": 600}  # capped at 40% of 1,500; 4,000 of the code stays unused


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"active": False}, "We do not know that code."),
        ({"valid_from": clock.now().date() + timedelta(days=2)}, "This code is not valid today."),
        ({"usage_limit": 3, "used": 3}, "This code has been used up."),
    ],
)
def test_codes_that_cannot_be_used_are_refused_with_the_reason(app, guest, world, fields, message):
    make_promo(app, world, **fields)
    guest.sign_in()
    add(guest, world, "horse_riding")
    refused = guest.post("/cart/promo", {"code": "SPRING"}, page="/cart")
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    assert 'value="SPRING"' in refused.get_data(as_text=True)  # what was typed is kept
    assert codes(cart_lines(app)[0]) == {}


def test_a_code_is_counted_at_checkout_and_once_per_stay(app, guest, world):
    promo_id = make_promo(app, world, usage_limit=5)
    guest.sign_in()
    add(guest, world, "horse_riding")
    guest.post("/cart/promo", {"code": "SPRING"}, page="/cart")
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302
    with app.app_context():
        assert db.session.get(PromoCode, promo_id).used == 1
        assert db.session.scalar(select(Order.total)) == 4800
    add(guest, world, "farm_visit")
    again = guest.post("/cart/promo", {"code": "SPRING"}, page="/cart")
    assert "You have already used this code." in again.get_data(as_text=True)


def test_a_code_used_up_meanwhile_is_taken_off_at_checkout(app, guest, world):
    promo_id = make_promo(app, world, usage_limit=1)
    guest.sign_in()
    add(guest, world, "horse_riding")
    guest.post("/cart/promo", {"code": "SPRING"}, page="/cart")
    with app.app_context():
        db.session.get(PromoCode, promo_id).used = 1  # someone else took the last one
        db.session.commit()
    refused = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert refused.status_code == 409
    assert "We took the code off your cart" in refused.get_data(as_text=True)
    (line,) = cart_lines(app)
    assert (line.status.value, line.total) == ("cart", 6000)
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302


def test_the_manager_sets_the_rules_and_creates_codes(app, staff, world):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    rules = {
        "large_family_min_children": 4,
        "large_family_discount_percent": 12,
        "silver_discount_percent": 3,
        "gold_discount_percent": 8,
        "max_discount_percent": 30,
        "pre_arrival_days": 7,  # the offer email's day is edited on the same form
    }
    assert staff.post("/manage/discounts/rules", rules, page="/manage/discounts").status_code == 302
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        assert {name: getattr(hotel, name) for name in rules} == rules
    today = clock.now().date()
    created = staff.post(
        "/manage/discounts/codes",
        {
            "code": "summer-26",
            "kind": "amount",
            "amount": "15.50",
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=10)).isoformat(),
            "usage_limit": "",
            "per_stay_limit": 1,
        },
        page="/manage/discounts",
    )
    assert created.status_code == 302
    with app.app_context():
        promo = db.session.scalar(select(PromoCode))
        assert (promo.code, promo.kind, promo.value, promo.usage_limit) == (
            "SUMMER-26",
            PromoKind.AMOUNT,
            1550,
            None,
        )
    backwards = staff.post(
        "/manage/discounts/codes",
        {"code": "X", "kind": "percent", "percent": "10", "valid_from": today.isoformat(),
         "valid_until": (today - timedelta(days=1)).isoformat(), "per_stay_limit": 1},
        page="/manage/discounts",
    )  # fmt: skip
    assert backwards.status_code == 400
    assert "The last day must not be before the first." in backwards.get_data(as_text=True)
