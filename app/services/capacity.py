"""Changing what can be sold: pool capacity, weekly schedules and one-off closures.

A change never cancels or oversells a booking: it is applied to future slots inside one
write transaction, and if any slot already holds more than the change allows, the
whole change is refused and the bookings in the way are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from app import clock
from app.extensions import db
from app.models import LineStatus, Order, OrderLine, ResourcePool, Schedule, SeatAllocation, Slot
from app.services import audit, availability, offer_versions, signals, waitlist
from app.services.errors import LobbyError, NotFound
from app.services.hotel_rows import hotel_row
from app.services.locking import write_transaction

SLOT_DAYS = 30


class CapacityConflict(LobbyError):
    """Refused because bookings are in the way; ``lines`` are those bookings."""

    status = 409

    def __init__(self, message, lines: list[OrderLine]):
        super().__init__(message)
        self.lines = lines


def hotel_pool(hotel_id: int, pool_id: int) -> ResourcePool:
    return hotel_row(ResourcePool, hotel_id, pool_id, _("We could not find that page."))


def _bookings_in(slot_ids: list[int]) -> list[OrderLine]:
    if not slot_ids:
        return []
    # A subquery rather than DISTINCT: PostgreSQL cannot compare the lines' JSON columns.
    holding = select(SeatAllocation.line_id).where(SeatAllocation.slot_id.in_(slot_ids))
    return list(
        db.session.scalars(
            select(OrderLine)
            .where(OrderLine.id.in_(holding), OrderLine.status != LineStatus.CANCELLED)
            .order_by(OrderLine.starts_at)
        )
    )


def set_capacity(pool: ResourcePool, capacity: int) -> None:
    """New capacity for the pool and all its future slots, unless a slot already holds more."""
    if not 0 <= capacity <= 10000:
        raise LobbyError(_("Please enter a number from %(min)s to %(max)s.", min=0, max=10000))
    now = clock.now()
    with write_transaction():
        # Lowering first takes the row locks, so a booking racing this change waits for it.
        # A time the manager closed stays closed (and empty) whatever the pool's capacity.
        db.session.execute(
            update(Slot)
            .where(
                Slot.pool_id == pool.id, Slot.starts_at >= now, Slot.taken <= capacity, Slot.closed.is_(False)
            )
            .values(capacity=capacity)
            .execution_options(synchronize_session=False)
        )
        offer_versions.catalog_changed(pool.hotel_id)  # the slots above were written without the ORM
        over = db.session.scalars(
            select(Slot.id).where(Slot.pool_id == pool.id, Slot.starts_at >= now, Slot.taken > capacity)
        ).all()
        if over:
            raise CapacityConflict(
                _("Some times already have more places booked than that. Nothing was changed."),
                _bookings_in(list(over)),
            )
        row = db.session.get(ResourcePool, pool.id)
        audit.record(
            row.hotel_id,
            "pool.capacity_changed",
            row,
            before={"capacity": row.capacity},
            after={"capacity": capacity},
        )
        row.capacity = capacity
        signals.seats_freed.send(pool_id=pool.id, now=now)  # a raise frees seats for those waiting


@dataclass(frozen=True)
class WeeklyTime:
    weekday: int  # 0 = Monday
    start: time
    minutes: int


def set_schedule(pool: ResourcePool, times: list[WeeklyTime]) -> None:
    """Replace the weekly pattern: future slots it drops must be empty; new ones are created."""
    now = clock.now()
    hotel = pool.hotel
    wanted = {(item.weekday, item.start) for item in times}
    with write_transaction():
        future = db.session.scalars(select(Slot).where(Slot.pool_id == pool.id, Slot.starts_at >= now)).all()
        dropped = [
            slot
            for slot in future
            if (slot.local_date.weekday(), hotel.local(slot.starts_at).time()) not in wanted
        ]
        busy = [slot.id for slot in dropped if slot.taken > 0]
        if busy:
            raise CapacityConflict(
                _("Some of the times you removed already have bookings. Nothing was changed."),
                _bookings_in(busy),
            )
        if dropped:
            gone = [slot.id for slot in dropped]
            # Carts may still point at a time that is going away; those lines go with it.
            offer_versions.bookings_changed(
                select(Order.stay_id)
                .join(OrderLine, OrderLine.order_id == Order.id)
                .where(OrderLine.slot_id.in_(gone), OrderLine.status == LineStatus.CART)
            )
            db.session.execute(
                delete(OrderLine).where(OrderLine.slot_id.in_(gone), OrderLine.status == LineStatus.CART)
            )
            waitlist.forget_slots(gone)
            db.session.execute(delete(Slot).where(Slot.id.in_(gone)))
        pool = db.session.get(ResourcePool, pool.id)
        week_was = week_text(pool)
        pool.schedules.clear()
        db.session.flush()
        for item in sorted(times, key=lambda entry: (entry.weekday, entry.start)):
            pool.schedules.append(
                Schedule(
                    hotel_id=pool.hotel_id, weekday=item.weekday, start_time=item.start, minutes=item.minutes
                )
            )
        db.session.flush()
        today = hotel.local(now).date()
        availability.ensure_slots(pool, today, today + timedelta(days=SLOT_DAYS))
        audit.record(
            pool.hotel_id,
            "pool.schedule_changed",
            pool,
            before={"week": week_was},
            after={"week": week_text(pool)},
        )


def _future_slot(pool: ResourcePool, slot_id: int) -> Slot:
    slot = db.session.scalar(select(Slot).where(Slot.id == slot_id).with_for_update())
    if slot is None or slot.pool_id != pool.id:
        raise NotFound(_("We could not find that page."))
    if slot.starts_at <= clock.now():
        raise LobbyError(_("This time has already started. Nothing was changed."))
    return slot


def close_slot(pool: ResourcePool, slot_id: int) -> None:
    """A one-off closure (a storm, a holiday): refused while the time has bookings."""
    with write_transaction():
        slot = _future_slot(pool, slot_id)
        if slot.taken > 0:
            raise CapacityConflict(
                _("This time already has bookings. Nothing was changed."), _bookings_in([slot.id])
            )
        was_closed = slot.closed
        slot.closed = True
        slot.capacity = 0
        _record_slot(slot, "pool.slot_closed", was_closed)


def reopen_slot(pool: ResourcePool, slot_id: int) -> None:
    """Undo a closure: the time sells again with the pool's capacity, first to anyone waiting for it."""
    now = clock.now()
    with write_transaction():
        slot = _future_slot(pool, slot_id)
        if not slot.closed:
            return
        slot.closed = False
        slot.capacity = db.session.get(ResourcePool, pool.id).capacity
        _record_slot(slot, "pool.slot_reopened", was_closed=True)
        db.session.flush()
        signals.seats_freed.send(slot_ids=[slot.id], now=now)


