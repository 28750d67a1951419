"""A live server on a free port and Debian's Chromium as a phone, for the browser tests.

Playwright cannot download its own browsers here, so the tests drive the system
Chromium (`make test` installs it); screenshots land in ``test-artifacts/`` for a
person to look at.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from tests.payments.conftest import localstripe, stripe_on  # noqa: F401 (shared fixtures)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's Chromium at /usr/bin/chromium: run `make test`.")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    return {**browser_context_args, **playwright.devices["Pixel 7"], "locale": "en-GB"}


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def demo(app, demo_template):
    """The seeded demo hotel, as `make run` serves it."""
    with app.app_context():
        _hotel, stays = demo_template.seed()
        return {"arriving_reference": stays.arriving.booking_reference}


def sign_in_staff(page, live_server: str, email: str = DEMO_STAFF[1][0]) -> None:
    """A demo staff member (the manager unless told) signs in on ``page`` through the real form."""
    page.goto(f"{live_server}/staff/signin")
    page.fill("#email", email)
    page.fill("#password", DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def chromium_mapping(playwright, hosts: str):
    """Debian's Chromium sending every host name matching ``hosts`` (``*.lobby.test``) to this
    machine, as DNS would send a hotel's own name to the deployment."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[f"--host-resolver-rules=MAP {hosts} 127.0.0.1"]
    )
