"""Issue #15's "Done means": one deployment serves three hotels, each on its own host name, with its own
look, language and currency, and a guest signed in on one is not signed in on another.

Chromium maps every ``*.lobby.test`` name to the live server (``--host-resolver-rules``), so the
browser sends each hotel's real Host header, as it would in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import HotelHost, Package
from app.services.money import format_money
from tests import factories
from tests.browser.conftest import ARTIFACTS, chromium_mapping
from tests.browser.test_accessibility import AXE, violations


@dataclass(frozen=True)
class Site:
    slug: str
    host: str
    name: str
    currency: str
    timezone: str
    default_locale: str
    locales: tuple[str, ...]
    brand: str
    brand_rgb: str
    price: int  # minor units of the currency
    room: str
    surname: str


SITES = (
    Site("langbiang", "a.lobby.test", "Langbiang Lodge", "VND", "Asia/Ho_Chi_Minh", "vi", ("vi", "en"),
         "#1f5f4a", "rgb(31, 95, 74)", 650_000, "204", "Garcia"),
    Site("pantai", "b.lobby.test", "Pantai Resort", "MYR", "Asia/Kuala_Lumpur", "ms", ("ms", "en", "ar"),
         "#0b4f8a", "rgb(11, 79, 138)", 12_000, "12", "Tan"),
    Site("kakheti", "c.lobby.test", "Kakheti Wine Hotel", "GEL", "Asia/Tbilisi", "ka", ("ka", "ru", "en"),
         "#7a1f3d", "rgb(122, 31, 61)", 4_500, "7", "Beridze"),
)  # fmt: skip


@pytest.fixture
def three_hotels(app):
    with app.app_context():
        for site in SITES:
            hotel = factories.make_hotel(
                slug=site.slug,
                name={"en": site.name},
                currency=site.currency,
                timezone=site.timezone,
                default_locale=site.default_locale,
                enabled_locales=list(site.locales),
                brand_color=site.brand,
                accent_color="#ffd166",
                contact_phone="+1 555 0100",
                house_rules={"en": "Quiet after 22:00.", "ar": "الهدوء بعد الساعة 22:00."},
            )
            hotel.hosts.append(HotelHost(host=site.host))
            pool = factories.make_pool(hotel, "boats", capacity=4)
            service = factories.make_service(
                hotel, pool, "kayak", title={"en": "Kayak tour"}, price_adult=site.price
            )
            package = Package(
                hotel_id=hotel.id, code="outdoor", audience="outdoor", title={"en": "Outdoor"}, summary={}
            )
            package.services = [service]
            db.session.add(package)
            db.session.commit()
            factories.make_stay(hotel, room=site.room, surname=site.surname, children_ages=[])


@pytest.fixture
def hotel_browser(playwright):
    browser = chromium_mapping(playwright, "*.lobby.test")
    yield browser
    browser.close()


def _phone(playwright, browser, locale: str):
    # bypass_csp: axe-core is injected as a script of its own (tests/browser/test_accessibility.py).
    return browser.new_context(**{**playwright.devices["Pixel 7"], "locale": locale, "bypass_csp": True})


def test_three_hotels_each_on_its_own_host_with_its_own_face(
    playwright, hotel_browser, live_server, three_hotels
):
    port = live_server.rsplit(":", 1)[1]
    # A German phone: none of the hotels speaks German, so each answers in its own default language.
    context = _phone(playwright, hotel_browser, "de-DE")
    page = context.new_page()
    for site in SITES:
        base = f"http://{site.host}:{port}"
        page.goto(f"{base}/signin")
        assert site.name in page.title()
        assert page.evaluate("document.documentElement.lang") == site.default_locale
        colour = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
        assert colour == site.brand_rgb, (site.host, colour)
        expect(page.locator(".brand")).to_contain_text(site.name)

        page.locator("#room-room").fill(site.room)
        page.locator("#room-surname").fill(site.surname)
        page.locator("form:has(#room-room) button[type=submit]").click()
        page.wait_for_url(f"{base}/home")
        with_app_locale = format_money(site.price, site.currency, site.default_locale)
        expect(page.locator("main")).to_contain_text(with_app_locale)
        page.screenshot(path=ARTIFACTS / f"hotels-{site.slug}-home-{site.default_locale}.png", full_page=True)

    # Signed in on all three hosts (a cookie each); the prefix on the bare address is another site:
    # the Pantai guest's session from b.lobby.test opens nothing of Langbiang's.
    page.goto(f"http://b.lobby.test:{port}/h/langbiang/home")
    page.wait_for_url(re.compile(rf"http://b\.lobby\.test:{port}/h/langbiang/signin\?next=/h/langbiang/home"))
    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page.locator(".brand")).to_contain_text("Langbiang Lodge")
    context.close()

    # A fresh phone signs in at the Lodge only: the Resort's host does not know it.
    context = _phone(playwright, hotel_browser, "en-GB")
    page = context.new_page()
    lodge, resort = SITES[0], SITES[1]
    page.goto(f"http://{lodge.host}:{port}/signin")
    page.locator("#room-room").fill(lodge.room)
    page.locator("#room-surname").fill(lodge.surname)
    page.locator("form:has(#room-room) button[type=submit]").click()
    page.wait_for_url(f"http://{lodge.host}:{port}/home")
    page.goto(f"http://{resort.host}:{port}/home")
    page.wait_for_url(re.compile(rf"http://{re.escape(resort.host)}:{port}/signin\?next=/home"))
    expect(page.locator(".brand")).to_contain_text(resort.name)
    page.goto(f"http://{resort.host}:{port}/stay")
    assert "/signin" in page.url
    page.goto(f"http://{lodge.host}:{port}/stay")  # still signed in where they signed in
    assert page.url.endswith("/stay")
    context.close()


@pytest.mark.parametrize("locale", ["en-GB", "ar"])
def test_phone_screenshots_of_a_hotels_face(playwright, hotel_browser, live_server, three_hotels, locale):
    """For a person to look at: the Resort's colours, About section and house rules, English and Arabic."""
    port = live_server.rsplit(":", 1)[1]
    context = _phone(playwright, hotel_browser, locale)
    page = context.new_page()
    base = f"http://b.lobby.test:{port}"
    page.goto(f"{base}/signin")
    page.locator("#room-room").fill("12")
    page.locator("#room-surname").fill("Tan")
    page.locator("form:has(#room-room) button[type=submit]").click()
    page.wait_for_url(f"{base}/home")
    # The stay speaks the hotel's default language (Malay) until the guest picks theirs.
    assert page.evaluate("document.documentElement.lang") == "ms"
    language = "ar" if locale == "ar" else "en"
    with page.expect_navigation():
        page.locator(".language select").select_option(language)
    assert page.evaluate("document.documentElement.lang") == language
    page.locator(".about-hotel summary").click()
    expect(page.locator(".about-hotel")).to_contain_text("+1 555 0100")
    rules = "الهدوء بعد الساعة 22:00." if language == "ar" else "Quiet after 22:00."
    expect(page.locator(".about-hotel")).to_contain_text(rules)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations(page, AXE.read_text()) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"hotels-pantai-home-{language}.png", full_page=True)
    context.close()
