"""The manager's audit trail page: who did what, filtered by object, person and day; managers only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ActorKind, AuditEntry, Hotel, Order, StaffRole, StaffUser
from app.services import api_tokens, audit, catalog_admin
from app.web.actor import request_actor
from tests.conftest import GuestActions
from tests.staff import make_staff

AUDIT = "/manage/audit"


def book_riding(guest: GuestActions, world) -> None:
    path = f"/services/{world.services['horse_riding']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(path).get_data(as_text=True))[-1]
    assert guest.post(path, {"slot": slot, "adults": 2}).status_code == 302
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def ids(app, world) -> dict:
    with app.app_context():
        return {
            "order": db.session.scalar(select(Order.id).where(Order.stay_id == world.stays["garcia"])),
            "manager": db.session.scalar(select(StaffUser.id).where(StaffUser.email == "manager@lodge.test")),
        }


@pytest.fixture
def busy(app, manager, phone, world) -> dict:
    """The guest books on the room from their phone, then the manager lowers the stable's capacity."""
    book_riding(phone, world)
    pool = f"/manage/pools/{world.pools['stable']}"
    assert manager.post(f"{pool}/capacity", {"capacity": 5}, page=pool).status_code == 302
    return ids(app, world)


def test_the_page_shows_who_did_what_newest_first_in_words(manager, busy, world):
    page = manager.client.get(AUDIT).get_data(as_text=True)
    found = rows(page)
    capacity_row = next(row for row in found if "Capacity changed" in row)
    placed_row = next(row for row in found if "Booking placed" in row)
    assert found.index(capacity_row) < found.index(placed_row)  # newest first
    assert "manager" in capacity_row and "Stable" in capacity_row
    assert "Places (people, or units for rentals): 5 (was 6)" in capacity_row
    assert "Guest, room 204" in placed_row
    assert "Total: €120.00" in placed_row and "Payment: Room charge" in placed_row
    assert "order.placed" not in page  # action names are labels, not codes


def test_filters_by_object_person_and_day(manager, busy, world):
    only_pool = manager.client.get(f"{AUDIT}?kind=pool&object={world.pools['stable']}").get_data(as_text=True)
    assert [("Capacity changed" in row) for row in rows(only_pool)] == [True]
    assert "Showing only: Stable" in only_pool

    only_order = manager.client.get(f"{AUDIT}?kind=order&object={busy['order']}").get_data(as_text=True)
    assert len(rows(only_order)) == 1 and "Booking placed" in only_order

    guests = manager.client.get(f"{AUDIT}?person=guest").get_data(as_text=True)
    assert all("Guest, room 204" in row for row in rows(guests)) and rows(guests)
    mine = manager.client.get(f"{AUDIT}?person=staff:{busy['manager']}").get_data(as_text=True)
    assert [("Capacity changed" in row) for row in rows(mine)] == [True]
    nobody = manager.client.get(f"{AUDIT}?person=pms").get_data(as_text=True)
    assert rows(nobody) == [] and "Nothing recorded for these filters." in nobody

    today = manager.client.get(f"{AUDIT}?day={world.today.isoformat()}&kind=pool").get_data(as_text=True)
    assert len(rows(today)) == 1
    before = manager.client.get(f"{AUDIT}?day={(world.today - timedelta(days=1)).isoformat()}")
    assert rows(before.get_data(as_text=True)) == []

    stay = manager.client.get(f"{AUDIT}?stay={world.stays['garcia']}").get_data(as_text=True)
    assert len(rows(stay)) == 1 and "Booking placed" in stay and "Room 204 · Garcia" in stay


def test_nonsense_in_the_query_string_is_no_filter_not_an_error(manager, busy):
    for query in (
        "day=yesterday",
        "person=staff:x",
        "person=nobody",
        "kind=bogus&object=1",
        "object=-4",
        "page=0",
    ):
        response = manager.client.get(f"{AUDIT}?{query}")
        assert response.status_code == 200, query
        assert len(rows(response.get_data(as_text=True))) >= 2, query
    assert manager.client.get(f"{AUDIT}?page=99").status_code == 200


