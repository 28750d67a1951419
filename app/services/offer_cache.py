"""A stay's offers, ranked once per change of what they depend on and read back on every later view.

Ranking (``recommendations.offers_for_stay``) reads the whole catalog, the stay's bookings,
the co-booking counts and a week of slots: most of the guest home page's queries. Its result
changes only when the stay's bookings or party change (``stay.bookings_version``), the catalog
does (``hotel.catalog_version``; both kept by ``app/services/offer_versions.py``), the clock
moves on (lead times, "next" slots, days left: a time bucket of ``OFFER_CACHE_SECONDS``), or
seats run out. So the offers are cached under a key made of the stay, both versions, the
guest's language (the reasons are sentences), what the page leaves out, and the bucket; seats
are checked on every read instead of keyed, or each booking by anyone would empty everyone's
cache.

What is cached is plain data, never ORM objects (they belong to one session): ids, the reason
and the score. A read loads the services, slots and package deals back in at most three
queries and checks that every slot shown still has room, is open and is not past its lead time;
if one is not, the offers are ranked afresh.

The store is Redis when ``REDIS_URL`` is set, shared by every worker, and otherwise each
worker's memory. A Redis that fails never fails the page: the worker ranks and keeps the
offers in its memory for a while before trying Redis again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from time import monotonic

from cachetools import TTLCache
from flask import current_app
from flask_babel import get_locale
from redis import Redis, RedisError
from sqlalchemy import Select, bindparam, inspect, select

from app.extensions import db
from app.models import Package, Service, Slot, Stay
from app.services import recommendations, shared_store
from app.services.catalog import on_sale
from app.services.recommendations import FEW_LEFT, ServiceOffer
from app.services.statements import built_once

KEY_PREFIX = "lobby:offers:"
MEMORY_ENTRIES = 10_000  # per worker; an entry is a few hundred bytes
REDIS_PAUSE_SECONDS = 30  # after Redis fails, how long a worker keeps to its memory

Entry = list[dict]


def offers_for_stay(stay: Stay, now: datetime, exclude: Iterable[int] = frozenset()) -> list[ServiceOffer]:
    """``recommendations.offers_for_stay(stay, now, exclude=exclude)``, from the cache when it still holds."""
    seconds = current_app.config["OFFER_CACHE_SECONDS"]
    exclude = frozenset(exclude)
    if seconds <= 0:
        return recommendations.offers_for_stay(stay, now, exclude=exclude)
    key = cache_key(stay, now, exclude, seconds)
    entry = _read(key)
    if entry is not None:
        offers = _rebuilt(stay, now, entry)
        if offers is not None:
            return offers
    offers = recommendations.offers_for_stay(stay, now, exclude=exclude)
    _write(key, [_plain(offer) for offer in offers], seconds)
    return offers


def cache_key(stay: Stay, now: datetime, exclude: frozenset[int], seconds: int) -> str:
    # The stay's creation time keeps a stay apart from an older one that had its id (a database
    # emptied and filled again: tests, a restore). Each stay's buckets start at its own second,
    # so a hotel's entries do not all run out, and get ranked again, in the same instant.
    bucket = int((now.timestamp() + stay.id) // seconds)
    parts = (
        stay.id,
        f"{stay.created_at.timestamp():.6f}",
        stay.bookings_version,
        stay.hotel.catalog_version,
        str(get_locale()),
        ",".join(str(service_id) for service_id in sorted(exclude)),
        bucket,
    )
    return KEY_PREFIX + ":".join(str(part) for part in parts)


def _plain(offer: ServiceOffer) -> dict:
    opening = offer.opening
    return {
        "service": offer.service.id,
        "reason_code": offer.reason_code,
        "reason": offer.reason,
        "score": offer.score,
        "opening": opening.id if opening is not None else None,
        "slot_shown": offer.slot is not None,
        "bundle": offer.bundle.id if offer.bundle is not None else None,
        # The seats as ranked: "only 2 places left" must change when they do.
        "seats": [opening.taken, opening.capacity] if opening is not None else None,
    }


def _rebuilt(stay: Stay, now: datetime, entry: Entry) -> list[ServiceOffer] | None:
    """The cached offers as objects of this session; None when a slot no longer fits (rank again)."""
    if not entry:
        return []
    # Services and package deals a page has already loaded are not read twice; seats are always
    # read afresh: checking them is the point.
    services = _by_id(Service, stay.hotel_id, [item["service"] for item in entry], loaded_will_do=True)
    openings = _by_id(Slot, stay.hotel_id, [item["opening"] for item in entry])
    bundles = _by_id(Package, stay.hotel_id, [item["bundle"] for item in entry], loaded_will_do=True)
    offers = []
    for item in entry:
        service = services.get(item["service"])
        opening = openings.get(item["opening"])
        bundle = bundles.get(item["bundle"])
        if service is None or not on_sale(service) or (item["bundle"] is not None and bundle is None):
            return None
        if item["opening"] is not None and not _still_open(opening, service, item, stay, now):
            return None
        offers.append(
            ServiceOffer(
                service,
                item["reason_code"],
                item["reason"],
                item["score"],
                opening if item["slot_shown"] else None,
                bundle,
                opening,
            )
        )
    return offers


def _by_id(model, hotel_id: int, ids: list[int | None], loaded_will_do: bool = False) -> dict:
    """The hotel's rows of ``model`` with these ids, in one query (none if ``loaded_will_do`` and all are)."""
    session = db.session
    wanted = {row_id for row_id in ids if row_id is not None}
    found = {}
    if loaded_will_do:
        for row_id in wanted:
            row = session.identity_map.get(session.identity_key(model, row_id))
            # An expired row would be read again attribute by attribute: one query for all is cheaper.
            if row is not None and not inspect(row).expired_attributes and row.hotel_id == hotel_id:
                found[row_id] = row
    missing = wanted - found.keys()
    if missing:
        rows = session.scalars(_rows_by_id(model), {"ids": sorted(missing), "hotel_id": hotel_id})
        found.update((row.id, row) for row in rows)
    return found


