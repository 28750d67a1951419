"""Builders that make a whole working hotel in one call, so a test states only what is special."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    MarketingConsent,
    Order,
    OrderLine,
    OrderStatus,
    Package,
    PoolMode,
    ResourcePool,
    Room,
    Schedule,
    Service,
    ServiceKind,
    Slot,
    Stay,
)
from app.services import availability, guest_access


@dataclass
class World:
    hotel_id: int
    today: date
    services: dict[str, int] = field(default_factory=dict)
    pools: dict[str, int] = field(default_factory=dict)
    stays: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)


def make_hotel(slug: str = "test-lodge", **overrides) -> Hotel:
    fields = {
        "slug": slug,
        "name": {"en": "Test Lodge", "vi": "Nhà nghỉ Thử"},
        "currency": "EUR",
        "timezone": "Europe/Vienna",
        "default_locale": "en",
        "enabled_locales": ["en", "vi"],
        "large_family_min_children": 3,
        "large_family_discount_percent": 10,
    }
    hotel = Hotel(**(fields | overrides))
    db.session.add(hotel)
    db.session.flush()
    return hotel


def make_pool(
    hotel: Hotel, code: str, capacity: int, mode=PoolMode.SESSIONS, times=("09:00", "14:00")
) -> ResourcePool:
    pool = ResourcePool(hotel_id=hotel.id, code=code, name={"en": code.title()}, capacity=capacity, mode=mode)
    if mode is PoolMode.SESSIONS:
        for weekday in range(7):
            for start in times:
                pool.schedules.append(
                    Schedule(
                        hotel_id=hotel.id, weekday=weekday, start_time=time.fromisoformat(start), minutes=90
                    )
                )
    db.session.add(pool)
    db.session.flush()
    return pool


def make_service(hotel: Hotel, pool: ResourcePool, code: str, kind=ServiceKind.SLOT, **fields) -> Service:
    defaults = {
        "title": {"en": code.replace("_", " ").capitalize(), "vi": f"[vi] {code}"},
        "summary": {"en": f"About {code}", "vi": f"Về {code}"},
        "description": {"en": f"All about {code}."},
        "price_adult": 0,
        "price_child": 0,
        "price_unit": 0,
        "duration_minutes": 90,
        "lead_time_minutes": 60,
        "cancel_window_hours": 24,
    }
    service = Service(hotel_id=hotel.id, pool=pool, code=code, kind=kind, **(defaults | fields))
    db.session.add(service)
    db.session.flush()
    return service


def make_stay(hotel: Hotel, room: str = "204", surname: str = "Garcia", **fields) -> Stay:
    today = hotel.today()
    defaults = {
        "first_name": "Elena",
        "arrival": today - timedelta(days=1),
        "departure": today + timedelta(days=5),
        "adults": 2,
        "children_ages": [4, 9],
    }
    stay = guest_access.create_stay(hotel, room=room, surname=surname, **(defaults | fields))
    if stay.arrival <= today and "checked_in_at" not in fields:
        stay.checked_in_at = clock.now()  # in the house, as if the desk had checked them in
    db.session.commit()  # as the desk's check-in would: a booking's write transaction takes no pending rows
    return stay


ROOMS = [*range(101, 121), *range(201, 221), *range(301, 311)]


def make_rooms(hotel: Hotel, numbers=ROOMS) -> None:
    db.session.add_all(Room(hotel_id=hotel.id, number=str(number)) for number in numbers)
    db.session.commit()  # kept, as the manager's room list page would: check-in starts a clean transaction


def build_world(slot_days: int = 10) -> World:
    # Opt-out: its guests with an address get the offers and thank-you emails the tests read, as
    # before consent was asked; tests/messages/test_consent.py tries both rules.
    hotel = make_hotel(marketing_consent=MarketingConsent.OPT_OUT)
    today = hotel.today()
    world = World(hotel_id=hotel.id, today=today)
    make_rooms(hotel)

    stable = make_pool(hotel, "stable", capacity=6)
    cars = make_pool(hotel, "cars", capacity=2, mode=PoolMode.DAILY)
    cribs = make_pool(hotel, "cribs", capacity=2, mode=PoolMode.DAILY)
    for pool in (stable, cars, cribs):
        availability.ensure_slots(pool, today, today + timedelta(days=slot_days))
        world.pools[pool.code] = pool.id

    services = [
        make_service(
            hotel,
            stable,
            "horse_riding",
            price_adult=6000,
            price_child=4000,
            min_age=8,
            tags=["outdoor", "animals", "sport"],
        ),
        make_service(
            hotel,
            stable,
            "pony_ride",
            price_child=2500,
            min_age=3,
            max_age=10,
            duration_minutes=30,
            tags=["kids", "animals"],
        ),
        make_service(
            hotel,
            stable,
            "farm_visit",
            price_adult=1500,
            price_child=1000,
            free_under_age=5,
            tags=["kids", "animals", "outdoor"],
        ),
        make_service(
            hotel,
            cars,
            "car_rental",
            kind=ServiceKind.RENTAL,
            price_unit=5500,
            duration_minutes=1440,
            lead_time_minutes=0,
            tags=["rental"],
        ),
        make_service(
            hotel,
            cribs,
            "crib",
            kind=ServiceKind.AMENITY,
            cancel_window_hours=0,
            lead_time_minutes=0,
            tags=["kids"],
        ),
    ]
    world.services = {service.code: service.id for service in services}

    family = Package(
        hotel_id=hotel.id,
        code="family",
        audience="family",
        title={"en": "Family"},
        summary={"en": "For families"},
        position=0,
    )
    nature = Package(
        hotel_id=hotel.id,
        code="nature",
        audience="nature",
        title={"en": "Nature"},
        summary={"en": "Outside"},
        position=1,
    )
    family.services = [services[1], services[2], services[4]]
    nature.services = [services[0], services[3]]
    db.session.add_all([family, nature])

    for key, stay in {
        "garcia": make_stay(hotel),
        "other": make_stay(hotel, room="301", surname="Novak", children_ages=[]),
    }.items():
        world.stays[key] = stay.id
        world.tokens[key] = stay.access_token
        world.references[key] = stay.booking_reference
    db.session.commit()
    return world


def riding_slot(world: World, days_ahead: int = 2) -> Slot:
    """The world's first stable time (horse riding, farm visit) ``days_ahead`` days from today.

    Two days ahead is inside the lead time and the free cancellation window.
    """
    return db.session.scalars(
        select(Slot)
        .where(Slot.pool_id == world.pools["stable"])
        .where(Slot.local_date == world.today + timedelta(days=days_ahead))
        .order_by(Slot.starts_at)
    ).first()


def placed_order(
    hotel_id: int, stay_id: int, reference: str, placed_at: datetime, currency: str = "EUR"
) -> Order:
    """A confirmed order placed at ``placed_at``, in the session; ``placed_line`` gives it its lines."""
    order = Order(
        hotel_id=hotel_id,
        stay_id=stay_id,
        reference=reference,
        status=OrderStatus.CONFIRMED,
        currency=currency,
        placed_at=placed_at,
    )
    db.session.add(order)
    return order


def placed_line(world: World, order: Order, code: str, total: int, **overrides) -> OrderLine:
    """A booked line for one adult on ``order``, placed with it, for an hour starting a day later."""
    placed = order.placed_at
    fields = {
        "hotel_id": world.hotel_id,
        "order": order,
        "service_id": world.services[code],
        "status": LineStatus.BOOKED,
        "starts_at": placed + timedelta(days=1),
        "ends_at": placed + timedelta(days=1, hours=1),
        "adults": 1,
        "currency": "EUR",
        "placed_at": placed,
        "subtotal": total,
        "total": total,
    }
    line = OrderLine(**(fields | overrides))
    db.session.add(line)
    return line