def test_times_are_in_the_hotels_zone(app, staff, world, frozen_now):
    frozen_now(datetime(2026, 12, 1, 8, 5, tzinfo=UTC))  # 09:05 in Vienna
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    cars = f"/manage/pools/{world.pools['cars']}"
    assert staff.post(f"{cars}/capacity", {"capacity": 3}, page=cars).status_code == 302
    row = next(row for row in rows(staff.client.get(AUDIT).get_data(as_text=True)) if "Capacity" in row)
    assert "9:05" in row and "8:05" not in row


def test_pages_of_fifty_newest_first(app, manager, world):
    with app.test_request_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        for number in range(audit.PAGE_SIZE + 3):
            audit.record(hotel.id, "hotel.rooms_added", hotel, after={"rooms": [str(number)]})
        db.session.commit()
    first = manager.client.get(AUDIT).get_data(as_text=True)
    assert len(rows(first)) == audit.PAGE_SIZE and "Rooms: 52" in rows(first)[0]
    assert "page=2" in first and "Older" in first
    second = manager.client.get(f"{AUDIT}?page=2").get_data(as_text=True)
    assert "Newer" in second and "Older" not in second
    assert ["Rooms: 0" in row for row in rows(second)] == [False, False, True, False]  # staff account last


def test_stay_order_service_and_pool_pages_link_to_their_trail(manager, busy, world):
    stay = manager.client.get(f"/desk/stays/{world.stays['garcia']}").get_data(as_text=True)
    assert f'href="/manage/audit?stay={world.stays["garcia"]}"' in stay
    assert f'href="/manage/audit?kind=order&amp;object={busy["order"]}"' in stay
    service = manager.client.get(f"/manage/services/{world.services['horse_riding']}").get_data(as_text=True)
    assert f'href="/manage/audit?kind=service&amp;object={world.services["horse_riding"]}"' in service
    pool = manager.client.get(f"/manage/pools/{world.pools['stable']}").get_data(as_text=True)
    assert f'href="/manage/audit?kind=pool&amp;object={world.pools["stable"]}"' in pool
    linked = manager.client.get(f"/manage/audit?kind=pool&object={world.pools['stable']}")
    assert linked.status_code == 200


def test_a_price_change_reads_in_money(app, manager, world):
    with app.test_request_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        boss = db.session.scalar(select(StaffUser).where(StaffUser.email == "manager@lodge.test"))
        service = catalog_admin.hotel_service(hotel.id, world.services["farm_visit"])
        with audit.acting_as(audit.staff_actor(boss)):
            was = audit.snapshot(service, catalog_admin.SERVICE_PRICES)
            service.price_adult = 1750
            audit.record(hotel.id, "service.price_changed", service, before=was, after={"price_adult": 1750})
        db.session.commit()
    page = manager.client.get(f"{AUDIT}?kind=service&object={world.services['farm_visit']}")
    row = rows(page.get_data(as_text=True))[0]
    assert "Prices changed" in row and "Price per adult: €17.50 (was €15.00)" in row


def test_only_managers_read_it(app, client, staff, world):
    assert client.get(AUDIT).status_code == 302  # signed out: to the sign-in page
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert staff.client.get(AUDIT).status_code == 403
    stay = staff.client.get(f"/desk/stays/{world.stays['garcia']}").get_data(as_text=True)
    assert "/manage/audit" not in stay  # the desk sees no link it could not follow


def test_each_request_names_its_actor(app, world):
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        _row, token = api_tokens.create_token(hotel, "Mews", created_by=None)
    headers = {"Authorization": f"Bearer {token}"}
    with app.test_request_context("/api/hotels/test-lodge/folio/exports", method="POST", headers=headers):
        assert request_actor() == audit.pms_actor("Mews")
    with app.test_request_context(
        "/api/hotels/test-lodge/folio/exports", headers={"Authorization": "Bearer x"}
    ):
        assert request_actor() == audit.SYSTEM  # an unknown token names nobody
    with app.test_request_context("/api/stripe/webhook", method="POST"):
        assert request_actor() == audit.SYSTEM
    assert audit.current_actor() == audit.SYSTEM  # and nothing is left behind after requests


def test_a_staff_action_through_the_pages_names_the_staff_member(app, manager, busy):
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pool.capacity_changed"))
        assert (entry.actor_kind, entry.actor_staff_id, entry.actor_name) == (
            ActorKind.STAFF,
            busy["manager"],
            "manager",
        )
        placed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "order.placed"))
        assert (placed.actor_kind, placed.actor_name) == (ActorKind.GUEST, "Guest, room 204")
