"""The catalog through the public API: packages, services with their rules, and free places by day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Service, Slot
from app.services import capacity, catalog_admin
from tests.api.v1.bookings import add_riding, book_riding_on_room, leaks, second_hotel
from tests.api.v1.conftest import bearer, make_key


def test_packages_list_every_package_with_its_services_in_order(client, world, key):
    answer = client.get("/api/v1/packages", headers=key)
    assert answer.status_code == 200
    family, nature = answer.json["data"]
    assert answer.json["next_cursor"] is None
    assert (family["code"], family["title"], family["on_sale"]) == ("family", {"en": "Family"}, True)
    assert family["service_ids"] == [world.services[code] for code in ("pony_ride", "farm_visit", "crib")]
    assert nature["service_ids"] == [world.services["horse_riding"], world.services["car_rental"]]
    one = client.get(f"/api/v1/packages/{nature['id']}", headers=key)
    assert one.status_code == 200
    assert one.json == nature


def test_an_archived_package_is_listed_as_not_on_sale(app, client, world, key):
    with app.app_context():
        (nature,) = [p for p in catalog_admin.packages_of(world.hotel_id) if p.code == "nature"]
        catalog_admin.archive(nature)
    on_sale = client.get("/api/v1/packages?on_sale=true", headers=key).json["data"]
    assert [package["code"] for package in on_sale] == ["family"]
    retired = client.get("/api/v1/packages?on_sale=false", headers=key).json["data"]
    assert [(package["code"], package["archived"], package["on_sale"]) for package in retired] == [
        ("nature", True, False)
    ]


def test_services_are_paged_by_cursor(client, world, key):
    first = client.get("/api/v1/services?limit=2", headers=key)
    assert first.status_code == 200
    seen = [service["id"] for service in first.json["data"]]
    cursor = first.json["next_cursor"]
    while cursor:
        page = client.get(f"/api/v1/services?limit=2&cursor={cursor}", headers=key).json
        seen += [service["id"] for service in page["data"]]
        cursor = page["next_cursor"]
    assert seen == sorted(world.services.values())


def test_services_filter_by_package_kind_and_sale(app, client, world, key):
    packages = {p["code"]: p["id"] for p in client.get("/api/v1/packages", headers=key).json["data"]}
    family = client.get(f"/api/v1/services?package_id={packages['family']}", headers=key).json["data"]
    assert sorted(s["code"] for s in family) == ["crib", "farm_visit", "pony_ride"]
    rentals = client.get("/api/v1/services?kind=rental", headers=key).json["data"]
    assert [s["code"] for s in rentals] == ["car_rental"]
    with app.app_context():
        service = catalog_admin.hotel_service(world.hotel_id, world.services["pony_ride"])
        catalog_admin.archive(service)
    paused = client.get("/api/v1/services?on_sale=false", headers=key).json["data"]
    assert [(s["code"], s["active"], s["archived"]) for s in paused] == [("pony_ride", False, True)]
    selling = client.get("/api/v1/services?on_sale=true", headers=key).json["data"]
    assert "pony_ride" not in {s["code"] for s in selling}


def test_a_service_shows_its_texts_prices_rules_and_schedule(client, world, key):
    answer = client.get(f"/api/v1/services/{world.services['farm_visit']}", headers=key)
    assert answer.status_code == 200
    service = answer.json
    assert service["kind"] == "slot"
    assert service["title"] == {"en": "Farm visit", "vi": "[vi] farm_visit"}
    assert service["description"] == {"en": "All about farm_visit."}
    assert service["prices"] == {
        "currency": "EUR",
        "basis": "per_person",
        "adult": 1500,
        "child": 1000,
        "children_free_under_age": 5,
        "unit_per_day": None,
        "large_family": {"min_children": 3, "percent": 10},
    }
    assert service["ages"] == {"min_age": None, "max_age": None, "adults_allowed": True}
    assert service["cancellation"] == {
        "free_until_hours_before": 24,
        "late_fee_percent": None,
        "by_day": False,
    }
    schedule = service["schedule"]
    assert (schedule["mode"], schedule["capacity"], schedule["timezone"]) == ("sessions", 6, "Europe/Vienna")
    assert len(schedule["weekly"]) == 14
    assert schedule["weekly"][:2] == [
        {"weekday": 0, "start_time": "09:00", "minutes": 90},
        {"weekday": 0, "start_time": "14:00", "minutes": 90},
    ]
    assert service["on_sale"] is True

    pony = client.get(f"/api/v1/services/{world.services['pony_ride']}", headers=key).json
    assert pony["ages"] == {"min_age": 3, "max_age": 10, "adults_allowed": False}
    car = client.get(f"/api/v1/services/{world.services['car_rental']}", headers=key).json
    assert car["prices"]["basis"] == "per_unit_and_day"
    assert (car["prices"]["unit_per_day"], car["prices"]["adult"]) == (5500, None)
    assert car["cancellation"]["by_day"] is True
    assert (car["schedule"]["mode"], car["schedule"]["weekly"]) == ("daily", [])
    crib = client.get(f"/api/v1/services/{world.services['crib']}", headers=key).json
    assert crib["prices"]["basis"] == "free"


def test_availability_shows_each_day_with_seats_left(app, client, guest, world, key):
    guest.sign_in()
    slot_id = add_riding(guest, world, adults=2)
    book_riding_on_room(guest, world, adults=1)  # the cart's two lines on that time: 3 of 6 taken
    with app.app_context():
        slot = db.session.get(Slot, slot_id)
        day, starts_at = slot.local_date, slot.starts_at
    riding = world.services["horse_riding"]
    answer = client.get(
        f"/api/v1/services/{riding}/availability?from={day - timedelta(days=1)}&to={day}", headers=key
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["service_id"] == riding
    assert (answer.json["from"], answer.json["to"]) == (
        (day - timedelta(days=1)).isoformat(),
        day.isoformat(),
    )
    before, booked_day = answer.json["days"]
    assert booked_day["date"] == day.isoformat()
    assert booked_day["available"] is True
    times = {slot["id"]: slot for slot in booked_day["slots"]}
    assert len(times) == 2
    booked = times[slot_id]
    assert (booked["capacity"], booked["seats_left"], booked["bookable"]) == (6, 3, True)
    assert booked["starts_at"].replace("Z", "+00:00") == starts_at.isoformat()
    assert all(slot["seats_left"] == 6 for slot in before["slots"])


def test_a_full_or_closed_time_is_not_bookable(app, client, world, key):
    riding = world.services["horse_riding"]
    day = world.today + timedelta(days=3)
    with app.app_context():
        first, second = db.session.scalars(
            select(Slot)
            .where(Slot.pool_id == world.pools["stable"], Slot.local_date == day)
            .order_by(Slot.starts_at)
        )
        first.taken = first.capacity  # as if every place were booked
        db.session.commit()
        pool = capacity.hotel_pool(world.hotel_id, world.pools["stable"])
        capacity.close_slot(pool, second.id)
    answer = client.get(f"/api/v1/services/{riding}/availability?from={day}&to={day}", headers=key)
    (only,) = answer.json["days"]
    assert only["available"] is False
    assert [(s["seats_left"], s["closed"], s["bookable"]) for s in only["slots"]] == [
        (0, False, False),
        (0, True, False),
    ]


def test_by_day_services_have_one_slot_per_day_and_a_default_week(client, world, key):
    answer = client.get(f"/api/v1/services/{world.services['car_rental']}/availability", headers=key)
    assert answer.status_code == 200
    days = answer.json["days"]
    assert answer.json["from"] == world.today.isoformat()
    assert [day["date"] for day in days] == [(world.today + timedelta(days=i)).isoformat() for i in range(7)]
    for day in days:
        (slot,) = day["slots"]
        assert (slot["capacity"], slot["seats_left"], slot["bookable"], day["available"]) == (
            2,
            2,
            True,
            True,
        )
    # Past the slots the hotel has made (10 days ahead), nothing is offered.
    later = world.today + timedelta(days=20)
    empty = client.get(
        f"/api/v1/services/{world.services['car_rental']}/availability?from={later}", headers=key
    ).json["days"]
    assert [(day["slots"], day["available"]) for day in empty] == [([], False)] * 7


def test_a_paused_service_has_places_but_none_bookable(app, client, world, key):
    with app.app_context():
        service = db.session.get(Service, world.services["car_rental"])
        service.active = False
        db.session.commit()
    days = client.get(f"/api/v1/services/{world.services['car_rental']}/availability", headers=key).json[
        "days"
    ]
    assert all(not day["available"] and day["slots"][0]["seats_left"] == 2 for day in days)


def test_the_date_range_is_bounded(client, world, key):
    path = f"/api/v1/services/{world.services['horse_riding']}/availability"
    start = world.today
    too_long = client.get(f"{path}?from={start}&to={start + timedelta(days=31)}", headers=key)
    assert too_long.status_code == 422
    assert too_long.json["type"] == "/api/v1/problems/validation-error"
    assert [error["field"] for error in too_long.json["errors"]] == ["query.to"]
    longest = client.get(f"{path}?from={start}&to={start + timedelta(days=30)}", headers=key)
    assert longest.status_code == 200
    assert len(longest.json["days"]) == 31
    backwards = client.get(f"{path}?from={start}&to={start - timedelta(days=1)}", headers=key)
    assert backwards.status_code == 422
    not_a_date = client.get(f"{path}?from=2026-13-01", headers=key)
    assert not_a_date.status_code == 422
    assert [error["field"] for error in not_a_date.json["errors"]] == ["query.from"]
    # The calendar's last days answer, they do not overflow.
    assert client.get(f"{path}?from=9999-12-25", headers=key).status_code == 200
    assert client.get(f"{path}?from=9999-12-31&to=9999-12-31", headers=key).status_code == 200


def test_filters_are_validated(client, world, key):
    answer = client.get("/api/v1/services?kind=spa&package_id=0&on_sale=maybe", headers=key)
    assert answer.status_code == 422
    assert {error["field"] for error in answer.json["errors"]} == {
        "query.kind",
        "query.package_id",
        "query.on_sale",
    }


def test_the_catalog_needs_its_scope(app, client, world):
    orders_only = bearer(make_key(app, scopes=["orders:read"]))
    for path in (
        "/api/v1/packages",
        f"/api/v1/services/{world.services['crib']}",
        f"/api/v1/services/{world.services['crib']}/availability",
    ):
        answer = client.get(path, headers=orders_only)
        assert answer.status_code == 403
        assert answer.json["type"] == "/api/v1/problems/insufficient-scope"


def test_another_hotels_catalog_is_not_found(app, client, world, key):
    other = second_hotel(app)
    for path in (
        f"/api/v1/packages/{other.package_id}",
        f"/api/v1/services/{other.service_id}",
        f"/api/v1/services/{other.service_id}/availability",
        "/api/v1/services/2147483647",
    ):
        answer = client.get(path, headers=key)
        assert answer.status_code == 404, path
        assert answer.json["type"] == "/api/v1/problems/not-found"
        assert not leaks(answer)
    for path in ("/api/v1/packages", "/api/v1/services", f"/api/v1/services?package_id={other.package_id}"):
        answer = client.get(path, headers=key)
        assert not leaks(answer, '"lake"'), path
    assert client.get(f"/api/v1/services?package_id={other.package_id}", headers=key).json["data"] == []
    # And the other way round: the second hotel's key sees only its own.
    theirs = bearer(make_key(app, slug="second-lodge"))
    services = client.get("/api/v1/services", headers=theirs).json["data"]
    assert [s["code"] for s in services] == ["secret_boat"]
