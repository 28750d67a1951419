"""Paying by card on a phone through localstripe's fake Stripe.js, with its webhooks delivered for real."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.test_guest_phone import fits_the_screen
from tests.payments.conftest import CARDS, WEBHOOK_SECRET


@pytest.fixture
def stripe_webhooks_to(localstripe, live_server, stripe_on):
    """localstripe sends its signed events to this live server, as Stripe would."""
    registered = requests.post(
        f"{localstripe}/_config/webhooks/lobby",
        data={"url": f"{live_server}/api/stripe/webhook", "secret": WEBHOOK_SECRET},
        timeout=5,
    )
    assert registered.status_code == 200
    return live_server


def book_riding_and_go_to_card_payment(page: Page, base: str) -> None:
    page.goto(f"{base}/signin")
    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("Garcia")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name=re.compile("Nature")).first.click()
    page.get_by_role("link", name=re.compile("Horse riding in the pine forest")).first.click()
    page.locator('input[name="slot"]:not([disabled])').last.check()
    page.get_by_label("Adults").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_label("Pay by card now").check()
    page.get_by_role("button", name="Book now").click()
    expect(page.get_by_role("heading", name="Pay by card")).to_be_visible()


def enter_card(page: Page, number: str) -> None:
    page.locator('#card-element input[placeholder="number"]').fill(number)
    page.locator('#card-element input[placeholder="exp_month"]').fill("12")
    page.locator('#card-element input[placeholder="exp_year"]').fill("30")
    page.locator('#card-element input[placeholder="cvc"]').fill("123")
    page.locator('#card-element input[placeholder="postal_code"]').fill("66000")


def test_guest_pays_by_card_declined_first_then_with_3d_secure(
    page: Page, stripe_webhooks_to, demo, screenshot
):
    book_riding_and_go_to_card_payment(page, stripe_webhooks_to)
    screenshot("13-pay-by-card-en")
    assert fits_the_screen(page)

    enter_card(page, CARDS["declined"])
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.locator("#card-error")).to_have_text("Your card was declined. Please try another card.")
    screenshot("14-card-declined-en")

    enter_card(page, CARDS["3ds"])
    page.get_by_role("button", name=re.compile("^Pay")).click()
    page.get_by_role("button", name="Complete authentication").click()  # the bank's 3-D Secure step

    # The page waits for Stripe's webhook, then shows the booking.
    expect(page.get_by_role("heading", name="You are booked!")).to_be_visible(timeout=15000)
    expect(page.get_by_text("Paid by card.")).to_be_visible()
    screenshot("15-paid-by-card-en")
    page.get_by_role("link", name="See all my bookings").click()
    expect(page.locator(".status-booked").first).to_have_text("Confirmed")
