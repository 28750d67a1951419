"""Staff on a 360 px phone type amounts: a VND price typed the English way is questioned, then confirmed."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import PaymentMethod, Service, Stay
from app.seed.demo import DEMO_STAFF
from app.services import availability, ordering, planning
from tests.browser.conftest import ARTIFACTS, sign_in_staff

STAFF_PHONE = {"viewport": {"width": 360, "height": 800}, "device_scale_factor": 2, "is_mobile": True}


def signed_in(browser: Browser, live_server: str, email: str):
    page = browser.new_context(**STAFF_PHONE).new_page()
    sign_in_staff(page, live_server, email)
    return page


def fits(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_a_manager_confirms_a_new_price_in_dong_on_a_phone(browser: Browser, live_server, demo):
    manager = signed_in(browser, live_server, DEMO_STAFF[1][0])
    manager.goto(f"{live_server}/manage/catalog")
    # Followed by address: the catalog table itself is still wider than a phone (another item of the issue).
    manager.goto(live_server + manager.get_by_role("link", name="Horse riding").first.get_attribute("href"))
    price = manager.get_by_label("Price per adult")
    was = price.input_value()
    assert "," in was and "." not in was  # the đồng has no decimals; English groups with commas

    price.fill("350.000")
    price.press("Enter")  # the editor's layout at 360 px is another item of the issue; Enter sends the form
    expect(manager.locator(".has-error")).to_contain_text("Did you mean ₫350,000?")
    expect(manager.get_by_label("Price per adult")).to_have_value("350.000")

    manager.get_by_label("Price per adult").fill("350,000")
    manager.get_by_label("Price per adult").press("Enter")
    confirm = manager.locator(".panel.confirm")
    expect(confirm).to_contain_text(f"Price per adult: ₫350,000 (was ₫{was})")
    expect(manager.get_by_role("button", name="Confirm and save")).to_be_focused()
    assert fits(manager, ".panel.confirm")
    manager.screenshot(path=ARTIFACTS / "money-confirm-price-360.png", full_page=False)
    manager.get_by_role("button", name="Confirm and save").click()
    expect(manager.locator(".flash")).to_contain_text("Saved.")
    expect(manager.get_by_label("Price per adult")).to_have_value("350,000")


def ride_sold_to_room_204(app) -> None:
    """The Garcias bought a ride at the desk, charged to the room: a payment the desk can refund."""
    with app.app_context():
        stay = db.session.scalar(select(Stay).where(Stay.room == "204"))
        ride = db.session.scalar(select(Service).where(Service.code == "horse_riding"))
        slot = next(
            slot
            for slot in availability.slots_for_stay(ride, stay, clock.now(), days=14)
            if slot.seats_left >= 2 and slot.starts_at > clock.now() + timedelta(days=1)
        )
        request = planning.BookingRequest(service_id=ride.id, slot_id=slot.id, adults=2)
        ordering.sell_at_desk(stay, request, PaymentMethod.ROOM)


def test_a_receptionist_confirms_a_refund_on_a_phone(app, browser: Browser, live_server, demo):
    ride_sold_to_room_204(app)
    desk = signed_in(browser, live_server, DEMO_STAFF[0][0])
    desk.goto(f"{live_server}/desk/?q=204")
    desk.goto(live_server + desk.get_by_role("link", name="Garcia").first.get_attribute("href"))
    desk.goto(live_server + desk.get_by_role("link", name="Refund", exact=True).first.get_attribute("href"))
    desk.get_by_label("Amount").fill("1.000")
    desk.get_by_label("Reason").fill("Rain")
    desk.get_by_role("button", name="Refund").click()
    expect(desk.locator(".has-error")).to_contain_text("Did you mean ₫1,000?")

    desk.get_by_label("Amount").fill("1,000")
    desk.get_by_role("button", name="Refund").click()
    expect(desk.locator(".panel.confirm")).to_contain_text("₫1,000")
    assert fits(desk, ".panel.confirm")
    desk.screenshot(path=ARTIFACTS / "money-confirm-refund-360.png", full_page=False)
    desk.get_by_role("button", name="Confirm refund").click()
    expect(desk.locator(".flash")).to_contain_text("Refund recorded.")
