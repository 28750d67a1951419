"""The demo as `make run` serves it: three hotels of one group, each on its own host name with its own
language, currency and colours, and the group's office seeing them side by side.

Chromium is told to send every ``*.localhost`` name to the live server, as browsers do with the
real ``langkawi.localhost`` of the printed demo addresses.
"""

from __future__ import annotations

import pytest
from babel.numbers import get_currency_symbol
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel
from app.seed.demo import DEMO_STAFF_PASSWORD, GROUP_OFFICE
from tests.browser.conftest import ARTIFACTS, chromium_mapping

# Each demo hotel and one of its guests in house.
GUESTS = {"langbiang": ("204", "Garcia"), "langkawi": ("212", "Rahman"), "kakheti": ("104", "Beridze")}


@pytest.fixture
def demo_browser(playwright):
    browser = chromium_mapping(playwright, "*.localhost")
    yield browser
    browser.close()


@pytest.fixture
def demo_hotels(app, demo):
    with app.app_context():
        hotels = db.session.scalars(select(Hotel).order_by(Hotel.id)).all()
        return [
            {
                "slug": hotel.slug,
                "host": hotel.hosts[0].host,
                "name": hotel.name.localize(hotel.default_locale),
                "english_name": hotel.name.localize("en"),
                "locale": hotel.default_locale,
                "symbol": get_currency_symbol(hotel.currency, hotel.default_locale),
                "brand": hotel.brand_color,
            }
            for hotel in hotels
        ]


def _rgb(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_the_three_demo_hotels_each_on_its_own_host(playwright, demo_browser, live_server, demo_hotels):
    port = live_server.rsplit(":", 1)[1]
    assert [hotel["slug"] for hotel in demo_hotels] == ["langbiang", "langkawi", "kakheti"]
    assert len({hotel["locale"] for hotel in demo_hotels}) == 3
    assert len({hotel["symbol"] for hotel in demo_hotels}) == 3
    # A German phone: no demo hotel speaks German, so each answers in its own first language.
    context = demo_browser.new_context(**{**playwright.devices["Pixel 7"], "locale": "de-DE"})
    page = context.new_page()
    for hotel in demo_hotels:
        base = f"http://{hotel['host']}:{port}"
        page.goto(f"{base}/signin")
        assert page.evaluate("document.documentElement.lang") == hotel["locale"]
        expect(page.locator(".brand")).to_contain_text(hotel["name"])
        colour = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
        assert colour == _rgb(hotel["brand"]), hotel["slug"]
        room, surname = GUESTS[hotel["slug"]]
        page.locator("#room-room").fill(room)
        page.locator("#room-surname").fill(surname)
        page.locator("form:has(#room-room) button[type=submit]").click()
        page.wait_for_url(f"{base}/home")
        expect(page.locator("main")).to_contain_text(hotel["symbol"])
        page.screenshot(path=ARTIFACTS / f"demo-{hotel['slug']}-home.png", full_page=True)
    context.close()


def test_the_group_office_sees_the_three_side_by_side(playwright, demo_browser, live_server, demo_hotels):
    port = live_server.rsplit(":", 1)[1]
    context = demo_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    base = f"http://{demo_hotels[0]['host']}:{port}"
    page.goto(f"{base}/staff/signin")
    page.fill("#email", GROUP_OFFICE[0])
    page.fill("#password", DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Group", exact=True).click()
    table = page.get_by_role("region", name="Hotels side by side")
    for hotel in demo_hotels:
        expect(table).to_contain_text(hotel["english_name"])
    expect(page.locator("main")).not_to_contain_text("No exchange rate")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "demo-group-dashboard.png", full_page=True)
    context.close()
