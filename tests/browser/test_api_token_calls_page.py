"""The API token pages at a desk: tick what a token may do, then read its calls, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.models import StaffRole
from app.services import api_tokens
from app.services.api_tokens import Call
from tests.staff import PASSWORD, make_staff


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "is_mobile": False}


def calls_of_a_busy_night(app, key_id: int) -> None:
    """A PMS's night: imports, a retried charge answered again, a refusal and a failure."""
    now = clock.now()
    answers = [
        Call("GET", "/api/v1/stays?arriving_from=2026-12-11&cursor=eyJpZCI6IDQyfQ", 200, 48),
        Call("POST", "/api/v1/stays", 201, 131, "mews-res-8841-create"),
        Call("POST", "/api/v1/stays", 201, 4, "mews-res-8841-create", replayed=True),
        Call("PATCH", "/api/v1/stays/PMS-8841", 422, 17),
        Call("GET", "/api/v1/folio-lines?posted=false", 200, 65),
        Call("POST", "/api/v1/folio-lines/512/posted", 500, 2004, "post-512"),
    ]
    with app.app_context():
        for number, call in enumerate(answers * 10):
            api_tokens.record_call(key_id, call, now=now - timedelta(minutes=len(answers) * 10 - number))


def test_a_manager_picks_scopes_and_reads_the_calls_at_a_desk(app, world, live_server, page, screenshot):
    email = make_staff(app, world.hotel_id, StaffRole.MANAGER)
    page.goto(f"{live_server}/staff/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.goto(f"{live_server}/manage/api-tokens")

    page.get_by_label("What it is for").fill("Mews Connector")
    page.get_by_role("button", name="Create token").click()
    assert page.get_by_text("Please choose at least one thing the token may do.").is_visible()
    assert page.get_by_label("What it is for").input_value() == "Mews Connector"
    screenshot("api-tokens-no-scope-desk")

    page.get_by_label("Read stays (reservations) and their guests").check()
    page.get_by_label("Create, change, cancel, check in and check out stays").check()
    page.get_by_label("Read room charges (folio lines)").check()
    page.get_by_role("button", name="Create token").click()
    assert page.get_by_role("textbox", name="Token").input_value().startswith("lobby_")
    screenshot("api-tokens-created-desk")

    (key,) = api_tokens_of(app, world.hotel_id)
    calls_of_a_busy_night(app, key)
    page.get_by_role("link", name="Its calls").click()
    assert page.get_by_role("heading", name="Calls made with this token").is_visible()
    assert page.locator("table.calls tbody tr").count() == 50
    screenshot("api-token-calls-desk")

    page.get_by_label("Answer").select_option(label="Refused (4xx)")
    page.get_by_role("button", name="Show").click()
    assert page.locator("table.calls tbody tr").count() == 10
    screenshot("api-token-calls-refused-desk")

    page.get_by_text("Revoke…").click()
    page.get_by_role("button", name="Revoke this token").click()
    page.goto(f"{live_server}/manage/audit")
    page.get_by_label("Kind").select_option(label="API token")
    page.get_by_role("button", name="Show").click()
    assert page.locator("table.audit tbody tr").count() == 2
    screenshot("api-token-audit-desk")


def api_tokens_of(app, hotel_id: int) -> list[int]:
    with app.app_context():
        return [row.id for row in api_tokens.hotel_tokens(hotel_id)]
