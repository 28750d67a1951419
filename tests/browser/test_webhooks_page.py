"""The webhooks pages, narrow and at a desk: add an endpoint, copy its secret, send a delivery again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, StaffRole, StaySource, WebhookEndpoint
from app.services import reservations, webhooks
from tests.browser.test_accessibility import audit, axe_source  # noqa: F401 (the fixture)
from tests.browser.test_api_tokens_page import fits_the_screen
from tests.staff import PASSWORD, make_staff


@pytest.fixture
def browser_context_args(browser_context_args):
    # bypass_csp: axe is injected as an inline script to audit the pages.
    viewport = {"width": 360, "height": 800}
    return {**browser_context_args, "viewport": viewport, "is_mobile": False, "bypass_csp": True}


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server}/staff/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")


def a_reservation_is_sent_out(app, pms_id: str) -> None:
    with app.test_request_context():
        hotel = db.session.scalar(select(Hotel))
        today = hotel.today()
        reservation = reservations.Reservation(
            pms_id, "Garcia", today + timedelta(days=2), today + timedelta(days=4)
        )
        reservations.upsert(hotel, reservation, StaySource.API)
        webhooks.deliver_due()
        db.session.remove()


def test_a_manager_adds_an_endpoint_and_sends_a_failed_delivery_again(
    app,
    world,
    live_server,
    page,
    screenshot,
    receiver,
    axe_source,  # noqa: F811
):
    sign_in(page, live_server, make_staff(app, world.hotel_id, StaffRole.MANAGER))
    page.goto(f"{live_server}/manage/webhooks")
    page.get_by_role("link", name="Webhooks").first.focus()
    page.get_by_label("Address (URL)").fill(receiver.url)
    page.get_by_label("What it is for").fill("Opera PMS")
    page.locator("input[value='stay.*']").check()
    page.locator("input[value='order.placed']").check()
    assert fits_the_screen(page)
    screenshot("webhooks-add-360")
    page.get_by_role("button", name="Add endpoint").click()

    secret = page.get_by_role("textbox", name="Signing secret").input_value()
    assert secret.startswith("whsec_")
    assert fits_the_screen(page)
    screenshot("webhooks-created-360")

    receiver.fail_with(500, "Internal error in the PMS: reservation lock held")
    a_reservation_is_sent_out(app, "R-1")
    receiver.recover()
    a_reservation_is_sent_out(app, "R-2")
    with app.app_context():
        endpoint_id = db.session.scalar(select(WebhookEndpoint.id))
    here = f"{live_server}/manage/webhooks/{endpoint_id}"
    page.goto(here)
    assert page.get_by_text("HTTP 500").is_visible() and page.get_by_text("HTTP 200").is_visible()
    assert fits_the_screen(page)
    screenshot("webhook-deliveries-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("webhook-deliveries-desk")

    page.get_by_role("button", name="Send again").first.click()
    assert page.get_by_text("The event will be sent again at the next run.").is_visible()
    report = audit(page, axe_source, live_server, ["/manage/webhooks", f"/manage/webhooks/{endpoint_id}"])
    assert report == {}, report