@built_once
def _rows_by_id(model) -> Select:
    return select(model).where(
        model.id.in_(bindparam("ids", expanding=True)), model.hotel_id == bindparam("hotel_id")
    )


def _still_open(slot: Slot | None, service: Service, item: dict, stay: Stay, now: datetime) -> bool:
    """Whether ranking now would still find ``slot`` as the service's opening, with the same words."""
    if slot is None or slot.closed or slot.taken >= slot.capacity:
        return False
    if service.kind.by_day:
        if slot.local_date < stay.hotel.local(now).date():
            return False
    elif slot.starts_at < now + timedelta(minutes=service.lead_time_minutes):
        return False
    taken, capacity = item["seats"]
    if (slot.taken, slot.capacity) != (taken, capacity):
        # Seats moved: that matters only where "only a few left" is said (and weighed).
        return min(capacity - taken, slot.seats_left) > FEW_LEFT
    return True


def _read(key: str) -> Entry | None:
    client = _redis()
    if client is not None:
        try:
            raw = client.get(key)
        except RedisError as error:
            _redis_failed(error)
        else:
            return json.loads(raw) if raw is not None else None
    return _memory().get(key)


def _write(key: str, entry: Entry, seconds: int) -> None:
    client = _redis()
    if client is not None:
        try:
            client.set(key, json.dumps(entry), ex=seconds)
            return
        except RedisError as error:
            _redis_failed(error)
    _memory().put(key, entry)


def _redis() -> Redis | None:
    """The shared Redis, unless it failed a moment ago (each try would cost a time-out per page)."""
    if current_app.extensions.get("lobby_offer_cache_redis_paused_until", 0.0) > monotonic():
        return None
    return shared_store.redis()


def _redis_failed(error: RedisError) -> None:
    current_app.logger.warning(
        "Offer cache: Redis failed (%s); this worker keeps offers in its memory for %d s",
        error,
        REDIS_PAUSE_SECONDS,
    )
    current_app.extensions["lobby_offer_cache_redis_paused_until"] = monotonic() + REDIS_PAUSE_SECONDS


class _Memory:
    """One worker's entries, expiring like Redis's; a lock because a threaded server shares them."""

    def __init__(self, seconds: int) -> None:
        self._entries: TTLCache[str, Entry] = TTLCache(maxsize=MEMORY_ENTRIES, ttl=seconds)
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry


def _memory() -> _Memory:
    extensions = current_app.extensions
    if "lobby_offer_cache" not in extensions:
        extensions["lobby_offer_cache"] = _Memory(current_app.config["OFFER_CACHE_SECONDS"])
    return extensions["lobby_offer_cache"]
