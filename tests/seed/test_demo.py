"""The demo group: every service of the brief at the lodge, three hotels with their own currency,
languages and time zone, texts in every language each enables, slots, guests and staff."""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    ExchangeRate,
    Hotel,
    HotelGroup,
    Package,
    ResourcePool,
    Service,
    ServiceKind,
    ServiceTag,
    Slot,
    StaffMembership,
    StaffRole,
    StaffUser,
    Stay,
)
from app.seed import hotels
from app.seed.demo import DEMO_STAFF_PASSWORD, GROUP_OFFICE, TWO_HOTELS, text_keys
from app.services import staff_accounts

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
        kinds = Counter(
            s.kind for s in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id))
        )
        assert all(kinds[kind] for kind in ServiceKind)


def test_every_demo_text_exists_in_every_language_its_hotel_enables(app, demo_template):
    with app.app_context():
        lodge, _stays = demo_template.seed()
        assert set(lodge.enabled_locales) == set(app.config["LANGUAGES"])
        for hotel in db.session.scalars(select(Hotel)):
            assert set(hotel.enabled_locales) <= set(app.config["LANGUAGES"])
            texts = [hotel.name, hotel.house_rules]
            texts += [
                p.title for p in db.session.scalars(select(Package).where(Package.hotel_id == hotel.id))
            ]
            texts += [
                p.summary for p in db.session.scalars(select(Package).where(Package.hotel_id == hotel.id))
            ]
            texts += [
                p.name
                for p in db.session.scalars(select(ResourcePool).where(ResourcePool.hotel_id == hotel.id))
            ]
            for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id)):
                texts += [service.title, service.summary, service.description]
            missing = {
                locale: [t.localize("en") for t in texts if not t.has(locale)]
                for locale in hotel.enabled_locales
            }
            assert missing == {locale: [] for locale in hotel.enabled_locales}, hotel.slug


def test_every_translated_text_belongs_to_the_catalog():
    """A key that matches no catalog text is a typo, and its translation would never show."""
    for spec in hotels.HOTELS:
        known = set(text_keys(spec))
        words = spec.TRANSLATIONS
        for locale in words.locales:
            module = importlib.import_module(f"{words.package}.{locale}")
            assert set(module.TEXTS) - known == set(), (spec.HOTEL["slug"], locale)
        enabled = set(spec.HOTEL["enabled_locales"]) - {"en"}
        assert words.missing(text_keys(spec)) == {locale: [] for locale in words.locales}
        assert enabled <= set(words.locales), spec.HOTEL["slug"]


def test_stable_is_shared_and_slots_cover_the_next_30_days(app, demo_template):
    with app.app_context():
        demo_template.seed()
        riding = db.session.scalar(
            select(Service).where(Service.code == "horse_riding", Service.hotel_id == 1)
        )
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
        hotel, _stays = demo_template.seed()
        services = {
            s.code: s for s in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id))
        }
        assert all(s.tags for s in db.session.scalars(select(Service)))
    assert all(service.tags for service in services.values())
    assert {tag for service in services.values() for tag in service.tags} == set(ServiceTag)
    assert services["airport_transfer"].tags == [ServiceTag.TRANSFER]
    excursions = {code for code, service in services.items() if ServiceTag.EXCURSION in service.tags}
    assert excursions == {"group_excursion", "private_excursion"}


