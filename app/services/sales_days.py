"""Keeps the per-day sales roll-up (``SalesDay``) in step with every change of an order line.

A line's share of the roll-up is decided by its status, total, fee, time of placing
and the offer that led to it. Before each flush we take, for every new, changed or
deleted line, its share as last written (attribute history, or the stored row when the
history does not know) and its share now, and add the difference with one upsert per
key. The upserts run in the flush's own transaction, so a rollback takes them back
with the lines; keys are written in sorted order so two bookings never deadlock.

Code that writes ``order_line`` without the ORM (bulk ``UPDATE``, a benchmark's bulk
``INSERT``) must call :func:`rebuild` afterwards; ``flask lobby rebuild-sales-days``
does it for every hotel. A stay's arrival is taken as fixed: nothing changes it after
check-in (a line's "before arrival" would otherwise need recomputing).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Hotel, LineStatus, Order, OrderLine, SalesDay, Stay
from app.services import upsert
from app.services.locking import write_transaction

# (hotel_id, service_id, day, offer_place, offer_reason, before_arrival)
Key = tuple[int, int, date, str, str, bool]

_DECIDING = ("service_id", "status", "total", "cancellation_fee", "placed_at", "offer_place", "offer_reason")
_BATCH = 5000


class _Values(NamedTuple):
    """What decides a line's share of the roll-up (with its hotel's time zone and its stay's arrival)."""

    service_id: int
    status: LineStatus
    total: int
    cancellation_fee: int
    placed_at: datetime | None
    offer_place: str | None
    offer_reason: str | None


def share(hotel_id: int, tz: ZoneInfo, arrival: date, values: _Values) -> tuple[Key, int, int] | None:
    """A line's (key, bookings, revenue): booked lines count with their total, cancelled ones with
    the fee kept (the dashboard's revenue definition); a line counts only once it is placed."""
    if values.placed_at is None:
        return None
    if values.status == LineStatus.BOOKED:
        bookings, revenue = 1, values.total or 0
    elif values.status == LineStatus.CANCELLED:
        bookings, revenue = 0, values.cancellation_fee or 0
    else:
        return None
    day = values.placed_at.astimezone(tz).date()
    key = (
        hotel_id,
        values.service_id,
        day,
        values.offer_place or "",
        values.offer_reason or "",
        day < arrival,
    )
    return key, bookings, revenue


