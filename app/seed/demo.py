"""Builds the demo group from plain data: three hotels, each with its catalog, slots, rooms and guests.

The lodge near Đà Lạt (``catalog_data``) comes first and keeps everything it always had; the
resort on Langkawi and the mountain hotel in Kakheti (``app.seed.hotels``) join it in one group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from types import ModuleType

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    ExchangeRate,
    Hotel,
    HotelGroup,
    HotelHost,
    Package,
    PoolMode,
    RequestKind,
    ResourcePool,
    Room,
    Schedule,
    Service,
    ServiceKind,
    StaffMembership,
    StaffRole,
    StaffUser,
    Stay,
    Tier,
    package_service,
)
from app.seed import catalog_data as data
from app.seed import hotels
from app.seed.texts import Translations
from app.services import availability, guest_access, guest_requests, staff_accounts

SLOT_DAYS = 30
# Demo database only: `make run` prints these so a newcomer can open the desk at once.
DEMO_STAFF_PASSWORD = "lobby-demo"
# The lodge's desk and manager, as always.
DEMO_STAFF = [
    ("reception@lobby.test", StaffRole.RECEPTIONIST, "Linh (reception)"),
    ("manager@lobby.test", StaffRole.MANAGER, "Hoa (manager)"),
]
# The group's office (every hotel of the group) and one person with a different role in two hotels.
GROUP_OFFICE = ("group@lobby.test", "Lan (group office)")
TWO_HOTELS = ("dewi@lobby.test", "Dewi (reception at Langkawi, manager at Kakheti)")
SERVICE_TEXTS = ("title", "summary", "description")


@dataclass
class DemoStays:
    in_house: Stay
    large_family: Stay
    arriving: Stay


def demo_hotel_exists() -> bool:
    return db.session.scalar(select(Hotel.id).where(Hotel.slug == data.HOTEL["slug"])) is not None


def seed_demo() -> tuple[Hotel, DemoStays]:
    """The demo group; returns the lodge and its three stays, which most tests start from."""
    group = HotelGroup(**hotels.GROUP)
    group.rates = [ExchangeRate(currency=code, rate=rate) for code, rate in hotels.RATES.items()]
    db.session.add(group)
    seeded = {spec.HOTEL["slug"]: seed_hotel(spec, group) for spec in hotels.HOTELS}
    lodge, lodge_stays = seeded[data.HOTEL["slug"]]
    stays = DemoStays(*lodge_stays[:3])
    _staff(group, {slug: hotel for slug, (hotel, _stays) in seeded.items()})
    # A believable morning at the lodge's desk: two requests already waiting.
    now = clock.now()
    guest_requests.open_request(stays.in_house, RequestKind.AMENITY, item="towels", quantity=2, now=now)
    guest_requests.open_request(
        stays.large_family,
        RequestKind.HELP,
        details="Our youngest has a cold. Could someone bring a kettle and some honey?",
        now=now - timedelta(minutes=20),
    )
    db.session.commit()
    return lodge, stays


def seed_hotel(spec: ModuleType, group: HotelGroup | None = None) -> tuple[Hotel, list[Stay]]:
    """One hotel of ``app.seed.hotels`` (or ``catalog_data``): its face, catalog, slots, rooms and stays."""
    words = spec.TRANSLATIONS
    hotel = Hotel(
        **{
            **spec.HOTEL,
            "name": words.all_languages("hotel.name", spec.HOTEL["name"]),
            "house_rules": words.all_languages("hotel.house_rules", spec.HOTEL["house_rules"]),
        },
        group=group,
        hosts=[HotelHost(host=host) for host in spec.HOSTS],
    )
    db.session.add(hotel)
    db.session.flush()
    today = hotel.today()

    pools = {pool["code"]: _pool(hotel, pool, today, words) for pool in spec.POOLS}
    services = {service["code"]: _service(hotel, service, pools, words) for service in spec.SERVICES}
    db.session.flush()
    for position, package_spec in enumerate(spec.PACKAGES):
        package = Package(
            hotel_id=hotel.id,
            code=package_spec["code"],
            audience=package_spec["audience"],
            **_texts(words, "package", package_spec, ("title", "summary")),
            position=position,
        )
        db.session.add(package)
        db.session.flush()
        db.session.execute(
            package_service.insert(),
            [
                {"package_id": package.id, "service_id": services[code].id, "position": index}
                for index, code in enumerate(package_spec["services"])
            ],
        )
    db.session.add_all(Room(hotel_id=hotel.id, number=str(number)) for number in spec.ROOMS)
    stays = [_stay(hotel, today, stay) for stay in spec.STAYS]
    return hotel, stays


def _stay(hotel: Hotel, today: date, spec: dict) -> Stay:
    fields = {key: value for key, value in spec.items() if key not in {"arrival", "departure", "checked_in"}}
    if "tier" in fields:
        fields["tier"] = Tier(fields["tier"])
    stay = guest_access.create_stay(
        hotel,
        **fields,
        arrival=today + timedelta(days=spec["arrival"]),
        departure=today + timedelta(days=spec["departure"]),
    )
    if spec.get("checked_in"):  # checked in at the desk this morning
        stay.checked_in_at = clock.now() - timedelta(hours=3)
    return stay


def _staff(group: HotelGroup, by_slug: dict[str, Hotel]) -> None:
    lodge = by_slug[data.HOTEL["slug"]]
    for email, role, name in DEMO_STAFF:
        _member(staff_accounts.create_staff(lodge, email, DEMO_STAFF_PASSWORD, role, name=name), lodge, role)
    email, name = GROUP_OFFICE
    office = staff_accounts.create_staff(lodge, email, DEMO_STAFF_PASSWORD, StaffRole.ADMIN, name=name)
    office.group_id = group.id
    _member(office, lodge, StaffRole.ADMIN)
    email, name = TWO_HOTELS
    langkawi, kakheti = by_slug[hotels.langkawi.HOTEL["slug"]], by_slug[hotels.kakheti.HOTEL["slug"]]
    dewi = staff_accounts.create_staff(
        langkawi, email, DEMO_STAFF_PASSWORD, StaffRole.RECEPTIONIST, name=name
    )
    _member(dewi, langkawi, StaffRole.RECEPTIONIST)
    _member(dewi, kakheti, StaffRole.MANAGER)


def _member(user: StaffUser, hotel: Hotel, role: StaffRole) -> None:
    """``user`` works at ``hotel`` as ``role`` (unless creating the account already said so)."""
    db.session.flush()
    exists = db.session.scalar(
        select(StaffMembership.id).where(
            StaffMembership.staff_user_id == user.id, StaffMembership.hotel_id == hotel.id
        )
    )
    if exists is None:
        db.session.add(StaffMembership(staff_user_id=user.id, hotel_id=hotel.id, role=role))


def _pool(hotel: Hotel, spec: dict, today: date, words: Translations) -> ResourcePool:
    pool = ResourcePool(
        hotel_id=hotel.id,
        code=spec["code"],
        **_texts(words, "pool", spec, ("name",)),
        capacity=spec["capacity"],
        mode=PoolMode(spec["mode"]),
    )
    for block in spec.get("schedule", []):
        for weekday in block["weekdays"]:
            for start in block["times"]:
                pool.schedules.append(
                    Schedule(
                        hotel_id=hotel.id,
                        weekday=weekday,
                        start_time=time.fromisoformat(start),
                        minutes=block["minutes"],
                    )
                )
    db.session.add(pool)
    db.session.flush()
    availability.ensure_slots(pool, today, today + timedelta(days=SLOT_DAYS))
    for event in spec.get("events", []):
        availability.add_event_slot(
            pool,
            today + timedelta(days=event["day_offset"]),
            time.fromisoformat(event["time"]),
            event["minutes"],
        )
    return pool


def _service(hotel: Hotel, spec: dict, pools: dict[str, ResourcePool], words: Translations) -> Service:
    fields = {key: value for key, value in spec.items() if key not in {"pool", "kind"}}
    fields.update(_texts(words, "service", spec, SERVICE_TEXTS))
    service = Service(hotel_id=hotel.id, kind=ServiceKind(spec["kind"]), pool=pools[spec["pool"]], **fields)
    db.session.add(service)
    return service


def _texts(words: Translations, kind: str, spec: dict, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {field: words.all_languages(f"{kind}.{spec['code']}.{field}", spec[field]) for field in fields}


def text_keys(spec: ModuleType = data) -> list[str]:
    """Every translatable text of one demo hotel's catalog, as keys of its translations."""
    keys = ["hotel.name", "hotel.house_rules"]
    keys += [f"pool.{pool['code']}.name" for pool in spec.POOLS]
    keys += [f"package.{p['code']}.{field}" for p in spec.PACKAGES for field in ("title", "summary")]
    keys += [f"service.{s['code']}.{field}" for s in spec.SERVICES for field in SERVICE_TEXTS]
    return keys