def test_three_hotels_in_one_group_with_their_own_currency_languages_and_time_zone(app, demo_template):
    with app.app_context():
        lodge, _stays = demo_template.seed()
        assert lodge.id == 1 and lodge.slug == "langbiang"
        by_slug = {hotel.slug: hotel for hotel in db.session.scalars(select(Hotel))}
        facts = {
            slug: (h.currency, h.timezone, h.default_locale, h.enabled_locales[:2])
            for slug, h in by_slug.items()
        }
        assert facts == {
            "langbiang": ("VND", "Asia/Ho_Chi_Minh", "en", ["en", "vi"]),
            "langkawi": ("MYR", "Asia/Kuala_Lumpur", "ms", ["ms", "en"]),
            "kakheti": ("GEL", "Asia/Tbilisi", "ka", ["ka", "ru"]),
        }
        group = db.session.scalar(select(HotelGroup))
        assert {hotel.group_id for hotel in by_slug.values()} == {group.id}
        rates = {rate.currency: rate.rate for rate in db.session.scalars(select(ExchangeRate))}
        assert set(rates) == {"VND", "MYR", "GEL"} and group.reporting_currency == "USD"
        for slug, hotel in by_slug.items():
            assert [host.host for host in hotel.hosts] == [f"{slug}.localhost"]
            assert hotel.legal_name and hotel.privacy_email and hotel.contact_email and hotel.address
            assert hotel.house_rules.has(hotel.default_locale)
            # Each has its own catalog, rooms and guests: one in house with children, one arriving.
            services = db.session.scalars(select(Service).where(Service.hotel_id == hotel.id)).all()
            assert len(services) >= 11
            assert {
                p.code for p in db.session.scalars(select(Package).where(Package.hotel_id == hotel.id))
            } == {
                "family",
                "outdoor",
                "nature",
            }
            stays = db.session.scalars(select(Stay).where(Stay.hotel_id == hotel.id)).all()
            today = hotel.today()
            assert any(s.checked_in_at and s.children_ages for s in stays), slug
            assert any(s.arrival > today for s in stays), slug
            assert db.session.scalar(select(func.count(Slot.id)).where(Slot.hotel_id == hotel.id)) > 300


def test_prices_fit_each_currency(app, demo_template):
    """Minor units: a Langkawi jet-ski costs ringgit, not đồng; each hotel's priciest item is believable."""
    with app.app_context():
        demo_template.seed()
        highest = {}
        for hotel in db.session.scalars(select(Hotel)):
            prices = db.session.execute(
                select(Service.price_adult, Service.price_child, Service.price_unit).where(
                    Service.hotel_id == hotel.id
                )
            ).all()
            highest[hotel.currency] = max(max(row) for row in prices)
    assert 1_000_000 <= highest["VND"] <= 5_000_000  # ₫1–5 million
    assert 10_000 <= highest["MYR"] <= 50_000  # RM 100–500
    assert 5_000 <= highest["GEL"] <= 30_000  # ₾50–300


def test_the_wine_cellar_is_for_adults_and_the_kids_clubs_for_children(app, demo_template):
    with app.app_context():
        demo_template.seed()
        kakheti = db.session.scalar(select(Hotel).where(Hotel.slug == "kakheti"))
        cellar = db.session.scalar(
            select(Service).where(Service.hotel_id == kakheti.id, Service.code == "wine_cellar")
        )
        assert (cellar.min_age, cellar.price_child) == (18, 0)
        assert not cellar.accepts_age(17)
        for club in db.session.scalars(select(Service).where(Service.code == "kids_club")):
            assert (club.min_age, club.max_age) == (4, 12)


def test_demo_staff_group_office_and_one_person_in_two_hotels(app, demo_template):
    with app.app_context():
        demo_template.seed()
        slugs = {hotel.id: hotel.slug for hotel in db.session.scalars(select(Hotel))}
        group = db.session.scalar(select(HotelGroup))
        office = db.session.scalar(select(StaffUser).where(StaffUser.email == GROUP_OFFICE[0]))
        assert office.group_id == group.id
        dewi = db.session.scalar(select(StaffUser).where(StaffUser.email == TWO_HOTELS[0]))
        roles = {slugs[m.hotel_id]: m.role for m in dewi.memberships}
        assert roles == {"langkawi": StaffRole.RECEPTIONIST, "kakheti": StaffRole.MANAGER}
        # Every account works somewhere: one membership per account and hotel, the lodge's as before.
        for user in db.session.scalars(select(StaffUser)):
            assert user.memberships, user.email
            assert staff_accounts.authenticate(user.email, DEMO_STAFF_PASSWORD) is not None
        lodge_roles = {
            m.staff_user.email: m.role
            for m in db.session.scalars(select(StaffMembership).where(StaffMembership.hotel_id == 1))
        }
        assert lodge_roles["manager@lobby.test"] == StaffRole.MANAGER
        assert lodge_roles["reception@lobby.test"] == StaffRole.RECEPTIONIST


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("spec", hotels.HOTELS, ids=lambda spec: spec.HOTEL["slug"])
def test_each_hotels_colours_pass_wcag_aa(spec):
    """White text on the brand colour, the ink colour on the accent: at least 4.5:1 (WCAG AA)."""
    assert _contrast(spec.HOTEL["brand_color"], "#ffffff") >= 4.5
    assert _contrast(spec.HOTEL["accent_color"], "#1d2a24") >= 4.5
