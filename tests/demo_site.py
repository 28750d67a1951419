"""The seeded demo hotel after a busy morning, and every page a guest and a manager can open in it.

Bookings, ratings, replies, requests and a refund are made through the real pages, so pages
that repeat a form per item (a cancel per booking, a reply per rating) show it several times.
Used by the page checks that must cover every page: duplicate ids, widths on a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, Order, OrderLine, Package, Payment, ResourcePool, Service, Stay
from app.seed.demo import DEMO_STAFF_PASSWORD
from tests.conftest import GuestActions
from tests.demo_template import DemoTemplate
from tests.staff import StaffActions

MANAGER = "manager@lobby.test"


@dataclass
class DemoSite:
    guest_paths: list[str] = field(default_factory=list)  # signed in as Elena Garcia, room 204
    staff_paths: list[str] = field(default_factory=list)  # signed in as the demo manager
    public_paths: list[str] = field(default_factory=lambda: ["/signin", "/staff/signin"])


def _slot_ids(page: str) -> list[int]:
    return [int(value) for value in re.findall(r'name="slot" value="(\d+)"', page)]


def _book(guest: GuestActions, service_id: int, adults: int, children=()) -> None:
    path = f"/services/{service_id}"
    slots = _slot_ids(guest.client.get(path).get_data(as_text=True))
    assert slots, f"no time offered on {path}"
    added = guest.post(path, {"slot": slots[-1], "adults": adults, "children": [str(c) for c in children]})
    assert added.status_code == 302, added.get_data(as_text=True)[:400]


def busy_demo(app, demo_template: DemoTemplate) -> DemoSite:
    """Seed the demo, then a morning: bookings (one on request), done and rated, replies, a refund."""
    with app.app_context():
        hotel, stays = demo_template.seed()
        hotel_id = hotel.id  # the lodge: the group's other hotels are not this manager's
        services = {
            service.code: service.id
            for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel_id))
        }
        garcia_id = stays.in_house.id

    guest = GuestActions(app.test_client())
    assert guest.sign_in("204", "Garcia").status_code == 302
    for code, adults, children in (
        ("horse_riding", 2, [1]),
        ("boat_trip", 2, [0, 1]),
        ("mini_farm", 1, [0]),
        ("babysitting", 0, [0]),  # on request: waits for the desk's approval
    ):
        _book(guest, services[code], adults, children)
    _book(guest, services["fishing"], 1)  # left in the cart
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302
    _book(guest, services["fishing"], 1)  # the cart holds something again
    guest.post("/stay/requests/help", {"help-details": "Could we have a late check-out?"}, page="/stay")

    desk = StaffActions(app.test_client())
    assert desk.sign_in(MANAGER, DEMO_STAFF_PASSWORD).status_code == 302
    with app.app_context():
        booked = list(
            db.session.scalars(
                select(OrderLine).join(Order).where(Order.stay_id == garcia_id).order_by(OrderLine.id)
            )
        )
        line_ids = [line.id for line in booked if line.status.value == "booked"]
    for line_id in line_ids[:3]:
        desk.post(f"/desk/lines/{line_id}/done", {}, page=f"/desk/stays/{garcia_id}")
    for line_id, rating in zip(line_ids[:3], (1, 2, 5), strict=True):
        guest.post(f"/bookings/{line_id}/rate", {"rate-rating": rating, "rate-comment": "Ok"}, page="/stay")
    with app.app_context():
        payment_id = db.session.scalar(select(Payment.id).order_by(Payment.id))
        reference = db.session.scalar(
            select(Order.reference).where(Order.status != "cart").order_by(Order.id)
        )
        site = DemoSite()
        site.guest_paths = ["/home", "/cart", "/stay", f"/orders/{reference}"]
        site.guest_paths += [f"/services/{service_id}" for service_id in sorted(services.values())]
        site.guest_paths += [
            f"/packages/{code}"
            for code in db.session.scalars(select(Package.code).where(Package.hotel_id == hotel_id))
        ]
        site.staff_paths = [
            "/desk/",
            "/desk/?q=a",
            "/desk/queue",
            "/desk/today",
            "/desk/check-in",
            "/desk/feedback",
            "/desk/refunds",
            f"/desk/payments/{payment_id}/refund",
            "/manage/dashboard",
            "/manage/catalog",
            "/manage/discounts",
            "/manage/folio",
            "/manage/pools",
            "/manage/sla",
            "/manage/hotel",
            "/manage/staff",
            "/manage/services/new",
            "/manage/packages/new",
            "/manage/audit",
            f"/manage/audit?stay={garcia_id}",
            "/manage/catalog/copy",
        ]
        for stay_id in db.session.scalars(select(Stay.id).where(Stay.hotel_id == hotel_id).order_by(Stay.id)):
            site.staff_paths += [f"/desk/stays/{stay_id}", f"/desk/stays/{stay_id}/card"]
            site.staff_paths += [f"/desk/stays/{stay_id}/sell"]
        site.staff_paths += [f"/desk/stays/{garcia_id}/sell?service={services[code]}" for code in services]
        site.staff_paths += [
            f"/desk/requests/{request_id}"
            for request_id in db.session.scalars(
                select(GuestRequest.id).where(GuestRequest.hotel_id == hotel_id)
            )
        ]
        site.staff_paths += [f"/manage/services/{service_id}" for service_id in sorted(services.values())]
        site.staff_paths += [
            f"/manage/packages/{package_id}"
            for package_id in db.session.scalars(select(Package.id).where(Package.hotel_id == hotel_id))
        ]
        site.staff_paths += [
            f"/manage/pools/{pool_id}"
            for pool_id in db.session.scalars(
                select(ResourcePool.id).where(ResourcePool.hotel_id == hotel_id)
            )
        ]
    return site
