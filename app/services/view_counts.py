"""Offers shown and service page views, counted without a database write on the guest's page.

A write on every guest GET makes every page queue for SQLite's one writer lock (and on
PostgreSQL contends for the same counter rows). So the pages only add to a buffer, and the
buffer is flushed into the same tables with the same upserts (``app.services.upsert``) now
and then: when due (``COUNTS_FLUSH_SECONDS``, or ``FLUSH_AT_SIZE`` keys), after the response
has gone out (``app.web.after_response``); from a timer thread that long after a count, so an
idle worker writes too (``COUNTS_FLUSH_IN_BACKGROUND``); when a worker exits (atexit: gunicorn stops its
workers with SIGTERM, which ends them through ``sys.exit``), from ``flask lobby flush-counts``
and before the dashboard reads its figures.

Where the buffer lives:

- Without Redis, in the worker's memory (a dict behind a lock: gunicorn's threaded workers
  share it). Several workers each flush their own; a worker killed with SIGKILL loses what
  it had not flushed yet.
- With Redis (``shared_store.redis()``), in one hash that every worker adds to
  (HINCRBY, HSETNX), so the counts of all workers are one. A flusher reads and deletes the
  whole hash in one MULTI/EXEC (atomic: each count is taken by one flusher, once), then
  writes it; the counts are in that worker's memory until written or put back. If Redis
  cannot be reached, the worker buffers in memory instead.

A flush that fails (the database locked or gone) puts its counts back, so the next one writes
them; nothing here ever raises into a page.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime
from time import monotonic

from flask import Flask, current_app
from redis import Redis, RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.extensions import db
from app.models import OfferImpression, Service, ServiceViewDay, Stay
from app.services import shared_store, upsert

log = logging.getLogger(__name__)

FLUSH_AT_SIZE = 1000  # keys in a worker's buffer: flushed then, however recent the last flush
REDIS_KEY = "lobby:view-counts"

# One impression row per stay, service and place: showing it again adds to ``times``.
IMPRESSION_COUNTERS = {
    "conflict": ["stay_id", "service_id", "place"],
    "add": ["times"],
    "replace": ["last_shown_at"],
}


@dataclass
class Shown:
    """A service offered to a stay at a place: the first showing's facts, the last time, how often."""

    hotel_id: int
    reason: str
    day: date
    first_shown_at: datetime
    last_shown_at: datetime
    times: int = 1

    def merge(self, later: Shown) -> None:
        """Add ``later`` (counted after this) to this."""
        self.times += later.times
        self.last_shown_at = max(self.last_shown_at, later.last_shown_at)
        if later.first_shown_at < self.first_shown_at:
            self.first_shown_at, self.day, self.reason = later.first_shown_at, later.day, later.reason


