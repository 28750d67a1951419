"""The demo hotel: every service of the brief, texts in every enabled language, slots and guests."""

from __future__ import annotations

import importlib
from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.models import Package, ResourcePool, Service, ServiceKind, ServiceTag, Slot, Stay
from app.seed.demo import text_keys
from app.seed.texts import LOCALES

BRIEF = {
    "family": [
        "crib", "stroller", "kids' club", "party", "pool", "playground", "babysitting", "pediatrician",
        "kids' menu", "excursion", "equipment", "transfer",
    ],
    "outdoor": ["transfer", "excursion", "disco", "ticket", "car", "scooter"],
    "nature": ["fishing", "horse", "sauna", "boat", "paintball", "zoo", "farm"],
}  # fmt: skip


def test_demo_hotel_has_every_service_of_the_brief(app, demo_template):
    with app.test_request_context():
        hotel, _stays = demo_template.seed()
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


def test_every_demo_text_exists_in_every_enabled_language(app, demo_template):
    with app.app_context():
        hotel, _stays = demo_template.seed()
        assert set(hotel.enabled_locales) == set(app.config["LANGUAGES"])
        texts = [hotel.name]
        texts += [p.title for p in db.session.scalars(select(Package))]
        texts += [p.summary for p in db.session.scalars(select(Package))]
        texts += [p.name for p in db.session.scalars(select(ResourcePool))]
        for service in db.session.scalars(select(Service)):
            texts += [service.title, service.summary, service.description]
        missing = {
            locale: [t.localize("en") for t in texts if not t.has(locale)] for locale in hotel.enabled_locales
        }
        assert missing == {locale: [] for locale in hotel.enabled_locales}


def test_every_translated_text_belongs_to_the_catalog():
    """A key that matches no catalog text is a typo, and its translation would never show."""
    known = set(text_keys())
    for locale in LOCALES:
        module = importlib.import_module(f"app.seed.texts.{locale}")
        assert set(module.TEXTS) - known == set(), locale


def test_stable_is_shared_and_slots_cover_the_next_30_days(app, demo_template):
    with app.app_context():
        demo_template.seed()
        riding = db.session.scalar(select(Service).where(Service.code == "horse_riding"))
        sharing = db.session.scalars(select(Service.code).where(Service.pool_id == riding.pool_id)).all()
        assert "pony_ride" in sharing
        days = db.session.scalar(
            select(func.count(func.distinct(Slot.local_date))).where(Slot.pool_id == riding.pool_id)
        )
        assert days >= 30


def test_demo_stays(app, demo_template):
    with app.app_context():
        _hotel, stays = demo_template.seed()
        garcia = db.session.get(Stay, stays.in_house.id)
        assert (garcia.room, garcia.surname, garcia.adults, garcia.children_ages) == (
            "204",
            "Garcia",
            2,
            [4, 9],
        )
        arriving = db.session.get(Stay, stays.arriving.id)
        assert (arriving.arrival - garcia.arrival).days == 6  # Garcia arrived yesterday; they come in 5 days


def test_every_demo_service_says_what_it_is(app, demo_template):
    with app.test_request_context():
        demo_template.seed()
        services = {s.code: s for s in db.session.scalars(select(Service))}
    assert all(service.tags for service in services.values())
    assert {tag for service in services.values() for tag in service.tags} == set(ServiceTag)
    assert services["airport_transfer"].tags == [ServiceTag.TRANSFER]
    excursions = {code for code, service in services.items() if ServiceTag.EXCURSION in service.tags}
    assert excursions == {"group_excursion", "private_excursion"}
