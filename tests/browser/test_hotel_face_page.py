"""The manager's hotel page on a phone, English and Arabic: an unreadable colour is refused with its
measured contrast, a readable one is saved, and the guest pages wear it at once; axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, sign_in_staff
from tests.browser.test_accessibility import AXE, violations


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_manager_gives_the_hotel_its_colours(browser: Browser, live_server, demo, language):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    sign_in_staff(page, live_server)
    expect(page.get_by_role("heading", name="Requests")).to_be_visible()
    if language == "ar":
        with page.expect_navigation():
            page.locator(".language select").select_option("ar")
    page.goto(f"{live_server}/manage/hotel")
    assert page.evaluate("document.documentElement.lang") == language
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations(page, AXE.read_text()) == []

    page.locator("#brand_color").fill("#76b7a0")  # too light for white text
    page.locator("form:has(#brand_color) button[type=submit].primary").click()
    error = page.locator("#brand_color-error")
    expect(error).to_be_visible()
    if language == "en":
        expect(error).to_contain_text("contrast of 2.32:1, and at least 4.5:1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"manage-hotel-refused-{language}.png", full_page=True)

    page.locator("#brand_color").fill("#0b4f8a")
    page.locator("form:has(#brand_color) button[type=submit].primary").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"manage-hotel-saved-{language}.png", full_page=True)

    guest = browser.new_context(viewport={"width": 390, "height": 844}, locale=language).new_page()
    guest.goto(f"{live_server}/signin")
    colour = guest.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert colour == "rgb(11, 79, 138)"
    guest.screenshot(path=ARTIFACTS / f"hotel-signin-face-{language}.png", full_page=True)
    context.close()