@dataclass
class Counts:
    # (stay_id, service_id, place) -> what was shown
    shown: dict[tuple[int, int, str], Shown] = field(default_factory=dict)
    # (service_id, day) -> [hotel_id, views]
    views: dict[tuple[int, date], list[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.shown) + len(self.views)

    def merge(self, other: Counts) -> None:
        for key, shown in other.shown.items():
            mine = self.shown.get(key)
            if mine is None:
                self.shown[key] = Shown(**vars(shown))
            else:
                mine.merge(shown)
        for key, (hotel_id, views) in other.views.items():
            self.views.setdefault(key, [hotel_id, 0])[1] += views


class _Buffer:
    """One worker's counts not yet written, and when it last flushed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts = Counts()
        self.last_flush = monotonic()
        self.counted = False  # counted anything since the last flush (also into Redis)
        self.timer: threading.Timer | None = None

    def flush_later(self, app: Flask, seconds: float) -> None:
        """Flush in ``seconds`` from a thread of this worker, unless one is on its way already.

        So a worker that counted and then got no more requests still writes its counts.
        """
        with self.lock:
            pending = self.timer is not None and self.timer.is_alive()
            if pending and self.timer is not threading.current_thread():  # (the timer itself puts back)
                return
            self.timer = threading.Timer(seconds, flush_in, args=(app,))
            self.timer.daemon = True  # never keeps a stopping worker waiting: atexit flushes instead
            self.timer.start()

    def add(self, counts: Counts) -> None:
        with self.lock:
            self.counts.merge(counts)
            self.counted = True

    def take(self) -> Counts:
        with self.lock:
            taken, self.counts = self.counts, Counts()
            self.last_flush = monotonic()
            self.counted = False
            return taken


def init_app(app: Flask) -> None:
    app.extensions["lobby_view_counts"] = _Buffer()
    # A weak reference: the tests build apps that should not live as long as the process.
    atexit.register(_flush_at_exit, weakref.ref(app))


def _buffer() -> _Buffer:
    return current_app.extensions["lobby_view_counts"]


def count_shown(
    hotel_id: int, stay_id: int, shown: list[tuple[int, str]], place: str, day: date, now: datetime
) -> None:
    """Count services (id, reason code) offered to a stay at ``place``; ``day`` is the hotel's."""
    counts = Counts()
    for service_id, reason in shown:
        counts.shown[(stay_id, service_id, place)] = Shown(hotel_id, reason, day, now, now)
    _add(counts)


def count_view(hotel_id: int, service_id: int, day: date) -> None:
    """One more view of a service's page on the hotel's ``day``."""
    counts = Counts()
    counts.views[(service_id, day)] = [hotel_id, 1]
    _add(counts)


def _add(counts: Counts, *, older: bool = False) -> None:
    """Into Redis when there is one, else (or when it fails) into this worker's buffer."""
    buffer = _buffer()
    client = shared_store.redis()
    try:
        if client is None:
            raise RedisError("no REDIS_URL")
        _add_to_redis(client, counts, older=older)
        with buffer.lock:
            buffer.counted = True
    except RedisError as error:
        if client is not None:
            log.warning("counting in this worker: Redis failed (%s)", error)
        buffer.add(counts)
    config = current_app.config
    if config["COUNTS_FLUSH_IN_BACKGROUND"]:
        buffer.flush_later(current_app._get_current_object(), config["COUNTS_FLUSH_SECONDS"])


def due() -> bool:
    """Whether this worker should flush now: it counted something and the time or the size says so."""
    buffer = _buffer()
    if not buffer.counted:
        return False
    waited = monotonic() - buffer.last_flush
    return waited >= current_app.config["COUNTS_FLUSH_SECONDS"] or len(buffer.counts) >= FLUSH_AT_SIZE


def flush() -> int:
    """Write this worker's counts and everything in Redis to the tables; how many keys were written.

    Never raises: what could not be written is put back for the next flush.
    """
    counts = _buffer().take()
    client = shared_store.redis()
    if client is not None:
        try:
            counts.merge(_drain(client))
        except RedisError as error:
            log.warning("could not drain the counts in Redis (%s); next flush", error)
    if not counts:
        return 0
    try:
        try:
            _write(counts)
        except IntegrityError:
            # A stay or service deleted since it was counted would fail every flush after it.
            db.session.rollback()
            _drop_orphans(counts)
            _write(counts)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("could not write %d counts (%s); kept for the next flush", len(counts), error)
        _put_back(counts)
        return 0
    return len(counts)


def flush_in(app: Flask) -> None:
    """Flush outside any request (after a response went out, at exit), in an app context of its own."""
    with app.app_context():
        try:
            flush()
        finally:
            db.session.remove()


def _flush_at_exit(app_ref: weakref.ref) -> None:
    app = app_ref()
    if app is None or not app.extensions["lobby_view_counts"].counted:
        return
    try:
        flush_in(app)
    except Exception:  # the process is ending: say what was lost, never a traceback in its place
        log.exception("counts not flushed at exit")


def _write(counts: Counts) -> None:
    """The same upserts the pages once made, all in one short write transaction."""
    if counts.shown:
        rows = [
            {
                "hotel_id": shown.hotel_id,
                "stay_id": stay_id,
                "service_id": service_id,
                "place": place,
                "reason": shown.reason,
                "day": shown.day,
                "first_shown_at": shown.first_shown_at,
                "last_shown_at": shown.last_shown_at,
                "times": shown.times,
            }
            # In key order: two flushers lock the same rows in the same order (no deadlock on PostgreSQL).
            for (stay_id, service_id, place), shown in sorted(counts.shown.items(), key=lambda item: item[0])
        ]
        upsert.add_to_counters(db.session, OfferImpression, rows, **IMPRESSION_COUNTERS)
    if counts.views:
        rows = [
            {"service_id": service_id, "day": day, "hotel_id": hotel_id, "views": views}
            for (service_id, day), (hotel_id, views) in sorted(counts.views.items(), key=lambda item: item[0])
        ]
        upsert.add_to_counters(
            db.session, ServiceViewDay, rows, conflict=["service_id", "day"], add=["views"]
        )
    db.session.commit()


def _drop_orphans(counts: Counts) -> None:
    """Leave out the counts of stays and services no longer in the database (saying how many)."""
    stay_ids = {stay_id for stay_id, _service_id, _place in counts.shown}
    service_ids = {service_id for _stay_id, service_id, _place in counts.shown}
    service_ids |= {service_id for service_id, _day in counts.views}
    stays = set(db.session.scalars(select(Stay.id).where(Stay.id.in_(stay_ids)))) if stay_ids else set()
    services = set(db.session.scalars(select(Service.id).where(Service.id.in_(service_ids))))
    before = len(counts)
    counts.shown = {
        key: shown for key, shown in counts.shown.items() if key[0] in stays and key[1] in services
    }
    counts.views = {key: value for key, value in counts.views.items() if key[0] in services}
    log.warning("left out %d counts of deleted stays or services", before - len(counts))


def discard() -> None:
    """Forget this worker's unwritten counts (the tests, between two of them: their rows are gone)."""
    _buffer().take()


def _put_back(counts: Counts) -> None:
    _add(counts, older=True)


# Redis: one hash, fields "v|service|day|hotel" (views), and per stay, service and place
# "t|…" (times), "f|…" (hotel|reason|day|first shown, ISO) and "l|…" (last shown, ISO).


def _add_to_redis(client: Redis, counts: Counts, *, older: bool) -> None:
    """Add ``counts``; ``older`` ones (put back after a failed flush) keep their first showing."""
    # One MULTI/EXEC: a drain (HGETALL and DEL) sees a showing's "t", "f" and "l" together or not at all.
    pipe = client.pipeline(transaction=True)
    for (stay_id, service_id, place), shown in counts.shown.items():
        key = f"{stay_id}|{service_id}|{place}"
        first = f"{shown.hotel_id}|{shown.reason}|{shown.day.isoformat()}|{shown.first_shown_at.isoformat()}"
        pipe.hincrby(REDIS_KEY, f"t|{key}", shown.times)
        if older:
            pipe.hset(REDIS_KEY, f"f|{key}", first)
            pipe.hsetnx(REDIS_KEY, f"l|{key}", shown.last_shown_at.isoformat())
        else:
            pipe.hsetnx(REDIS_KEY, f"f|{key}", first)
            pipe.hset(REDIS_KEY, f"l|{key}", shown.last_shown_at.isoformat())
    for (service_id, day), (hotel_id, views) in counts.views.items():
        pipe.hincrby(REDIS_KEY, f"v|{service_id}|{day.isoformat()}|{hotel_id}", views)
    pipe.execute()


def _drain(client: Redis) -> Counts:
    """Take the shared counts: read and delete the hash in one MULTI/EXEC, so each is taken once."""
    pipe = client.pipeline(transaction=True)
    pipe.hgetall(REDIS_KEY)
    pipe.delete(REDIS_KEY)
    fields, _deleted = pipe.execute()
    return _parse(fields)


def _parse(fields: dict[bytes, bytes]) -> Counts:
    counts = Counts()
    values = {name.decode(): value.decode() for name, value in fields.items()}
    for name, value in values.items():
        kind, _sep, key = name.partition("|")
        if kind == "v":
            service_id, day, hotel_id = key.split("|")
            counts.views[(int(service_id), date.fromisoformat(day))] = [int(hotel_id), int(value)]
        elif kind == "t":
            first = values.get(f"f|{key}")
            if first is None:
                continue  # cannot happen: "f" is set with "t" in one pipeline
            hotel_id, reason, day, first_shown_at = first.split("|")
            last = values.get(f"l|{key}", first_shown_at)
            stay_id, service_id, place = key.split("|")
            counts.shown[(int(stay_id), int(service_id), place)] = Shown(
                int(hotel_id),
                reason,
                date.fromisoformat(day),
                datetime.fromisoformat(first_shown_at),
                datetime.fromisoformat(last),
                int(value),
            )
    return counts
