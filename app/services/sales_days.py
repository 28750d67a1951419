"""Keeps the per-day sales roll-up (``SalesDay``) in step with every change of an order line.

A line's share of the roll-up is decided by its status, total, fee, time of placing
and the offer that led to it. Before each flush we take, for every new, changed or
deleted line, its share as last written (attribute history, or the stored row when the
history does not know) and its share now, and add the difference with one upsert per
key. The upserts run in the flush's own transaction, so a rollback takes them back
with the lines; keys are written in sorted order so two bookings never deadlock.

The same differences, summed per hotel and day, keep ``HotelSalesDay`` (what the group
dashboard reads). The same flush keeps the attach rate's roll-up: ``StayPaidLines`` counts each stay's
paid lines (booked, above zero) and ``ArrivalDay`` the stays arriving per hotel and day
and how many of them have a paid line. A stay's count is changed with one upsert that
returns the new count under the row's lock, so whether the stay just got its first paid
line (or lost its last) is decided exactly once even when two bookings race.

Code that writes ``order_line`` (or ``stay``) without the ORM (bulk ``UPDATE``, a benchmark's bulk
``INSERT``) must call :func:`rebuild` afterwards; ``flask lobby rebuild-sales-days``
does it for every hotel. A stay's arrival is taken as fixed: nothing changes it after
check-in (a line's "before arrival" would otherwise need recomputing).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, event, func, insert, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    ArrivalDay,
    Hotel,
    HotelSalesDay,
    LineStatus,
    Order,
    OrderLine,
    SalesDay,
    Stay,
    StayPaidLines,
)
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
        self.paid: dict[int, int] = defaultdict(int)  # stay id -> change in its paid lines
        self.arrivals: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])  # stays, with extra

    def add(self, line: OrderLine, values: _Values, sign: int) -> None:
        if values.placed_at is None:  # a cart line: skip the lookups below
            return
        counted = share(line.hotel_id, self._zone(line.hotel_id), self._arrival(line), values)
        if counted is not None:
            key, bookings, revenue = counted
            self.totals[key][0] += sign * bookings
            self.totals[key][1] += sign * revenue

    def add_paid(self, line: OrderLine, before: _Values | None, now: _Values | None) -> None:
        """Note a line that starts or stops being a paid extra (the attach rate's definition)."""
        change = _is_paid(now) - _is_paid(before)
        if change:
            self.paid[self._stay_id(line)] += change

    def add_stay(self, hotel_id: int, arrival: date, stays: int, with_extra: int) -> None:
        counters = self.arrivals[(hotel_id, arrival)]
        counters[0] += stays
        counters[1] += with_extra

    def _zone(self, hotel_id: int) -> ZoneInfo:
        if hotel_id not in self._zones:
            self._zones[hotel_id] = self.session.get(Hotel, hotel_id).tz
        return self._zones[hotel_id]

    @staticmethod
    def _stay_id(line: OrderLine) -> int:
        order: Order = line.order
        return order.stay_id if order.stay_id is not None else order.stay.id

    def _arrival(self, line: OrderLine) -> date:
        return self._arrival_of(self._stay_id(line))

    def _arrival_of(self, stay_id: int) -> date:
        if stay_id not in self._arrivals:
            self._arrivals[stay_id] = self.session.get(Stay, stay_id).arrival
        return self._arrivals[stay_id]

    def write(self) -> None:
        changed = {key: delta for key, delta in self.totals.items() if delta[0] or delta[1]}
        if changed:
            _upsert(self.session, sorted(changed.items()))
            _upsert_hotel_days(self.session, _per_hotel_day(changed.items()))
        for stay_id, change in sorted(self.paid.items()):
            if change:
                self._count_paid(stay_id, change)
        moved = [(key, values) for key, values in sorted(self.arrivals.items()) if values[0] or values[1]]
        for (hotel_id, day), (stays, with_extra) in moved:
            upsert.add_to_counters(
                self.session,
                ArrivalDay,
                {"hotel_id": hotel_id, "day": day, "stays": stays, "with_extra": with_extra},
                conflict=["hotel_id", "day"],
                add=["stays", "with_extra"],
            )

    def _count_paid(self, stay_id: int, change: int) -> None:
        """Add ``change`` to the stay's paid lines; if that crosses zero, so does its arrival day."""
        stay = self.session.get(Stay, stay_id)
        table = StayPaidLines.__table__
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(stay_id=stay_id, hotel_id=stay.hotel_id, lines=change)
        statement = statement.on_conflict_do_update(
            index_elements=["stay_id"], set_={"lines": table.c.lines + statement.excluded.lines}
        ).returning(table.c.lines)
        now = self.session.execute(statement).scalar_one()
        before = now - change
        if (before > 0) != (now > 0):
            self.add_stay(stay.hotel_id, self._arrival_of(stay_id), 0, 1 if now > 0 else -1)


def _is_paid(values: _Values | None) -> int:
    """1 for a booked line above zero (a paid extra, as the attach rate counts it), else 0."""
    return int(values is not None and values.status == LineStatus.BOOKED and (values.total or 0) > 0)


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
            changes.add_paid(line, None, _current(line))
        elif isinstance(line, Stay):
            _new_stay(changes, line)
    for line in session.dirty:
        if isinstance(line, Stay):
            _moved_stay(changes, line)
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
        changes.add_paid(line, before, _current(line))
    for line in session.deleted:
        if isinstance(line, OrderLine):
            before = _as_written(line)
            if before is None:
                unknown.append(line)
                continue
            changes.add(line, before, -1)
            changes.add_paid(line, before, None)
        elif isinstance(line, Stay):
            _deleted_stay(changes, line)
    if unknown:
        stored = _stored(session, [line.id for line in unknown])
        for line in unknown:
            changes.add(line, stored[line.id], -1)
            now = None if line in session.deleted else _current(line)
            if now is not None:
                changes.add(line, now, +1)
            changes.add_paid(line, stored[line.id], now)
    changes.write()


def _new_stay(changes: _Changes, stay: Stay) -> None:
    hotel_id = stay.hotel_id if stay.hotel_id is not None else stay.hotel.id
    changes.add_stay(hotel_id, stay.arrival, 1, 0)


def _paid_lines(session: Session, stay_id: int) -> int:
    return session.scalar(select(StayPaidLines.lines).where(StayPaidLines.stay_id == stay_id)) or 0


def _moved_stay(changes: _Changes, stay: Stay) -> None:
    """A stay whose arrival changed (the PMS moved a booking) moves to its new arrival day."""
    history = inspect(stay).attrs["arrival"].history
    if not history.has_changes() or not history.deleted or history.deleted[0] == stay.arrival:
        return
    with_extra = int(_paid_lines(changes.session, stay.id) > 0)
    changes.add_stay(stay.hotel_id, history.deleted[0], -1, -with_extra)
    changes.add_stay(stay.hotel_id, stay.arrival, 1, with_extra)


def _deleted_stay(changes: _Changes, stay: Stay) -> None:
    state = inspect(stay)
    history = state.attrs["arrival"].history
    arrival = history.deleted[0] if history.deleted else stay.arrival
    with_extra = int(_paid_lines(changes.session, stay.id) > 0)
    changes.session.execute(delete(StayPaidLines).where(StayPaidLines.stay_id == stay.id))
    changes.add_stay(stay.hotel_id, arrival, -1, -with_extra)


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


def _per_hotel_day(deltas) -> list[tuple[tuple[int, date], list[int]]]:
    """(bookings, revenue) differences summed per hotel and day: ``HotelSalesDay``'s keys, sorted."""
    days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for (hotel_id, _service, day, *_rest), (bookings, revenue) in deltas:
        days[(hotel_id, day)][0] += bookings
        days[(hotel_id, day)][1] += revenue
    return sorted(days.items())


def _upsert_hotel_days(session: Session, deltas: list[tuple[tuple[int, date], list[int]]]) -> None:
    for (hotel_id, day), (bookings, revenue) in deltas:
        if bookings or revenue:
            upsert.add_to_counters(
                session,
                HotelSalesDay,
                {"hotel_id": hotel_id, "day": day, "bookings": bookings, "revenue": revenue},
                conflict=["hotel_id", "day"],
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
            session.execute(text("LOCK TABLE sales_day, hotel_sales_day IN EXCLUSIVE MODE"))
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
        session.execute(delete(HotelSalesDay).where(HotelSalesDay.hotel_id == hotel.id))
        days = [
            {"hotel_id": hotel_id, "day": day, "bookings": bookings, "revenue": revenue}
            for (hotel_id, day), (bookings, revenue) in _per_hotel_day(totals.items())
        ]
        for start in range(0, len(days), _BATCH):
            session.execute(insert(HotelSalesDay.__table__), days[start : start + _BATCH])
        rebuild_arrivals(session, [hotel.id])
    return len(rows)


def rebuild_arrivals(session: Session, hotel_ids: list[int]) -> None:
    """Recompute the attach rate's roll-up (paid lines per stay, stays per arrival day) in SQL.

    The caller holds the write transaction (and on PostgreSQL the roll-ups' locks).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE stay_paid_lines, arrival_day IN EXCLUSIVE MODE"))
    session.execute(delete(StayPaidLines).where(StayPaidLines.hotel_id.in_(hotel_ids)))
    session.execute(delete(ArrivalDay).where(ArrivalDay.hotel_id.in_(hotel_ids)))
    session.execute(
        insert(StayPaidLines).from_select(
            ["stay_id", "hotel_id", "lines"],
            select(Stay.id, Stay.hotel_id, func.count())
            .join(Order, Order.stay_id == Stay.id)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(Stay.hotel_id.in_(hotel_ids), OrderLine.status == LineStatus.BOOKED, OrderLine.total > 0)
            .group_by(Stay.id, Stay.hotel_id),
        )
    )
    session.execute(
        insert(ArrivalDay).from_select(
            ["hotel_id", "day", "stays", "with_extra"],
            select(
                Stay.hotel_id,
                Stay.arrival,
                func.count(),
                func.sum(case((StayPaidLines.lines > 0, 1), else_=0)),
            )
            .outerjoin(StayPaidLines, StayPaidLines.stay_id == Stay.id)
            .where(Stay.hotel_id.in_(hotel_ids))
            .group_by(Stay.hotel_id, Stay.arrival),
        )
    )
