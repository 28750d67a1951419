"""The demo hotel on a phone, as a guest uses it: Chromium at Pixel 7 size, real clicks."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def fits_the_screen(page: Page) -> bool:
    """Nothing wider than the phone: a guest should never have to scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_family_books_horse_riding_and_charges_the_room(page: Page, live_server, demo, screenshot):
    page.goto(f"{live_server}/signin")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    screenshot("01-signin-en")
    assert fits_the_screen(page)

    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("garcía ")  # as typed on a phone: lower case, accent, a space
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_text("Elena")).to_be_visible()
    expect(page.locator(".package").first).to_contain_text("Family")  # children aged 4 and 9: family first
    screenshot("02-home-en")
    assert fits_the_screen(page)

    page.get_by_role("link", name=re.compile("Nature")).first.click()
    page.get_by_role("link", name=re.compile("Horse riding in the pine forest")).first.click()
    expect(page.get_by_role("heading", name="Horse riding in the pine forest")).to_be_visible()

    page.locator('input[name="slot"]:not([disabled])').last.check()
    page.get_by_label("Adults").fill("2")
    page.get_by_label("Child aged 4").check()
    page.get_by_label("Child aged 9").check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".flash-error")).to_contain_text("A child aged 4 is too young")  # riding: from 8
    expect(page.locator(".total-live")).to_contain_text("A child aged 4 is too young")  # no total for it
    screenshot("03-service-refused-en")

    page.get_by_label("Child aged 4").uncheck()
    expect(page.get_by_label("Adults")).to_have_value("2")  # what the guest chose is kept
    page.get_by_role("button", name="Add to cart").click()

    # 2 adults x 650,000 + the 9-year-old at the child price of 450,000 = 1,750,000,
    # less 5% for a silver (returning) guest.
    expect(page.locator(".breakdown")).to_contain_text("Loyal guest discount (5%)")
    expect(page.locator(".grand-total")).to_contain_text("1,662,500")
    screenshot("04-cart-en")
    page.get_by_role("button", name="Book now").click()

    expect(page.get_by_text("You are booked")).to_be_visible()
    screenshot("05-confirmation-en")

    page.get_by_role("link", name="See all my bookings").click()
    expect(page.locator(".status-booked").first).to_have_text("Confirmed")
    expect(page.get_by_role("button", name="Cancel booking")).to_be_visible()
    screenshot("06-my-stay-en")
    assert fits_the_screen(page)


def test_arriving_guest_reads_everything_in_vietnamese(page: Page, live_server, demo, screenshot):
    page.goto(f"{live_server}/signin")
    page.locator("#lang").select_option("vi")  # the page submits the choice itself
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    reference = demo["arriving_reference"].replace("-", " ").lower()  # typed loosely
    page.locator("#ref-reference").fill(reference)
    page.locator("#ref-surname").fill("Tran")  # no diacritics on a foreign keyboard
    page.locator("#ref-surname").press("Enter")

    expect(page.get_by_text("Minh Anh")).to_be_visible()
    expect(page.get_by_text("Thiên nhiên").first).to_be_visible()  # the Nature package, in Vietnamese
    screenshot("07-home-vi")
    assert fits_the_screen(page)

    page.get_by_role("link", name=re.compile("Thiên nhiên")).first.click()
    page.get_by_role("link", name=re.compile("Cưỡi ngựa trong rừng thông")).first.click()
    expect(page.get_by_role("heading", name="Cưỡi ngựa trong rừng thông")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("650.000")  # VND as Vietnamese write it
    screenshot("08-service-vi")
    assert fits_the_screen(page)


def test_arabic_reads_right_to_left_and_georgian_fits(page: Page, live_server, demo, screenshot):
    page.goto(f"{live_server}/signin")
    page.locator("#lang").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("Garcia")
    page.locator("#room-surname").press("Enter")
    expect(page.locator(".package").first).to_be_visible()
    screenshot("09-home-ar")
    assert fits_the_screen(page)

    # Mirrored: the hotel's name starts at the right edge, the language picker sits on the left.
    brand, picker = page.locator(".brand").bounding_box(), page.locator("#lang").bounding_box()
    assert brand["x"] > picker["x"]
    assert page.locator("main").evaluate("el => getComputedStyle(el).direction") == "rtl"

    page.locator(".package a").first.click()
    page.locator(".service-card").first.click()
    screenshot("10-service-ar")
    assert fits_the_screen(page)

    page.wait_for_load_state()  # the picker submits itself once the page's script has run
    page.locator("#lang").select_option("ka")
    expect(page.locator("html")).to_have_attribute("lang", "ka")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    screenshot("11-service-ka")
    assert fits_the_screen(page)  # Georgian words are long: nothing may push the page sideways
    page.locator(".tabs a").nth(2).click()  # My stay
    expect(page.locator(".tabs a").nth(2)).to_have_attribute("aria-current", "page")
    screenshot("12-my-stay-ka")
    assert fits_the_screen(page)