def _record_slot(slot: Slot, action: str, was_closed: bool) -> None:
    """A one-off closure or reopening, on the pool's trail (closing a closed time changes nothing)."""
    part = {"slot": slot.id, "starts_at": slot.starts_at}
    before = part | {"closed": was_closed}
    audit.record(slot.hotel_id, action, slot.pool, before=before, after=part | {"closed": slot.closed})


def pool_slot(pool: ResourcePool, slot_id: int) -> Slot:
    """One of the pool's times, for the page that asks before closing it."""
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.pool_id != pool.id:
        raise NotFound(_("We could not find that page."))
    return slot


def parse_week(text: str, default_minutes: int) -> list[WeeklyTime]:
    """One line per weekday, Monday first: start times separated by commas ("08:00, 14:00")."""
    lines = text.splitlines()
    if len(lines) > 7:
        raise LobbyError(_("Please give at most one line per weekday."))
    times = []
    for weekday, line in enumerate(lines):
        for part in filter(None, (piece.strip() for piece in line.split(","))):
            try:
                start = time.fromisoformat(part)
            except ValueError as error:
                raise LobbyError(_("Please write times as 08:00, 14:30.")) from error
            times.append(WeeklyTime(weekday, start, default_minutes))
    return times


def week_text(pool: ResourcePool) -> str:
    by_day: dict[int, list[str]] = {day: [] for day in range(7)}
    for schedule in sorted(pool.schedules, key=lambda item: item.start_time):
        by_day[schedule.weekday].append(schedule.start_time.strftime("%H:%M"))
    return "\n".join(", ".join(by_day[day]) for day in range(7))


@dataclass(frozen=True)
class DayLoad:
    day: date
    taken: int
    capacity: int

    @property
    def share(self) -> float | None:
        return self.taken / self.capacity if self.capacity else None


def load_by_day(pool: ResourcePool, first: date, days: int = 14) -> list[DayLoad]:
    """Places taken out of places offered, per day, in one grouped query."""
    rows = db.session.execute(
        select(Slot.local_date, func.sum(Slot.taken), func.sum(Slot.capacity))
        .where(
            Slot.pool_id == pool.id, Slot.local_date >= first, Slot.local_date < first + timedelta(days=days)
        )
        .group_by(Slot.local_date)
        .order_by(Slot.local_date)
    ).all()
    return [DayLoad(day, int(taken or 0), int(capacity or 0)) for day, taken, capacity in rows]
