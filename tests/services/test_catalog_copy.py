"""Copying the demo lodge's catalog into another hotel of its group: the same catalog, nothing overwritten."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEntry,
    ExchangeRate,
    Hotel,
    HotelGroup,
    HotelHost,
    Package,
    ResourcePool,
    Service,
    ServicePhoto,
    Slot,
    StaffRole,
    StaffUser,
)
from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD, GROUP_OFFICE, TWO_HOTELS
from app.services import catalog_copy, hotel_setup, photos, staff_access
from app.services.errors import LobbyError
from tests.conftest import on
from tests.factories import make_pool, make_service, make_stay
from tests.staff import StaffActions

TEXT_FIELDS = ("title", "summary", "description")
RULES = (
    "kind",
    "price_adult",
    "price_child",
    "price_unit",
    "free_under_age",
    "min_age",
    "max_age",
    "duration_minutes",
    "lead_time_minutes",
    "cancel_window_hours",
    "late_cancel_fee_percent",
    "needs_approval",
    "active",
    "tags",
)


def new_hotel(slug: str, currency: str = "VND", timezone: str = "Asia/Bangkok") -> Hotel:
    new = hotel_setup.NewHotel(slug, f"Hotel {slug}", currency, timezone, ["en", "vi"], "en", "demo")
    return hotel_setup.create_hotel(new)


def catalog(hotel_id: int) -> dict:
    """Everything a copy must carry, keyed by code, ids left out."""
    pools = {
        pool.code: (
            pool.name.as_dict(),
            pool.capacity,
            pool.mode,
            sorted((s.weekday, s.start_time, s.minutes) for s in pool.schedules),
        )
        for pool in db.session.scalars(select(ResourcePool).where(ResourcePool.hotel_id == hotel_id))
    }
    services = {
        service.code: (
            service.pool.code,
            *(getattr(service, name).as_dict() for name in TEXT_FIELDS),
            *(getattr(service, name) for name in RULES),
        )
        for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel_id))
    }
    packages = {
        package.code: (
            package.audience,
            package.title.as_dict(),
            package.summary.as_dict(),
            package.position,
            [service.code for service in package.services],
        )
        for package in db.session.scalars(select(Package).where(Package.hotel_id == hotel_id))
    }
    return {"pools": pools, "services": services, "packages": packages}


def slot_count(hotel_id: int) -> int:
    return db.session.scalar(select(func.count(Slot.id)).where(Slot.hotel_id == hotel_id))


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def test_a_copy_into_an_empty_hotel_is_the_same_catalog_and_a_guest_there_can_book(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        before, lodge_slots = catalog(lodge.id), slot_count(lodge.id)
        target = new_hotel("dalat-two")
        report = catalog_copy.copy_catalog(lodge, target)

        assert catalog(target.id) == before  # texts, prices, rules, tags, pools, schedules, packages
        assert catalog(lodge.id) == before and slot_count(lodge.id) == lodge_slots  # the source is untouched
        assert (len(report.services), len(report.packages)) == (len(before["services"]), 3)
        assert not (report.skipped_pools or report.skipped_services or report.skipped_packages)
        assert set(report.event_pools) == {
            "kids_party",
            "pine_bar",
            "gong_hall",
        }  # their dates are the lodge's
        assert report.slots == slot_count(target.id) > 0
        # Wall-clock times carry over: the stable's 08:00 is 08:00 in the new hotel's own time zone.
        stable = db.session.scalar(
            select(ResourcePool).where(ResourcePool.hotel_id == target.id, ResourcePool.code == "stable")
        )
        first = db.session.scalar(select(Slot).where(Slot.pool_id == stable.id).order_by(Slot.starts_at))
        assert target.local(first.starts_at).time().isoformat() == "08:00:00"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalog.copied"))
        assert (entry.hotel_id, entry.after["from"]) == (target.id, "langbiang")

        stay = make_stay(target, room="12", surname="Ngo", children_ages=[])
        token = stay.access_token
        # The new hotel's guests reach it on its own host name; the lodge's would not know them.
        target.hosts.append(HotelHost(host="new.lobby.test"))
        db.session.commit()
        riding = db.session.scalar(
            select(Service.id).where(Service.hotel_id == target.id, Service.code == "horse_riding")
        )

    phone = on(app.test_client(), "http://new.lobby.test")
    assert phone.open_link(token).status_code == 302
    page = phone.client.get(f"/services/{riding}").get_data(as_text=True)
    slot = re.findall(r'name="slot" value="(\d+)"', page)[-1]
    assert phone.post(f"/services/{riding}", {"slot": slot, "adults": 1}).status_code == 302
    assert phone.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302
    with app.app_context():
        assert db.session.get(Slot, int(slot)).taken == 1
        assert db.session.get(Slot, int(slot)).hotel_id != 1


def test_photos_are_copied_as_new_files(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        riding = db.session.scalar(
            select(Service).where(Service.hotel_id == lodge.id, Service.code == "horse_riding")
        )
        original = photos.add_photo(riding, jpeg())
        name, widths = original.name, list(original.widths)
        target = new_hotel("dalat-photos")
        assert catalog_copy.copy_catalog(lodge, target).photos == 1
        copy = db.session.scalar(select(ServicePhoto).where(ServicePhoto.hotel_id == target.id))
        assert copy.name != name and copy.widths == widths
        folder = Path(app.config["UPLOAD_FOLDER"])
        for width in widths:
            assert (folder / f"{copy.name}-{width}.webp").read_bytes() == (
                folder / f"{name}-{width}.webp"
            ).read_bytes()
        # Removing the copy leaves the lodge's photo and its files as they were.
        photos.remove_photo(db.session.get(Service, copy.service_id), copy.id)
        assert all((folder / f"{name}-{width}.webp").exists() for width in widths)
        assert (
            db.session.scalar(select(ServicePhoto.name).where(ServicePhoto.service_id == riding.id)) == name
        )


def test_prices_are_converted_at_the_groups_rates_and_rounded(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        target = new_hotel("kl-city", currency="MYR", timezone="Asia/Kuala_Lumpur")
        report = catalog_copy.copy_catalog(lodge, target)
        assert report.converted
        prices = {
            s.code: (s.price_adult, s.price_child, s.price_unit)
            for s in db.session.scalars(select(Service).where(Service.hotel_id == target.id))
        }
    # 650,000 ₫ × 0.0000394 ÷ 0.224 = RM 114.33 → RM 115.00; 450,000 ₫ → RM 79.15 → RM 79.00.
    assert prices["horse_riding"] == (11500, 7900, 0)
    assert prices["crib"] == (0, 0, 0)  # free stays free
    assert prices["car_rental"] == (0, 0, 24500)  # 1,400,000 ₫ → RM 246.25 → RM 245.00


@pytest.mark.parametrize(
    ("amount", "source", "target", "expected"),
    [
        (650000, "VND", "MYR", 11500),
        (11500, "MYR", "VND", 655000),  # RM 115 → 653,807 ₫ → 655,000 ₫
        (9000, "GEL", "MYR", 15000),  # ₾90 → RM 148.66 → RM 150.00
        (1, "MYR", "VND", 57),  # a sen is 56.9 ₫: whole đồng, never zero
        (1000, "VND", "GEL", 11),  # 1,000 ₫ is ₾0.106: rounded to a tetri, not to free
        (2500, "USD", "MYR", 11000),  # $25 → RM 111.61 → RM 110.00 (the reporting currency counts 1)
        (0, "VND", "MYR", 0),
        (4200, "MYR", "MYR", 4200),
    ],
)
def test_converted_price(amount, source, target, expected):
    rates = {"VND": Decimal("0.0000394"), "MYR": Decimal("0.224"), "GEL": Decimal("0.37"), "USD": Decimal(1)}
    assert catalog_copy.converted_price(amount, source, target, rates) == expected


def test_without_a_rate_the_copy_says_so_and_makes_nothing(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        target = new_hotel("zurich", currency="CHF", timezone="Europe/Zurich")
        with pytest.raises(LobbyError, match="no exchange rate for CHF"):
            catalog_copy.copy_catalog(lodge, target)
        assert catalog(target.id) == {"pools": {}, "services": {}, "packages": {}}
        db.session.add(ExchangeRate(group_id=lodge.group_id, currency="CHF", rate=Decimal("1.12")))
        db.session.commit()
        assert catalog_copy.copy_catalog(lodge, target).converted


def test_codes_the_target_has_are_skipped_and_reported_never_overwritten(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        target = new_hotel("dalat-three")
        own_stable = make_pool(target, "stable", 2)
        own = make_service(target, own_stable, "horse_riding", price_adult=1000, title={"en": "Our own ride"})
        db.session.commit()
        report = catalog_copy.copy_catalog(lodge, target)
        assert report.skipped_pools == ["stable"] and report.skipped_services == ["horse_riding"]
        db.session.refresh(own)
        assert (own.price_adult, own.title.as_dict(), own.pool.capacity) == (1000, {"en": "Our own ride"}, 2)
        # The copied pony ride shares the target's own stable; the nature package lists its own ride.
        pony = db.session.scalar(
            select(Service).where(Service.hotel_id == target.id, Service.code == "pony_ride")
        )
        assert pony.pool_id == own_stable.id
        nature = db.session.scalar(
            select(Package).where(Package.hotel_id == target.id, Package.code == "nature")
        )
        assert own.id in [service.id for service in nature.services]
        # A second copy skips everything.
        again = catalog_copy.copy_catalog(lodge, target)
        assert (again.services, again.packages, again.pools) == ([], [], [])


def test_only_between_hotels_of_the_same_group(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        elsewhere = hotel_setup.create_hotel(
            hotel_setup.NewHotel("elsewhere", "Elsewhere", "VND", "Asia/Ho_Chi_Minh", ["en"], "en")
        )
        with pytest.raises(LobbyError, match="same group"):
            catalog_copy.copy_catalog(lodge, elsewhere)
        with pytest.raises(LobbyError):
            catalog_copy.copy_catalog(lodge, lodge)


def _sign_in(app, email: str) -> StaffActions:
    desk = StaffActions(app.test_client())
    assert desk.sign_in(email, DEMO_STAFF_PASSWORD).status_code == 302
    return desk


def test_the_group_office_copies_on_the_page(app, demo_template):
    with app.test_request_context():
        demo_template.seed()
        target = new_hotel("dalat-page")
        target_id = target.id
        kakheti = db.session.scalar(select(Hotel.id).where(Hotel.slug == "kakheti"))
    office = _sign_in(app, GROUP_OFFICE[0])
    page = office.client.get("/manage/catalog/copy").get_data(as_text=True)
    # Every other hotel of the group, named in the reader's language (Langkawi's own is Malay).
    assert "Hotel dalat-page" in page and "Cenang Bay Family Resort" in page and "Gombori" in page
    answer = office.post("/manage/catalog/copy", {"target": target_id}, page="/manage/catalog/copy")
    assert answer.status_code == 200
    shown = answer.get_data(as_text=True)
    assert "25 services copied." in shown and "Promo codes are not copied." in shown
    # Into Kakheti, in lari: the lodge's codes it has already are named.
    into_kakheti = office.post("/manage/catalog/copy", {"target": kakheti}, page="/manage/catalog/copy")
    assert "Already there, left as they were:" in into_kakheti.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Service.id)).where(Service.hotel_id == target_id)) == 25


def test_who_may_copy(app, demo_template):
    with app.test_request_context():
        lodge, _stays = demo_template.seed()
        group = db.session.scalar(select(HotelGroup))
        by_slug = {hotel.slug: hotel for hotel in db.session.scalars(select(Hotel))}

        def user(email: str) -> StaffUser:
            return db.session.scalar(select(StaffUser).where(StaffUser.email == email))

        office, manager, dewi = user(GROUP_OFFICE[0]), user(DEMO_STAFF[1][0]), user(TWO_HOTELS[0])
        assert office.group_id == group.id
        assert catalog_copy.may_copy(office, lodge, by_slug["kakheti"])
        assert not catalog_copy.may_copy(manager, lodge, by_slug["kakheti"])  # a manager at the lodge only
        assert catalog_copy.copy_targets(manager, lodge) == []
        # Dewi manages Kakheti but only receives guests at Langkawi: not enough to copy either way.
        assert not catalog_copy.may_copy(dewi, by_slug["kakheti"], by_slug["langkawi"])
        assert staff_access.role_at(dewi, by_slug["kakheti"].id) is StaffRole.MANAGER
    # The lodge's manager sees the page, with nowhere to copy to, and cannot post a hotel it does not manage.
    desk = _sign_in(app, DEMO_STAFF[1][0])
    page = desk.client.get("/manage/catalog/copy")
    assert page.status_code == 200
    assert "There is no other hotel in this hotel's group that you manage." in page.get_data(as_text=True)
    refused = desk.post(
        "/manage/catalog/copy", {"target": by_slug["kakheti"].id}, page="/manage/catalog/copy"
    )
    assert refused.status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(Service.id)).where(Service.hotel_id == by_slug["kakheti"].id))
            == 11
        )
