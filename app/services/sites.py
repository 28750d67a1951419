"""Which hotel a guest site is: host names and slugs to hotel ids, and each hotel's public address.

One deployment serves several hotels. A request names its hotel by a path prefix
(``/h/<slug>/…``) or by its host name (``guests.hotel-a.com``, a ``HotelHost`` row); anything
else is the deployment's default hotel (``LOBBY_HOTEL``, else the first). Guest pages must not
spend a statement on this (their budget is counted), so the directory of hosts and slugs is
read in one statement and kept for a short while in each process, and dropped as soon as this
process changes a slug, a host name or the list of hotels.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cachetools import TTLCache
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Hotel, HotelHost

# Another process's change (a second worker's manager page) is seen at most this late.
DIRECTORY_SECONDS = 30

# A hotel's slug as it may appear in ``/h/<slug>``: what the create-hotel rules allow.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
# One DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1123).
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
MAX_HOST = 253


@dataclass(frozen=True)
class Directory:
    """Every hotel's id by slug and by host name, and which one is the deployment's default."""

    by_slug: dict[str, int] = field(default_factory=dict)
    by_host: dict[str, int] = field(default_factory=dict)
    default_id: int | None = None


_cache: TTLCache = TTLCache(maxsize=8, ttl=DIRECTORY_SECONDS)
_lock = threading.Lock()


def directory(default_slug: str) -> Directory:
    """The directory, from this process's cache or one statement; ``default_slug`` is LOBBY_HOTEL."""
    with _lock:
        found = _cache.get(default_slug)
    if found is not None:
        return found
    rows = db.session.execute(
        select(Hotel.id, Hotel.slug, HotelHost.host).outerjoin(HotelHost).order_by(Hotel.id)
    ).all()
    by_slug = {slug: hotel_id for hotel_id, slug, _host in rows}
    by_host = {host: hotel_id for hotel_id, _slug, host in rows if host}
    default_id = by_slug.get(default_slug) if default_slug else (rows[0][0] if rows else None)
    found = Directory(by_slug, by_host, default_id)
    with _lock:
        _cache[default_slug] = found
    return found


def forget() -> None:
    """Drop the cached directory (a slug, a host or the list of hotels changed)."""
    with _lock:
        _cache.clear()


def normalize_host(host: str) -> str:
    """A Host header as ``HotelHost.host`` keeps it: lower case, no port, no trailing dot."""
    host = (host or "").strip().lower()
    if host.startswith("["):  # an IPv6 literal: "[::1]:5000"
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if ":" in host else host.rstrip(".")


def host_syntax_ok(host: str) -> bool:
    """A host name a browser can reach a hotel on: dot-separated DNS labels, no port, no scheme."""
    if not host or len(host) > MAX_HOST or host != host.strip().lower():
        return False
    return all(_LABEL.fullmatch(label) for label in host.split("."))


def site_hotel_id(host: str, slug: str | None, default_slug: str) -> int | None:
    """The hotel a request is for: by its ``/h/<slug>`` prefix, else its host, else the default.

    An unknown slug is no hotel at all (its pages are not found), never the default one.
    """
    found = directory(default_slug)
    if slug is not None:
        return found.by_slug.get(slug)
    hotel_id = found.by_host.get(normalize_host(host))
    return hotel_id if hotel_id is not None else found.default_id


def public_base_url(hotel: Hotel, public_base_url: str, default_slug: str) -> str:
    """Where a guest reaches ``hotel``: its first host name, the deployment's own address for the
    default hotel, or that address with ``/h/<slug>`` for any other.

    A host name takes the scheme and any port of PUBLIC_BASE_URL (``https`` in production).
    """
    base = public_base_url.rstrip("/")
    if hotel.hosts:
        parts = urlsplit(base)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme or 'https'}://{hotel.hosts[0].host}{port}"
    if directory(default_slug).default_id == hotel.id:
        return base
    return f"{base}/h/{hotel.slug}"


def _touches_the_directory(session: Session) -> bool:
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Hotel | HotelHost):
            return True
    for obj in session.dirty:
        if isinstance(obj, HotelHost):
            return True
        if isinstance(obj, Hotel) and (
            db.inspect(obj).attrs.slug.history.has_changes()
            or db.inspect(obj).attrs.hosts.history.has_changes()
        ):
            return True
    return False


_CHANGED = "lobby.site_directory_changed"


def listen_for_flushes() -> None:
    """Forget the directory when this process writes a slug, a host or a hotel (and again at commit,
    so a request that read the old rows between the flush and the commit cannot keep them)."""
    if event.contains(Session, "before_flush", _before_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_commit", _after_end)
    event.listen(Session, "after_soft_rollback", _after_rollback)


def _before_flush(session: Session, _context, _instances) -> None:
    if _touches_the_directory(session):
        session.info[_CHANGED] = True
        forget()


def _after_end(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        forget()


def _after_rollback(session: Session, _previous) -> None:
    _after_end(session)
