"""The hotel switcher in the staff header, in a real browser: desktop and a phone, English and Arabic."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, StaffRole, StaffUser
from tests.browser.conftest import ARTIFACTS
from tests.staff import PASSWORD, add_to_hotel, make_staff, second_hotel

REBECCA = "rebecca@lodge.test"


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/staff/signin")
    page.fill("#email", REBECCA)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("load")


def test_the_switcher_takes_her_to_the_hotel_she_manages(browser: Browser, app, world, live_server):
    beach = second_hotel(app)
    make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email=REBECCA)
    add_to_hotel(app, REBECCA, beach["hotel_id"], StaffRole.MANAGER)
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB").new_page()
    sign_in(page, live_server)
    switcher = page.get_by_label("Hotel you are working in")
    expect(switcher).to_be_visible()
    expect(page.locator(".staff-bar .brand")).to_have_text("Test Lodge")
    expect(page.get_by_role("link", name="Catalog", exact=True)).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "staff-switcher-desktop.png")

    switcher.select_option(label="Beach Resort · Manager")
    page.get_by_role("button", name="Switch hotel").click()
    expect(page.locator(".staff-bar .brand")).to_have_text("Beach Resort")
    expect(page.get_by_role("link", name="Catalog", exact=True)).to_be_visible()
    page.get_by_role("link", name="Catalog", exact=True).click()
    expect(page.get_by_role("link", name="Kayak trip")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "staff-switcher-desktop-switched.png")

    # On a phone the header wraps; nothing is wider than the screen.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB").new_page()
    sign_in(phone, live_server)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=ARTIFACTS / "staff-switcher-360.png")

    # In Arabic the header runs right to left, the hotel names kept as written.
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == REBECCA)).locale = "ar"
        for hotel_id in (world.hotel_id, beach["hotel_id"]):
            db.session.get(Hotel, hotel_id).enabled_locales = ["en", "vi", "ar"]
        db.session.commit()
    arabic = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ar").new_page()
    sign_in(arabic, live_server)
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    expect(arabic.locator("#switch-hotel option")).to_have_count(2)
    arabic.screenshot(path=ARTIFACTS / "staff-switcher-desktop-ar.png")
