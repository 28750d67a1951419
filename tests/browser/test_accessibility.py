"""axe-core (WCAG 2.2 AA, best practices) on every guest and staff page of the seeded demo: no violation.

axe-core comes from `make pytest` (npm, pinned in the Makefile, installed into .venv/node).
The pages' nonce CSP would block the injected script, so the contexts bypass CSP.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, Order, Package, Payment, ResourcePool, Service, ServiceKind, Stay
from tests.browser.conftest import sign_in_staff

AXE = Path(__file__).resolve().parents[2] / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
NOT_FOUND = "/no-such-page"  # the friendly error page
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing at {AXE}: run `make pytest` (its npm step installs the pinned one)."
        )
    return AXE.read_text()


def violations(page: Page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations.map("
        "v => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map(n => n.target).join(' · ')}`)",
        RULES,
    )
    return list(found)


def audit(page: Page, axe_source: str, base: str, paths: list[str]) -> dict[str, list[str]]:
    report = {}
    for path in paths:
        response = page.goto(base + path)
        expected = 404 if path == NOT_FOUND else 200
        assert response is not None and response.status == expected, f"{path}: {response and response.status}"
        if found := violations(page, axe_source):
            report[path] = found
    return report


def demo_ids(app) -> dict:
    with app.app_context():
        first = lambda statement: db.session.scalars(statement.limit(1)).one()  # noqa: E731
        timed = first(select(Service).where(Service.kind == ServiceKind.SLOT, Service.active.is_(True)))
        by_day = first(select(Service).where(Service.kind == ServiceKind.RENTAL, Service.active.is_(True)))
        garcia = first(select(Stay).where(Stay.room == "204"))
        return {
            "timed": timed.id,
            "by_day": by_day.id,
            "package": first(select(Package)).code,
            "package_id": first(select(Package)).id,
            "pool": first(select(ResourcePool)).id,
            "stay": garcia.id,
            "request": first(select(GuestRequest)).id,
            "order": db.session.scalars(select(Order.reference).where(Order.stay_id == garcia.id)).first(),
            "payment": db.session.scalars(select(Payment.id)).first(),
        }


def test_every_guest_page_passes_axe(browser: Browser, playwright, live_server, demo, app, axe_source):
    page = browser.new_context(**playwright.devices["Pixel 7"], locale="en-GB", bypass_csp=True).new_page()
    ids = demo_ids(app)
    report = audit(page, axe_source, live_server, ["/signin", NOT_FOUND])

    page.goto(f"{live_server}/signin")
    page.locator("#room-room").fill("204")
    page.locator("#room-surname").fill("Garcia")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Elena")).to_be_visible()
    # Something in the cart and one booking, so the cart, confirmation and My stay show their lists.
    page.goto(f"{live_server}/services/{ids['timed']}")
    page.locator('input[name="slot"]:not([disabled])').last.check()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("button", name="Book now").click()
    expect(page.get_by_text("You are booked")).to_be_visible()
    confirmation = page.url.removeprefix(live_server)
    page.goto(f"{live_server}/services/{ids['by_day']}")
    page.get_by_role("button", name="Add to cart").click()

    paths = [
        "/home",
        f"/packages/{ids['package']}",
        f"/services/{ids['timed']}",
        f"/services/{ids['by_day']}",
    ]
    paths += ["/cart", confirmation, "/stay"]
    report |= audit(page, axe_source, live_server, paths)
    assert report == {}, "\n".join(f"{path}: {found}" for path, found in report.items())


def test_every_staff_page_passes_axe(browser: Browser, live_server, demo, app, axe_source):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    ids = demo_ids(app)
    report = audit(page, axe_source, live_server, ["/staff/signin"])

    sign_in_staff(page, live_server)  # the manager sees the desk's pages too
    expect(page.get_by_role("heading", name="Requests")).to_be_visible()

    desk = ["/desk/", "/desk/queue", "/desk/today", "/desk/check-in", "/desk/feedback", "/desk/refunds"]
    stay = f"/desk/stays/{ids['stay']}"
    desk += [
        f"/desk/requests/{ids['request']}",
        stay,
        f"{stay}/card",
        f"{stay}/sell",
        f"{stay}/sell?service={ids['timed']}",
    ]
    manage = ["/manage/dashboard", "/manage/catalog", "/manage/discounts", "/manage/folio", "/manage/pools"]
    manage += [f"/manage/pools/{ids['pool']}", f"/manage/services/{ids['timed']}", "/manage/services/new"]
    manage += [f"/manage/packages/{ids['package_id']}", "/manage/packages/new"]
    manage += ["/manage/sla", "/manage/staff", "/manage/audit", "/manage/hotel"]
    report |= audit(page, axe_source, live_server, desk + manage)
    assert report == {}, "\n".join(f"{path}: {found}" for path, found in report.items())
