"""The manager's dashboard charts at 360 px, in English and in Arabic: every label shown, whole words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Hotel, LineStatus, OrderLine, Service, StaffUser, Stay
from app.seed.demo import DEMO_STAFF
from tests import factories
from tests.browser.conftest import ARTIFACTS, sign_in_staff


@pytest.fixture
def sales(app, demo):
    """Garcia booked one of each service yesterday, so every service has a bar."""
    with app.app_context():
        hotel = db.session.scalar(select(Hotel))
        stay_id = db.session.scalar(select(Stay.id).where(Stay.hotel_id == hotel.id, Stay.room == "204"))
        placed = clock.now() - timedelta(days=1)
        order = factories.placed_order(hotel.id, stay_id, "CHART1", placed, currency=hotel.currency)
        services = db.session.scalars(select(Service).where(Service.hotel_id == hotel.id)).all()
        for number, service in enumerate(services, start=1):
            db.session.add(
                OrderLine(
                    hotel_id=hotel.id,
                    order=order,
                    service=service,
                    status=LineStatus.BOOKED,
                    starts_at=placed + timedelta(days=1),
                    ends_at=placed + timedelta(days=1, hours=1),
                    adults=1,
                    currency=hotel.currency,
                    placed_at=placed,
                    subtotal=number * 50000,
                    total=number * 50000,
                )
            )
        db.session.commit()
        return [str(service.title) for service in services]


def _labels_inside_their_chart(page) -> list[str]:
    """Every chart label that leaves its SVG or overlaps its bar (as the browser lays it out)."""
    return page.evaluate(
        """() => {
          const wrong = [];
          for (const svg of document.querySelectorAll('svg.bars')) {
            const box = svg.getBoundingClientRect();
            for (const row of svg.querySelectorAll('g.bar-row')) {
              const label = row.querySelector('.bar-label').getBoundingClientRect();
              const bar = row.querySelector('.bar').getBoundingClientRect();
              const value = row.querySelector('.bar-value').getBoundingClientRect();
              const inside = (r) => r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1;
              const apart = (a, b) => a.right <= b.left + 1 || b.right <= a.left + 1;
              if (!inside(label) || !inside(value) || !apart(label, bar)) {
                wrong.push(row.querySelector('title').textContent);
              }
            }
          }
          return wrong;
        }"""
    )


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_chart_labels_are_whole_and_inside_the_chart(browser: Browser, app, live_server, sales, locale):
    with app.app_context():
        manager = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF[1][0]))
        manager.locale = locale
        db.session.commit()
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    sign_in_staff(page, live_server)
    page.goto(f"{live_server}/manage/")
    expect(page.locator("svg.bars").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"30-dashboard-{locale}.png", full_page=True)

    assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "ltr")
    assert _labels_inside_their_chart(page) == []
    # Each service's whole title is in its row's <title>; what is drawn is made of whole words.
    by_service = page.locator("figure.chart").nth(1)
    titles = by_service.locator("g.bar-row title").all_text_contents()
    assert len(titles) == len(sales)
    for row in by_service.locator("g.bar-row").all():
        full = row.locator("title").text_content().rsplit(":", 1)[0]
        drawn = " ".join(row.locator(".bar-label tspan").all_text_contents()).removesuffix(" …").split()
        assert drawn and set(drawn) <= set(full.split()), (drawn, full)
    # The charts themselves fit the 360 px screen (the page's other parts are not this test's).
    assert page.evaluate(
        "[...document.querySelectorAll('svg.bars')].every(svg => { const r = svg.getBoundingClientRect();"
        " return r.left >= 0 && r.right <= window.innerWidth; })"
    )


def test_closing_a_time_asks_first_and_tags_are_ticked_at_360_px(browser: Browser, app, live_server, demo):
    with app.app_context():
        horses = db.session.scalar(select(Service).where(Service.code == "horse_riding"))
        service_id, pool_id = horses.id, horses.pool_id
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    sign_in_staff(page, live_server)

    page.goto(f"{live_server}/manage/services/{service_id}")
    expect(page.get_by_label("Animals")).to_be_checked()
    expect(page.get_by_label("Transfer")).not_to_be_checked()
    page.locator(".tags").screenshot(path=ARTIFACTS / "31-service-tags.png")

    page.goto(f"{live_server}/manage/pools/{pool_id}")
    page.get_by_role("link", name="Close this time").first.click()
    expect(page.get_by_role("heading", name="Close this time?")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "32-close-a-time.png", full_page=True)
    page.get_by_role("button", name="Close this time").click()
    expect(page.get_by_text("Closed. Guests can no longer book this time.")).to_be_visible()
    expect(page.get_by_role("button", name="Reopen")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "33-closed-time.png", full_page=True)
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_text("Reopened. Guests can book this time again.")).to_be_visible()
    expect(page.get_by_role("button", name="Reopen")).to_have_count(0)
