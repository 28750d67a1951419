"""The API tokens page 360 px wide: create a token, copy it, revoke it; nothing wider than the screen."""

from __future__ import annotations

import pytest

from app.models import StaffRole
from tests.staff import PASSWORD, make_staff


@pytest.fixture
def browser_context_args(browser_context_args):
    # A narrow window, not a phone: a phone zooms out while the shared staff menu is wider than 360 px.
    return {**browser_context_args, "viewport": {"width": 360, "height": 800}, "is_mobile": False}


def fits_the_screen(page) -> bool:
    """The page's own content (the shared staff menu is another page's matter) needs no sideways scroll."""
    script = "[...document.querySelectorAll('.staff-main *')]"
    script += ".every(e => e.getBoundingClientRect().right <= innerWidth)"
    return page.evaluate(script)


def test_a_manager_creates_and_revokes_a_token_on_a_small_screen(app, world, live_server, page, screenshot):
    email = make_staff(app, world.hotel_id, StaffRole.MANAGER)
    page.goto(f"{live_server}/staff/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.goto(f"{live_server}/manage/api-tokens")
    page.get_by_label("What it is for").fill("Opera PMS folio export")
    page.get_by_label("Read room charges (folio lines)").check()
    page.get_by_label("Mark room charges as taken over by the PMS").check()
    page.get_by_role("button", name="Create token").click()

    token = page.get_by_role("textbox", name="Token").input_value()
    assert token.startswith("lobby_")
    assert fits_the_screen(page)
    screenshot("api-tokens-created-360")

    page.get_by_text("Revoke…").focus()
    page.keyboard.press("Enter")  # opens the confirmation
    page.get_by_role("button", name="Revoke this token").click()
    assert page.get_by_text("it no longer works").is_visible()
    assert token not in page.content()
    assert fits_the_screen(page)
    screenshot("api-tokens-revoked-360")
