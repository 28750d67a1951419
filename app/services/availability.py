"""Slots and seats: what is free, and the only place that takes or gives back capacity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db
from app.models import OrderLine, PoolMode, ResourcePool, SeatAllocation, Service, Slot, Stay
from app.services.errors import SoldOut


def local_datetime(day: date, at: time, tz) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def ensure_slots(pool: ResourcePool, first_day: date, last_day: date) -> int:
    """Create the pool's slots for ``first_day``..``last_day`` (inclusive); return how many are new.

    Idempotent: existing slots (and the seats taken in them) are left alone.
    """
    if pool.mode is PoolMode.EVENTS:
        return 0  # event dates are set one by one, not from a weekly pattern
    tz = pool.hotel.tz
    existing = set(
        db.session.scalars(
            select(Slot.starts_at).where(
                Slot.pool_id == pool.id, Slot.local_date >= first_day, Slot.local_date <= last_day
            )
        )
    )
    created = 0
    day = first_day
    while day <= last_day:
        for starts, ends in _slot_times(pool, day, tz):
            if starts not in existing:
                db.session.add(
                    Slot(
                        hotel_id=pool.hotel_id,
                        pool_id=pool.id,
                        starts_at=starts,
                        ends_at=ends,
                        local_date=day,
                        capacity=pool.capacity,
                    )
                )
                created += 1
        day += timedelta(days=1)
    db.session.flush()
    return created


def add_event_slot(pool: ResourcePool, day: date, at: time, minutes: int) -> Slot:
    tz = pool.hotel.tz
    starts = local_datetime(day, at, tz)
    slot = Slot(
        hotel_id=pool.hotel_id,
        pool_id=pool.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        local_date=day,
        capacity=pool.capacity,
    )
    db.session.add(slot)
    return slot


def _slot_times(pool: ResourcePool, day: date, tz) -> Iterable[tuple[datetime, datetime]]:
    if pool.mode is PoolMode.DAILY:
        starts = local_datetime(day, time(0), tz)
        yield starts, local_datetime(day + timedelta(days=1), time(0), tz)
        return
    for schedule in pool.schedules:
        if schedule.weekday == day.weekday():
            starts = local_datetime(day, schedule.start_time, tz)
            yield starts, starts + timedelta(minutes=schedule.minutes)


def slots_for_stay(service: Service, stay: Stay, now: datetime, days: int = 7) -> list[Slot]:
    """The service's timed slots a stay can still book: during the stay, lead time respected.

    At most ``days`` days are listed, starting from today or from the day of arrival.
    """
    hotel = service.hotel
    tz = hotel.tz
    earliest = max(
        now + timedelta(minutes=service.lead_time_minutes), local_datetime(stay.arrival, time(0), tz)
    )
    latest = min(
        local_datetime(stay.departure + timedelta(days=1), time(0), tz),
        local_datetime(hotel.local(earliest).date() + timedelta(days=days), time(0), tz),
    )
    return _pool_slots(service, Slot.starts_at, Slot.starts_at >= earliest, Slot.starts_at < latest)


def day_slots(service: Service, first_day: date, last_day: date) -> list[Slot]:
    """The daily slots of a rental or amenity pool for a date range (inclusive)."""
    return _pool_slots(service, Slot.local_date, Slot.local_date >= first_day, Slot.local_date <= last_day)


def slots_between(service: Service, first_day: date, last_day: date) -> list[Slot]:
    """Every slot of the pool starting on a hotel-local day ``first_day``..``last_day``, in time order."""
    return _pool_slots(service, Slot.starts_at, Slot.local_date >= first_day, Slot.local_date <= last_day)


def _pool_slots(service: Service, order: InstrumentedAttribute, *window: ColumnElement[bool]) -> list[Slot]:
    """The slots of the service's pool within ``window``, ordered by ``order``."""
    return list(
        db.session.scalars(
            select(Slot)
            .where(Slot.pool_id == service.pool_id, Slot.hotel_id == service.hotel_id, *window)
            .order_by(order)
        )
    )


def take_seats(claims: list[tuple[OrderLine, list[Slot]]]) -> None:
    """Give each line its seats in each of its slots, or raise :class:`SoldOut` and take none.

    Must run inside :func:`app.services.locking.write_transaction`, which rolls the
    whole claim back on error. Each slot is claimed by a guarded
    ``UPDATE … WHERE taken + n <= capacity``: on PostgreSQL the update takes the row
    lock and re-checks the condition once a competing writer commits; on SQLite the
    immediate transaction already serializes writers. Claims run in slot-id order,
    across every line of the order, so two carts cannot deadlock each other.
    """
    ordered = sorted(((slot, line) for line, slots in claims for slot in slots), key=lambda pair: pair[0].id)
    for slot, line in ordered:
        seats = line.seats
        if not _claim(slot, seats):
            raise SoldOut(_sold_out_message(line.service))
        db.session.add(SeatAllocation(line=line, slot_id=slot.id, seats=seats))
    db.session.flush()
    for slot, _line in ordered:
        # The UPDATE bypassed the session: the next read of ``taken`` loads it, and only if one comes.
        db.session.expire(slot)


def refuse_if_sold_out(lines: list[tuple[OrderLine, int]]) -> None:
    """Raise :class:`SoldOut` when a timed line no longer fits its slot, from seats left read without a lock.

    ``lines`` pairs each timed line with its slot's ``capacity - taken`` as a plain read
    saw it: the last committed figure, read without queuing for the lock (no ``FOR UPDATE``
    on PostgreSQL, no ``BEGIN IMMEDIATE`` on SQLite). A crowd at a sold-out time is
    refused here at once instead of one by one behind the writer lock. Seats this read
    sees free may be gone a moment later, so it only ever refuses; :func:`take_seats`
    and its guarded UPDATE stay the truth.
    """
    wanted: Counter[int] = Counter()
    for line, _left in lines:
        wanted[line.slot_id] += line.seats
    for line, left in lines:
        if wanted[line.slot_id] > left:
            raise SoldOut(_sold_out_message(line.service))


def release_seats(line: OrderLine) -> None:
    """Give back every seat ``line`` holds (cancellation, expired hold)."""
    for allocation in sorted(line.allocations, key=lambda a: a.slot_id):
        db.session.execute(
            update(Slot)
            .where(Slot.id == allocation.slot_id)
            .values(taken=Slot.taken - allocation.seats)
            .execution_options(synchronize_session=False)
        )
    line.allocations.clear()
    db.session.flush()


def set_aside_seats(slot: Slot, seats: int) -> bool:
    """Inside a write transaction: hold ``seats`` of ``slot`` for nobody's line yet (a waiting-list offer).

    The same guarded UPDATE as :func:`take_seats`; False when they no longer fit.
    """
    claimed = _claim(slot, seats)
    db.session.refresh(slot)
    return claimed


def _claim(slot: Slot, seats: int) -> bool:
    """The guarded UPDATE: take ``seats`` of ``slot`` only while they still fit (no lock, no oversell)."""
    claimed = db.session.execute(
        update(Slot)
        .where(Slot.id == slot.id, Slot.taken + seats <= Slot.capacity)
        .values(taken=Slot.taken + seats)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def give_back_seats(slot: Slot, seats: int) -> None:
    """Undo :func:`set_aside_seats` (the offer was taken up, declined or ran out)."""
    db.session.execute(
        update(Slot)
        .where(Slot.id == slot.id)
        .values(taken=Slot.taken - seats)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(slot)


def _sold_out_message(service: Service) -> str:
    return _("Sorry, %(service)s has just sold out for that time.", service=service.title)
