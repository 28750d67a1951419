"""The demo hotel: every service of the brief, texts in English and Vietnamese, slots and guests."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.models import Package, ResourcePool, Service, ServiceKind, Slot, Stay
from app.seed.demo import seed_demo

BRIEF = {
    "family": [
        "crib", "stroller", "kids' club", "party", "pool", "playground", "babysitting", "pediatrician",
        "kids' menu", "excursion", "equipment", "transfer",
    ],
    "outdoor": ["transfer", "excursion", "disco", "ticket", "car", "scooter"],
    "nature": ["fishing", "horse", "sauna", "boat", "paintball", "zoo", "farm"],
}  # fmt: skip


def test_demo_hotel_has_every_service_of_the_brief(app):
    with app.test_request_context():
        hotel, _stays = seed_demo()
        packages = {
            p.code: p for p in db.session.scalars(select(Package).where(Package.hotel_id == hotel.id))
        }
        assert set(packages) == {"family", "outdoor", "nature"}
        for code, wanted in BRIEF.items():
            titles = " | ".join(s.title.localize("en").lower() for s in packages[code].services)
            missing = [word for word in wanted if word not in titles]
            assert missing == [], f"{code} package lacks {missing}: {titles}"
        kinds = Counter(s.kind for s in db.session.scalars(select(Service)))
        assert all(kinds[kind] for kind in ServiceKind)


def test_every_demo_text_exists_in_english_and_vietnamese(app):
    with app.app_context():
        seed_demo()
        texts = [p.title for p in db.session.scalars(select(Package))]
        texts += [p.name for p in db.session.scalars(select(ResourcePool))]
        for service in db.session.scalars(select(Service)):
            texts += [service.title, service.summary, service.description]
        missing = [t.as_dict() for t in texts if not (t.has("en") and t.has("vi"))]
        assert missing == []


def test_stable_is_shared_and_slots_cover_the_next_30_days(app):
    with app.app_context():
        seed_demo()
        riding = db.session.scalar(select(Service).where(Service.code == "horse_riding"))
        sharing = db.session.scalars(select(Service.code).where(Service.pool_id == riding.pool_id)).all()
        assert "pony_ride" in sharing
        days = db.session.scalar(
            select(func.count(func.distinct(Slot.local_date))).where(Slot.pool_id == riding.pool_id)
        )
        assert days >= 30


def test_demo_stays(app):
    with app.app_context():
        _hotel, stays = seed_demo()
        garcia = db.session.get(Stay, stays.in_house.id)
        assert (garcia.room, garcia.surname, garcia.adults, garcia.children_ages) == (
            "204",
            "Garcia",
            2,
            [4, 9],
        )
        arriving = db.session.get(Stay, stays.arriving.id)
        assert (arriving.arrival - garcia.arrival).days == 6  # Garcia arrived yesterday; they come in 5 days
