"""Builds the demo hotel from catalog_data: catalog, 30 days of slots and a few stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    Package,
    PoolMode,
    RequestKind,
    ResourcePool,
    Room,
    Schedule,
    Service,
    ServiceKind,
    StaffRole,
    Stay,
    Tier,
    package_service,
)
from app.seed import catalog_data as data
from app.seed.texts import all_languages
from app.services import availability, guest_access, guest_requests, staff_accounts

SLOT_DAYS = 30
# Demo database only: `make run` prints these so a newcomer can open the desk at once.
DEMO_STAFF_PASSWORD = "lobby-demo"
DEMO_STAFF = [
    ("reception@lobby.test", StaffRole.RECEPTIONIST, "Linh (reception)"),
    ("manager@lobby.test", StaffRole.MANAGER, "Hoa (manager)"),
]
SERVICE_TEXTS = ("title", "summary", "description")


@dataclass
class DemoStays:
    in_house: Stay
    large_family: Stay
    arriving: Stay


def demo_hotel_exists() -> bool:
    return db.session.scalar(select(Hotel.id).where(Hotel.slug == data.HOTEL["slug"])) is not None


def seed_demo() -> tuple[Hotel, DemoStays]:
    hotel = Hotel(**{**data.HOTEL, "name": all_languages("hotel.name", data.HOTEL["name"])})
    db.session.add(hotel)
    db.session.flush()
    today = hotel.today()

    pools = {spec["code"]: _pool(hotel, spec, today) for spec in data.POOLS}
    services = {spec["code"]: _service(hotel, spec, pools) for spec in data.SERVICES}
    db.session.flush()
    for position, spec in enumerate(data.PACKAGES):
        package = Package(
            hotel_id=hotel.id,
            code=spec["code"],
            audience=spec["audience"],
            **_texts("package", spec, ("title", "summary")),
            position=position,
        )
        db.session.add(package)
        db.session.flush()
        db.session.execute(
            package_service.insert(),
            [
                {"package_id": package.id, "service_id": services[code].id, "position": index}
                for index, code in enumerate(spec["services"])
            ],
        )

    # The lodge's rooms: three floors; check-in accepts only these.
    numbers = [*range(101, 121), *range(201, 221), *range(301, 311)]
    db.session.add_all(Room(hotel_id=hotel.id, number=str(number)) for number in numbers)
    stays = DemoStays(
        in_house=guest_access.create_stay(
            hotel,
            room="204",
            surname="Garcia",
            first_name="Elena",
            email="elena.garcia@example.com",
            locale="en",
            arrival=today - timedelta(days=1),
            departure=today + timedelta(days=5),
            adults=2,
            children_ages=[4, 9],
            tier=Tier.SILVER,
        ),
        large_family=guest_access.create_stay(
            hotel,
            room="118",
            surname="Okafor",
            first_name="Chidi",
            email="chidi.okafor@example.com",
            locale="en",
            arrival=today,
            departure=today + timedelta(days=4),
            adults=2,
            children_ages=[2, 6, 11],
        ),
        arriving=guest_access.create_stay(
            hotel,
            room="305",
            surname="Trần",
            first_name="Minh Anh",
            email="minhanh.tran@example.com",
            locale="vi",
            arrival=today + timedelta(days=5),
            departure=today + timedelta(days=9),
            adults=2,
            children_ages=[],
            tier=Tier.GOLD,
        ),
    )
    # The two families in the house were checked in at the desk; Minh Anh is still expected.
    for stay in (stays.in_house, stays.large_family):
        stay.checked_in_at = clock.now() - timedelta(hours=3)
    for email, role, name in DEMO_STAFF:
        staff_accounts.create_staff(hotel, email, DEMO_STAFF_PASSWORD, role, name=name)
    # A believable morning at the desk: two requests already waiting.
    now = clock.now()
    guest_requests.open_request(stays.in_house, RequestKind.AMENITY, item="towels", quantity=2, now=now)
    guest_requests.open_request(
        stays.large_family,
        RequestKind.HELP,
        details="Our youngest has a cold. Could someone bring a kettle and some honey?",
        now=now - timedelta(minutes=20),
    )
    db.session.commit()
    return hotel, stays


def _pool(hotel: Hotel, spec: dict, today: date) -> ResourcePool:
    pool = ResourcePool(
        hotel_id=hotel.id,
        code=spec["code"],
        **_texts("pool", spec, ("name",)),
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


def _service(hotel: Hotel, spec: dict, pools: dict[str, ResourcePool]) -> Service:
    fields = {key: value for key, value in spec.items() if key not in {"pool", "kind"}}
    fields.update(_texts("service", spec, SERVICE_TEXTS))
    service = Service(hotel_id=hotel.id, kind=ServiceKind(spec["kind"]), pool=pools[spec["pool"]], **fields)
    db.session.add(service)
    return service


def _texts(kind: str, spec: dict, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {field: all_languages(f"{kind}.{spec['code']}.{field}", spec[field]) for field in fields}


def text_keys() -> list[str]:
    """Every translatable text of the demo catalog, as keys of ``app.seed.texts``."""
    keys = ["hotel.name"]
    keys += [f"pool.{spec['code']}.name" for spec in data.POOLS]
    keys += [f"package.{spec['code']}.{field}" for spec in data.PACKAGES for field in ("title", "summary")]
    keys += [f"service.{spec['code']}.{field}" for spec in data.SERVICES for field in SERVICE_TEXTS]
    return keys
