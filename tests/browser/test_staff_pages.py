"""Staff pages on a 360 px phone, and the queue at the keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from app.extensions import db
from app.models import RequestKind, Stay
from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from app.services import guest_requests
from tests.browser.conftest import ARTIFACTS
from tests.demo_site import MANAGER, busy_demo


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/staff/signin")
    page.fill("#email", email)
    page.fill("#password", DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Requests")).to_be_visible()
    # The heading shows before the deferred queue.js has run; keys pressed earlier would go nowhere.
    page.wait_for_load_state("load")


def test_every_staff_page_fits_a_360_px_screen(browser: Browser, app, live_server, demo_template):
    site = busy_demo(app, demo_template)
    page = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB").new_page()
    sign_in(page, live_server, MANAGER)
    folder = ARTIFACTS / "staff-360"
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for path in site.staff_paths:
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        page.screenshot(path=folder / f"{name}.png", full_page=True)
    assert too_wide == {}, too_wide


def test_the_queue_at_the_keyboard_keeps_its_place(browser: Browser, app, live_server, demo_template):
    busy_demo(app, demo_template)
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB").new_page()
    sign_in(page, live_server, DEMO_STAFF[0][0])
    rows = page.locator("table.queue tbody tr")
    count = rows.count()
    assert count >= 3
    expect(page).to_have_title(re.compile(rf"^\({count}\) Queue · Front desk"))

    page.keyboard.press("j")
    first = rows.nth(0)
    expect(first).to_be_focused()
    page.keyboard.press("j")
    second = rows.nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("k")
    expect(first).to_be_focused()
    request_id = first.get_attribute("data-request")
    page.keyboard.press("j")
    target = page.locator(f'tr[data-request="{rows.nth(1).get_attribute("data-request")}"]')
    expect(target.locator('form[data-quick="a"]')).to_have_count(1)
    url = page.url
    page.keyboard.press("a")
    expect(target).to_contain_text("Seen by the desk")
    expect(target.locator('form[data-quick="a"]')).to_have_count(0)
    assert page.url == url  # acknowledged in place: the page did not change
    expect(target).to_be_focused()
    assert request_id

    # A request arrives: the live refresh swaps the table, and focus stays on the same row.
    focused_id = page.evaluate("document.activeElement.closest('tr')?.dataset.request")
    with app.app_context():
        stay = db.session.query(Stay).filter_by(room="118").one()
        guest_requests.open_request(stay, RequestKind.HELP, details="Umbrella, please")
        db.session.commit()
    expect(page.locator("table.queue tr", has_text="Umbrella, please")).to_be_visible(timeout=5000)
    assert page.evaluate("document.activeElement.closest('tr')?.dataset.request") == focused_id
    expect(page).to_have_title(re.compile(rf"^\({count + 1}\) Queue"))

    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Acknowledge the selected request")
    page.screenshot(path=ARTIFACTS / "desk-queue-shortcuts.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("/")
    expect(page.locator("#room")).to_be_focused()

    # The sound is off until switched on, and the choice is remembered.
    sound = page.get_by_label("Sound for new and overdue requests")
    expect(sound).not_to_be_checked()
    sound.check()
    page.reload()
    expect(page.get_by_label("Sound for new and overdue requests")).to_be_checked()
    page.screenshot(path=ARTIFACTS / "desk-queue.png", full_page=True)
