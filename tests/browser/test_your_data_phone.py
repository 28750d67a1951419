"""A guest's data on a phone, in English and in Arabic (right to left): My stay's card, the export page,
the erasure step and the privacy page all fit the screen, and the guest's own answers work by tapping."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_guest_phone import fits_the_screen


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_your_data_pages_fit_a_phone(page: Page, live_server, demo, screenshot, locale):
    page.goto(f"{live_server}/signin")
    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("Garcia")
    page.locator("#room-surname").press("Enter")
    expect(page.locator(".tabs")).to_be_visible()
    if locale != "en":
        page.locator("#lang").select_option(locale)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.goto(f"{live_server}/stay#your-data")
    card = page.locator("#your-data")
    expect(card).to_be_visible()
    card.locator('button[value="yes"]').click()
    expect(page.locator("#your-data button[value='no']")).to_be_visible()
    expect(page.locator("#your-data button[value='yes']")).to_have_count(0)
    screenshot(f"data-01-my-stay-{locale}")
    assert fits_the_screen(page)

    page.goto(f"{live_server}/stay/data")
    expect(page.locator("h1")).to_be_visible()
    screenshot(f"data-02-export-{locale}")
    assert fits_the_screen(page)

    page.goto(f"{live_server}/stay/erase")
    screenshot(f"data-03-erase-{locale}")
    assert fits_the_screen(page)

    page.goto(f"{live_server}/privacy")
    screenshot(f"data-04-privacy-{locale}")
    assert fits_the_screen(page)
