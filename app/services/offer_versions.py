"""Moves ``stay.bookings_version`` and ``hotel.catalog_version`` whenever what a stay's offers read changes.

The cached offers (``app/services/offer_cache.py``) are keyed by both versions, so a change
reaches the guest's next page at once. Before each flush we look at what the ORM is about to
write and bump each version touched, once per flush, in the flush's own transaction (a
rollback takes the bump back with the change):

- a stay's version: its orders and their lines (any change, the cart included), the seats
  those lines hold, its waiting-list entries, and its party (adults, children's ages, tier,
  dates);
- a hotel's version: services, their photos, packages and which services they hold, pools,
  weekly schedules, a slot's capacity or closure, promo codes, and the hotel's own settings
  (its discounts and its face among them). Rendered pieces of guest pages are kept under it
  too (``app/web/fragments.py``), which is why photos count though no offer reads them.

Seats taken and given back (``Slot.taken``) are left out on purpose: ``availability`` moves
them by guarded SQL updates on every booking, and bumping the hotel for each would empty
every guest's cache and queue every booking on the hotel row. The cache checks its slots
instead. Code that writes any of the rows above with bulk SQL calls :func:`bookings_changed`
or :func:`catalog_changed` itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, event, inspect, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Hotel,
    Order,
    OrderLine,
    Package,
    PromoCode,
    ResourcePool,
    Schedule,
    SeatAllocation,
    Service,
    ServicePhoto,
    Slot,
    Stay,
    WaitlistEntry,
)

# What a stay's offers read from the stay itself (its locale is part of the cache key instead).
STAY_PARTY = ("adults", "children_ages", "party", "tier", "arrival", "departure")
CATALOG_ROWS = (Service, ServicePhoto, Package, ResourcePool, Schedule, PromoCode)


def listen_for_flushes() -> None:
    """Keep both versions moving on every flush of ``db.session``; the app factory calls this."""
    if not event.contains(db.session, "before_flush", _bump_versions):
        event.listen(db.session, "before_flush", _bump_versions)


def bookings_changed(stay_ids: Iterable[int] | Select, session: Session | None = None) -> None:
    """Bump the stays' versions, for code that changed their bookings with bulk SQL."""
    _bump(session or db.session, Stay, Stay.bookings_version, stay_ids)


def catalog_changed(hotel_id: int, session: Session | None = None) -> None:
    """Bump the hotel's version, for code that changed its catalog with bulk SQL."""
    _bump(session or db.session, Hotel, Hotel.catalog_version, [hotel_id])


def _bump(session: Session, model, column, ids: Iterable[int] | Select) -> None:
    if not isinstance(ids, Select):
        ids = sorted(set(ids))  # one order for every writer: two transactions never deadlock on these rows
        if not ids:
            return
    session.execute(
        update(model)
        .where(model.id.in_(ids))
        .values({column.key: column + 1})
        .execution_options(synchronize_session=False)
    )
    # Loaded copies would still show the old number until the commit: read it again when asked.
    if isinstance(ids, Select):
        loaded = [item for item in session.identity_map.values() if isinstance(item, model)]
    else:
        loaded = [session.identity_map.get(session.identity_key(model, row_id)) for row_id in ids]
    for item in loaded:
        if item is not None:
            session.expire(item, [column.key])


def _bump_versions(session: Session, _context, _instances) -> None:
    stays: set[int] = set()
    hotels: set[int] = set()
    for item in session.new:
        _note(session, item, stays, hotels, whole_row=True)
    for item in session.dirty:
        if session.is_modified(item):
            _note(session, item, stays, hotels, whole_row=False)
    for item in session.deleted:
        _note(session, item, stays, hotels, whole_row=True)
    stays.discard(None)
    hotels.discard(None)
    if stays:
        bookings_changed(stays, session)
    for hotel_id in sorted(hotels):
        catalog_changed(hotel_id, session)


def _note(session: Session, item: object, stays: set, hotels: set, whole_row: bool) -> None:
    """Add the stay or hotel whose version ``item`` moves (``whole_row``: added or deleted, not changed)."""
    if isinstance(item, CATALOG_ROWS):
        hotels.add(item.hotel_id)
    elif isinstance(item, Slot):
        # Times added, removed, closed or resized: yes. Seats taken: not a catalog change (see above).
        if whole_row or _changed(item, exclude={"taken"}):
            hotels.add(item.hotel_id)
    elif isinstance(item, Hotel):
        # A new hotel starts at version 1 with nothing cached; a deleted one has nothing to bump.
        if not whole_row and _changed(item, exclude={"catalog_version"}):
            hotels.add(item.id)
    elif isinstance(item, Stay):
        if not whole_row and _changed(item, only=STAY_PARTY):
            stays.add(item.id)
    elif isinstance(item, Order):
        stays.add(_order_stay(item))
    elif isinstance(item, OrderLine):
        stays.add(_line_stay(session, item))
    elif isinstance(item, SeatAllocation):
        # Taken out of its line's list (seats given back), it no longer points at the line object.
        line = item.line if item.line is not None else _get(session, OrderLine, item.line_id)
        stays.add(_line_stay(session, line) if line is not None else None)
    elif isinstance(item, WaitlistEntry):
        stays.add(item.stay_id if item.stay_id is not None else getattr(item.stay, "id", None))


def _changed(item: object, only: Iterable[str] | None = None, exclude: set[str] = frozenset()) -> bool:
    state = inspect(item)
    names = only if only is not None else [attr.key for attr in state.mapper.column_attrs]
    return any(name not in exclude and state.attrs[name].history.has_changes() for name in names)


def _get(session: Session, model, row_id: int | None):
    return session.get(model, row_id) if row_id is not None else None


def _order_stay(order: Order | None) -> int | None:
    if order is None:
        return None
    if order.stay_id is not None:
        return order.stay_id
    return order.stay.id if order.stay is not None else None


def _line_stay(session: Session, line: OrderLine) -> int | None:
    # A line taken out of its order's list (delete-orphan) no longer points at the order object.
    order = line.order if line.order is not None else _get(session, Order, line.order_id)
    return _order_stay(order)