class _Changes:
    """The differences one flush makes, per key, and what it needs to know to compute them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
        self._zones: dict[int, ZoneInfo] = {}
        self._arrivals: dict[int, date] = {}

    def add(self, line: OrderLine, values: _Values, sign: int) -> None:
        if values.placed_at is None:  # a cart line: skip the lookups below
            return
        counted = share(line.hotel_id, self._zone(line.hotel_id), self._arrival(line), values)
        if counted is not None:
            key, bookings, revenue = counted
            self.totals[key][0] += sign * bookings
            self.totals[key][1] += sign * revenue

    def _zone(self, hotel_id: int) -> ZoneInfo:
        if hotel_id not in self._zones:
            self._zones[hotel_id] = self.session.get(Hotel, hotel_id).tz
        return self._zones[hotel_id]

    def _arrival(self, line: OrderLine) -> date:
        order: Order = line.order
        stay_id = order.stay_id if order.stay_id is not None else order.stay.id
        if stay_id not in self._arrivals:
            self._arrivals[stay_id] = self.session.get(Stay, stay_id).arrival
        return self._arrivals[stay_id]

    def write(self) -> None:
        changed = {key: delta for key, delta in self.totals.items() if delta[0] or delta[1]}
        if changed:
            _upsert(self.session, sorted(changed.items()))


def _current(line: OrderLine) -> _Values:
    values = {name: getattr(line, name) for name in _DECIDING}
    if values["service_id"] is None:  # a new line given its service object: the id comes with the flush
        values["service_id"] = line.service.id
    return _Values(**values)


def _as_written(line: OrderLine) -> _Values | None:
    """The line's values as last flushed, from attribute history; None if a changed value's old one
    was never loaded (set on an expired object), in which case the caller reads the stored row."""
    state = inspect(line)
    values = {}
    for name in _DECIDING:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        elif history.added:
            return None
        else:
            values[name] = getattr(line, name)  # expired and untouched: loaded as stored
    return _Values(**values)


def _stored(session: Session, line_ids: list[int]) -> dict[int, _Values]:
    columns = [getattr(OrderLine, name) for name in _DECIDING]
    rows = session.execute(select(OrderLine.id, *columns).where(OrderLine.id.in_(line_ids)))
    return {row[0]: _Values(*row[1:]) for row in rows}


def listen_for_flushes() -> None:
    """Keep the roll-up in step with every flush of ``db.session``; the app factory calls this.

    The listener sits on the one session factory of the module-level ``db``, which every
    app shares, so it is registered once however many apps are built (tests and benchmarks
    build several): registered per app, each change would be counted once per app.
    """
    if not event.contains(db.session, "before_flush", _keep_sales_days):
        event.listen(db.session, "before_flush", _keep_sales_days)


def _keep_sales_days(session: Session, _context, _instances) -> None:
    changes = _Changes(session)
    unknown: list[OrderLine] = []
    for line in session.new:
        if isinstance(line, OrderLine):
            changes.add(line, _current(line), +1)
    for line in session.dirty:
        if not isinstance(line, OrderLine):
            continue
        state = inspect(line)
        if not any(state.attrs[name].history.has_changes() for name in _DECIDING):
            continue
        before = _as_written(line)
        if before is None:
            unknown.append(line)
            continue
        changes.add(line, before, -1)
        changes.add(line, _current(line), +1)
    for line in session.deleted:
        if isinstance(line, OrderLine):
            before = _as_written(line)
            if before is None:
                unknown.append(line)
                continue
            changes.add(line, before, -1)
    if unknown:
        stored = _stored(session, [line.id for line in unknown])
        for line in unknown:
            changes.add(line, stored[line.id], -1)
            if line not in session.deleted:
                changes.add(line, _current(line), +1)
    changes.write()


def _row(key: Key, values: list[int]) -> dict:
    hotel_id, service_id, day, place, reason, before = key
    bookings, revenue = values
    return {
        "hotel_id": hotel_id,
        "service_id": service_id,
        "day": day,
        "offer_place": place,
        "offer_reason": reason,
        "before_arrival": before,
        "bookings": bookings,
        "revenue": revenue,
    }


def _upsert(session: Session, deltas: list[tuple[Key, list[int]]]) -> None:
    """Add each (bookings, revenue) difference to its row, creating the row if it is new."""
    for key, values in deltas:
        upsert.add_to_counters(
            session,
            SalesDay,
            _row(key, values),
            conflict=["service_id", "day", "offer_place", "offer_reason", "before_arrival"],
            add=["bookings", "revenue"],
        )


def rebuild(hotel: Hotel) -> int:
    """Recompute a hotel's roll-up from its lines (streamed, summed per key); returns the rows written.

    For history written before the roll-up existed or without the ORM. It holds the
    write lock throughout (SQLite) or locks the roll-up against bookings (PostgreSQL),
    so a booking made meanwhile is counted exactly once: after the rebuild, on top of it.
    """
    tz = hotel.tz
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    with write_transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE sales_day IN EXCLUSIVE MODE"))
        lines = session.execute(
            select(
                Stay.arrival,
                *(getattr(OrderLine, name) for name in _DECIDING),
            )
            .select_from(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .join(Stay, Stay.id == Order.stay_id)
            .where(
                OrderLine.hotel_id == hotel.id,
                OrderLine.placed_at.is_not(None),
                OrderLine.status.in_([LineStatus.BOOKED, LineStatus.CANCELLED]),
            )
            .execution_options(yield_per=_BATCH)
        )
        for arrival, *values in lines:
            key, bookings, revenue = share(hotel.id, tz, arrival, _Values(*values))
            totals[key][0] += bookings
            totals[key][1] += revenue
        session.execute(delete(SalesDay).where(SalesDay.hotel_id == hotel.id))
        rows = [_row(key, values) for key, values in sorted(totals.items())]
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(SalesDay.__table__), rows[start : start + _BATCH])
    return len(rows)
