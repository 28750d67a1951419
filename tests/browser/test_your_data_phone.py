"""A guest's data on a phone, in English and in Arabic (right to left): My stay's card, the export page,
the erasure step and the privacy page all fit the screen, and the guest's own answers work by tapping."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, RequestKind
from tests.browser.test_accessibility import audit, axe_source  # noqa: F401 (the shared fixture)
from tests.browser.test_guest_phone import fits_the_screen


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_your_data_pages_fit_a_phone(page: Page, live_server, demo, screenshot, locale):
    page.goto(f"{live_server}/signin")
    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("Garcia")
    page.locator("#room-surname").press("Enter")
    expect(page.locator(".tabs")).to_be_visible()
    if locale != "en":
        page.wait_for_load_state()  # the picker submits itself once the page's script has run
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


def test_the_new_pages_pass_axe(browser: Browser, playwright, live_server, demo, app, axe_source):  # noqa: F811
    from tests.browser.conftest import sign_in_staff

    phone = browser.new_context(**playwright.devices["Pixel 7"], locale="en-GB", bypass_csp=True).new_page()
    phone.goto(f"{live_server}/signin")
    phone.locator("#room-room").fill("204")
    phone.locator("#room-surname").fill("Garcia")
    phone.locator("#room-surname").press("Enter")
    expect(phone.locator(".tabs")).to_be_visible()
    report = audit(phone, axe_source, live_server, ["/privacy", "/stay", "/stay/data", "/stay/erase"])
    phone.goto(f"{live_server}/stay/erase")
    phone.get_by_role("button", name="Yes, ask the desk to erase my data").click()
    with app.app_context():
        request_id = db.session.scalar(
            select(GuestRequest.id).where(GuestRequest.kind == RequestKind.ERASURE)
        )
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
    sign_in_staff(desk, live_server)
    report |= audit(
        desk,
        axe_source,
        live_server,
        ["/manage/privacy", f"/desk/requests/{request_id}", f"/desk/requests/{request_id}/erase"],
    )
    assert report == {}
