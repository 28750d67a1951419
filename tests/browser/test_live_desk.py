"""Two screens at once: the guest asks on a phone, the desk sees it without reloading, and back."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from app.seed.demo import DEMO_STAFF
from tests.browser.conftest import ARTIFACTS, sign_in_staff


def test_the_desk_and_the_guest_see_each_other_live(browser: Browser, playwright, live_server, demo):
    phone = browser.new_context(**playwright.devices["Pixel 7"]).new_page()
    desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()

    sign_in_staff(desk, live_server, DEMO_STAFF[0][0])
    expect(desk.get_by_role("heading", name="Requests")).to_be_visible()
    expect(desk.locator("table.queue tbody tr")).to_have_count(2)  # the demo's two waiting requests

    phone.goto(f"{live_server}/signin")
    phone.locator("#room-room").fill("204")
    phone.locator("#room-surname").fill("Garcia")
    phone.get_by_role("button", name="Sign in", exact=True).click()
    phone.get_by_role("link", name="My stay").click()
    phone.get_by_label("What can we bring?").select_option("pillows")
    phone.get_by_role("button", name="Bring it to my room").click()
    expect(phone.locator(".request", has_text="Extra pillows")).to_contain_text("Received")

    # The desk page was not reloaded: the queue polls and the new request appears within 3 s.
    row = desk.locator("table.queue tr", has_text="Extra pillows")
    expect(row).to_be_visible(timeout=3000)
    row.get_by_role("link", name="Extra pillows").click()
    desk.get_by_role("button", name="Acknowledge").click()
    desk.get_by_role("button", name="Start").click()
    desk.get_by_label("Message to the guest").fill("Coming up in 5 minutes.")
    desk.get_by_role("button", name="Save message").click()

    # And the phone, untouched, shows the new status and the message.
    request_card = phone.locator(".request", has_text="Extra pillows")
    expect(request_card).to_contain_text("In progress", timeout=3000)
    expect(request_card).to_contain_text("Coming up in 5 minutes.", timeout=3000)
    phone.screenshot(path=ARTIFACTS / "17-my-stay-live.png", full_page=True)
    desk.screenshot(path=ARTIFACTS / "16-desk-request.png", full_page=True)
