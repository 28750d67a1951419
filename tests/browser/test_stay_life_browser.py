"""A stay ends while its pages are open: My stay and the desk's queue send the person to sign in
instead of pasting a sign-in page into their live regions; check-out asks first, at 360 px."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from tests.browser.conftest import ARTIFACTS

STAFF_PHONE = {"viewport": {"width": 360, "height": 780}}


def _staff_signs_in(page, live_server: str) -> None:
    page.goto(f"{live_server}/staff/signin")
    page.fill("#email", DEMO_STAFF[0][0])
    page.fill("#password", DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Requests")).to_be_visible()


def test_checking_out_sends_the_open_my_stay_to_sign_in(browser: Browser, playwright, live_server, demo):
    phone = browser.new_context(**playwright.devices["Pixel 7"]).new_page()
    phone.goto(f"{live_server}/signin")
    phone.locator("#room-room").fill("204")
    phone.locator("#room-surname").fill("Garcia")
    phone.get_by_role("button", name="Sign in", exact=True).click()
    phone.get_by_role("link", name="My stay").click()
    expect(phone.locator("#stay-live")).to_be_visible()

    desk = browser.new_context(**STAFF_PHONE).new_page()
    _staff_signs_in(desk, live_server)
    desk.goto(f"{live_server}/desk/?q=204")
    desk.get_by_role("link", name=re.compile("Garcia")).first.click()
    desk.get_by_role("link", name="Check out").click()
    expect(desk.get_by_role("heading", name=re.compile("Check out Elena Garcia"))).to_be_visible()
    expect(desk.locator("dl.facts")).to_contain_text("Room charges")
    # The page's own content fits 360 px (the staff bar above is the staff-layout item's).
    width = desk.evaluate("document.querySelector('.staff-main').scrollWidth")
    desk.screenshot(path=ARTIFACTS / "30-desk-check-out-confirm-360.png", full_page=True)
    assert width <= 360, width
    desk.get_by_role("button", name="Yes, check out").click()
    expect(desk.locator(".flash")).to_contain_text("Checked out.")

    # The phone was left alone on My stay: its next poll is refused and it goes to sign in.
    expect(phone).to_have_url(re.compile(r"/signin"), timeout=5000)
    expect(phone.locator("#stay-live")).to_have_count(0)
    phone.screenshot(path=ARTIFACTS / "31-my-stay-after-check-out.png", full_page=True)


def test_signing_out_elsewhere_sends_the_open_queue_to_sign_in(browser: Browser, live_server, demo):
    context = browser.new_context(**STAFF_PHONE)
    queue = context.new_page()
    _staff_signs_in(queue, live_server)
    other_tab = context.new_page()
    other_tab.goto(f"{live_server}/desk/today")
    other_tab.screenshot(path=ARTIFACTS / "32-desk-today-360.png", full_page=True)
    assert other_tab.evaluate("document.querySelector('.staff-main').scrollWidth") <= 360
    other_tab.get_by_role("button", name="Sign out").click()

    expect(queue).to_have_url(re.compile(r"/staff/signin"), timeout=5000)
    expect(queue.locator("#queue")).to_have_count(0)
