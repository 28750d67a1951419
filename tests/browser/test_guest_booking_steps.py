"""The service page's live total and the cancel step on a phone (Pixel 7, 412×915), in English and Arabic."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_guest_phone import fits_the_screen


def sign_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/signin")
    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("Garcia")
    page.locator("#room-surname").press("Enter")
    expect(page.locator(".package").first).to_be_visible()


def open_horse_riding(page: Page) -> None:
    page.locator(".package a").filter(has_text=re.compile("Nature")).first.click()
    page.get_by_role("link", name=re.compile("Horse riding in the pine forest")).first.click()
    expect(page.get_by_role("heading", name="Horse riding in the pine forest")).to_be_visible()


def test_the_total_follows_the_party_and_is_what_gets_booked(page: Page, live_server, demo, screenshot):
    sign_in(page, live_server)
    open_horse_riding(page)
    # Preselected: both adults and the 9-year-old (riding is from 8), silver guest: 5 % off.
    total = page.locator(".total-live .breakdown .total td")
    expect(total).to_have_text("₫1,662,500")
    expect(page.locator(".total-live")).to_contain_text("Loyal guest discount (5%)")
    book = page.locator(".book-now")
    expect(book).to_have_text("Book now, charge ₫1,662,500 to room 204")
    assert fits_the_screen(page)
    screenshot("20-service-total-en")

    # The Book button stays in reach over the list of times.
    page.locator('input[name="slot"]').first.scroll_into_view_if_needed()
    box = book.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"] + 1
    assert box["height"] >= 44

    page.get_by_label("Child aged 9").uncheck()  # no reload: the total follows
    expect(total).to_have_text("₫1,235,000")  # 2 × 650,000 less 5 %
    expect(book).to_have_text("Book now, charge ₫1,235,000 to room 204")
    page.locator('input[name="slot"]:not([disabled])').last.check()
    expect(page.locator(".total-live .terms")).to_contain_text("Free cancellation until")
    screenshot("21-service-total-changed-en")
    book.click()

    expect(page.get_by_text("You are booked")).to_be_visible()
    expect(page.locator(".lines")).to_contain_text("₫1,235,000")

    page.get_by_role("link", name="See all my bookings").click()
    expect(page.get_by_role("heading", name="Tell us how it is going")).to_be_visible()
    screenshot("22-my-stay-en")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Cancel booking").first.click()
    expect(page.get_by_role("heading", name="Cancel this booking?")).to_be_visible()
    expect(page.locator(".cancel-confirm")).to_contain_text("everything is refunded")
    screenshot("23-cancel-confirm-en")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Cancel and get ₫1,235,000 back").click()
    expect(page.get_by_text("is cancelled")).to_be_visible()


def test_arabic_service_total_and_cancel_step_read_right_to_left(page: Page, live_server, demo, screenshot):
    sign_in(page, live_server)
    open_horse_riding(page)
    page.locator("#lang").select_option("ar")  # the picker comes back to the same page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".total-live .breakdown")).to_be_visible()
    assert page.locator(".sticky-book").evaluate("el => getComputedStyle(el).direction") == "rtl"
    screenshot("24-service-total-ar")
    assert fits_the_screen(page)

    page.locator('input[name="slot"]:not([disabled])').last.check()
    page.locator(".book-now").click()
    page.locator(".tabs a").nth(2).click()  # My stay
    page.locator(".cancel-open button").first.click()
    expect(page.locator(".cancel-confirm")).to_be_visible()
    screenshot("25-cancel-confirm-ar")
    assert fits_the_screen(page)
