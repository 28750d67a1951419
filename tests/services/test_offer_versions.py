"""What moves a stay's bookings version and a hotel's catalog version, and what must not."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Order, Package, PromoCode, PromoKind, ResourcePool, Service, Slot, Stay
from app.services import availability, cancellations, capacity, catalog_admin, ordering, planning, waitlist
from tests.factories import riding_slot


def versions(world) -> dict[str, int]:
    """Every stay's bookings version and the hotel's catalog version, read from the database."""
    db.session.expire_all()
    found = {key: db.session.get(Stay, stay_id).bookings_version for key, stay_id in world.stays.items()}
    found["catalog"] = db.session.get(Hotel, world.hotel_id).catalog_version
    db.session.rollback()
    return found


def moved(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in before if after[key] != before[key]}


def stay(world, key: str = "garcia") -> Stay:
    return db.session.get(Stay, world.stays[key])


def ride(world, key: str = "garcia", days_ahead: int = 2) -> planning.BookingRequest:
    return planning.BookingRequest(
        service_id=world.services["horse_riding"], slot_id=riding_slot(world, days_ahead).id, adults=1
    )


def test_a_cart_line_its_booking_and_its_cancellation_each_move_the_stay_only(ctx, world):
    start = versions(world)
    ordering.add_to_cart(stay(world), ride(world, days_ahead=3))
    db.session.commit()
    in_cart = versions(world)
    line_id = ordering.checkout(stay(world)).lines[0].id
    booked = versions(world)
    cancellations.cancel_line(stay(world), line_id)

    assert moved(start, in_cart) == {"garcia": 1}
    # Seats taken and given back with them: the catalog stays put.
    assert set(moved(in_cart, booked)) == {"garcia"}
    assert set(moved(booked, versions(world))) == {"garcia"}


def test_seats_taken_by_another_stay_move_neither_this_stay_nor_the_catalog(ctx, world):
    start = versions(world)

    ordering.book_now(stay(world, "other"), ride(world, "other"))

    assert set(moved(start, versions(world))) == {"other"}


def test_the_party_moves_the_stay_and_the_language_does_not(ctx, world):
    start = versions(world)
    stay(world).locale = "vi"
    db.session.commit()
    language_only = versions(world)
    stay(world).children_ages = [4, 9, 1]
    db.session.commit()

    assert moved(start, language_only) == {}
    assert moved(language_only, versions(world)) == {"garcia": 1}


def test_joining_a_waiting_list_moves_the_stay(ctx, world):
    slot = riding_slot(world)
    availability.set_aside_seats(slot, slot.capacity)  # sold out, as waiting lists need
    db.session.commit()
    start = versions(world)

    waitlist.join(stay(world), ride(world))

    assert moved(start, versions(world)) == {"garcia": 1}


def test_catalog_changes_move_the_hotel_once_per_flush(ctx, world):
    start = versions(world)
    service = db.session.get(Service, world.services["pony_ride"])
    service.active = False
    service.pinned = True
    db.session.commit()
    paused = versions(world)
    db.session.get(Hotel, world.hotel_id).gold_discount_percent = 15
    db.session.commit()
    discounted = versions(world)
    db.session.add(
        PromoCode(
            hotel_id=world.hotel_id,
            code="SPRING",
            kind=PromoKind.PERCENT,
            value=10,
            valid_from=world.today,
            valid_until=world.today + timedelta(days=30),
        )
    )
    db.session.commit()

    assert moved(start, paused) == {"catalog": 1}
    assert moved(paused, discounted) == {"catalog": 1}
    assert moved(discounted, versions(world)) == {"catalog": 1}


def test_capacity_closures_and_schedules_move_the_hotel(ctx, world):
    stable = db.session.get(ResourcePool, world.pools["stable"])
    start = versions(world)
    capacity.close_slot(stable, riding_slot(world, 3).id)
    closed = versions(world)
    capacity.set_capacity(
        db.session.get(ResourcePool, world.pools["stable"]), 6
    )  # same number: slots rewritten
    same_capacity = versions(world)

    assert moved(start, closed) == {"catalog": 1}
    assert moved(closed, same_capacity) == {"catalog": 1}


def test_a_dropped_time_takes_cart_lines_with_it_and_moves_their_stays(ctx, world):
    ordering.add_to_cart(stay(world, "other"), ride(world, "other", days_ahead=3))
    db.session.commit()
    start = versions(world)
    stable = db.session.get(ResourcePool, world.pools["stable"])

    capacity.set_schedule(stable, [capacity.WeeklyTime(day, time(14), 90) for day in range(7)])

    assert set(moved(start, versions(world))) == {"other", "catalog"}


def test_reordering_a_package_moves_the_hotel(ctx, world):
    family = db.session.scalar(select(Package).where(Package.code == "family"))
    start = versions(world)

    catalog_admin.move_in_package(family, world.services["farm_visit"], -1)

    assert moved(start, versions(world)) == {"catalog": 1}


def test_a_slot_is_never_written_by_the_orm_for_its_seats_but_would_not_count_if_it_were(ctx, world):
    slot = db.session.get(Slot, riding_slot(world).id)
    start = versions(world)
    slot.taken = 1
    db.session.commit()

    assert moved(start, versions(world)) == {}


def test_the_loaded_stay_shows_its_new_version_before_the_commit(ctx, world):
    garcia = stay(world)
    was = garcia.bookings_version

    db.session.add(Order(hotel_id=world.hotel_id, stay_id=garcia.id, reference="CART-1", currency="EUR"))
    db.session.flush()

    assert garcia.bookings_version == was + 1
