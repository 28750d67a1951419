"""Waiting lists for sold-out times: who waits in which order, and the seats set aside while offered.

Seats offered to a waiting guest are counted in ``Slot.taken`` (``held_seats``) exactly like
a booking's, so nobody else can book them while the guest decides. Every change runs in a
write transaction that locks the slot before its entries, the order a cancellation uses too.
Waiting lists are kept for timed services only (activities, events); by-day rentals have none.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app import clock
from app.extensions import db
from app.models import Order, PaymentMethod, Slot, Stay, WaitlistEntry, WaitlistStatus
from app.services import availability, catalog, discounts, offer_versions, ordering, planning
from app.services.errors import LobbyError, NotAllowed, SoldOut
from app.services.hotel_rows import stay_row
from app.services.locking import write_transaction
from app.services.pricing import Party, Quote, price_breakdown
from app.services.statements import built_once

LIVE = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
# What My stay lists: live entries and offers that ran out (so the guest knows why).
SHOWN = (*LIVE, WaitlistStatus.EXPIRED)


def join(stay: Stay, booking: planning.BookingRequest, now: datetime | None = None) -> WaitlistEntry:
    """Put the party of ``booking`` on the waiting list of its time, which cannot take them now.

    It is checked like a booking (:func:`planning.plan_line`): it must be refused
    only for want of seats. One live entry per stay and time.
    """
    now = now or clock.now()
    with write_transaction():
        # The stay's row lock makes a double tap wait, then find the first entry; the slot's
        # makes a cancellation freeing seats either see this entry or be seen by the check below.
        db.session.scalar(select(Stay.id).where(Stay.id == stay.id).with_for_update())
        db.session.scalar(
            select(Slot)
            .where(Slot.id == booking.slot_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        service = catalog.bookable_service(stay.hotel_id, booking.service_id)
        if service.kind.by_day:
            raise LobbyError(_("Waiting lists are kept only for activities with set times."))
        try:
            planning.plan_line(stay, booking, now)
        except SoldOut:
            pass  # every other rule passed: plan_line checks the seats last
        else:
            raise NotAllowed(_("There are still places at that time. Please book it instead."))
        slot = db.session.get(Slot, booking.slot_id)
        ages = [stay.children_ages[index] for index in sorted(booking.child_indexes)]
        seats = booking.adults + len(ages)
        if seats > slot.capacity:
            raise LobbyError(
                ngettext(
                    "At most %(num)d person fits at this time.",
                    "At most %(num)d people fit at this time.",
                    slot.capacity,
                )
            )
        if live_entry(stay, slot.id) is not None:
            raise NotAllowed(_("You are already on the waiting list for this time."))
        entry = WaitlistEntry(
            hotel_id=stay.hotel_id,
            stay_id=stay.id,
            service_id=service.id,
            slot_id=slot.id,
            adults=booking.adults,
            children_ages=ages,
            seats=seats,
        )
        db.session.add(entry)
    return entry


def live_entry(stay: Stay, slot_id: int) -> WaitlistEntry | None:
    return db.session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.stay_id == stay.id,
            WaitlistEntry.hotel_id == stay.hotel_id,
            WaitlistEntry.slot_id == slot_id,
            WaitlistEntry.status.in_(LIVE),
        )
    )


def live_slot_ids(stay: Stay) -> set[int]:
    """The times this stay waits for (or is offered), for the service page to say so."""
    return set(
        db.session.scalars(
            select(WaitlistEntry.slot_id).where(
                WaitlistEntry.stay_id == stay.id,
                WaitlistEntry.hotel_id == stay.hotel_id,
                WaitlistEntry.status.in_(LIVE),
            )
        )
    )


def offer_freed_seats(slot_ids: Iterable[int | None], now: datetime) -> list[WaitlistEntry]:
    """Inside the write transaction that freed seats: offer them to the first waiting parties that fit.

    Entries are served in id order. One too big for what is free keeps its place and a
    smaller one behind it may still be offered. The seats are set aside by the same guarded
    ``UPDATE … WHERE taken + n <= capacity`` a booking uses. Entries of a time that can no
    longer be booked leave the list. Returns the entries offered, for the caller to tell.
    """
    wanted = sorted({slot_id for slot_id in slot_ids if slot_id is not None})
    if not wanted:
        return []
    waited_for = (
        select(WaitlistEntry.slot_id)
        .where(WaitlistEntry.slot_id.in_(wanted), WaitlistEntry.status == WaitlistStatus.WAITING)
        .scalar_subquery()
    )
    slots = db.session.scalars(
        select(Slot)
        .where(Slot.id.in_(waited_for))
        .order_by(Slot.id)
        .with_for_update()
        .execution_options(populate_existing=True)  # release_seats updated taken behind the session
    ).all()
    offered: list[WaitlistEntry] = []
    for slot in slots:
        offered += _offer_slot(slot, now)
    return offered


def _offer_slot(slot: Slot, now: datetime) -> list[WaitlistEntry]:
    minutes = timedelta(minutes=current_app.config["WAITLIST_OFFER_MINUTES"])
    offered = []
    waiting = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.slot_id == slot.id, WaitlistEntry.status == WaitlistStatus.WAITING)
        .order_by(WaitlistEntry.id)
    ).all()
    for entry in waiting:
        deadline = booking_deadline(entry)
        if deadline <= now:
            entry.status = WaitlistStatus.LEFT  # too late to book: the time has passed for the list
            continue
        if not entry.service.active or entry.service.archived:
            continue  # paused: it keeps its place for when the service is back on sale
        if entry.seats > slot.capacity - slot.taken or not availability.set_aside_seats(slot, entry.seats):
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.held_seats = entry.seats
        entry.offered_at = now
        # An offer never outlives the moment the time can still be booked.
        entry.offer_expires_at = min(now + minutes, deadline)
        offered.append(entry)
    db.session.flush()
    return offered


def offer_on_seats_freed(
    _sender: object, *, now: datetime, slot_ids: Iterable[int | None] = (), pool_id: int | None = None
) -> None:
    """Receiver of :data:`signals.seats_freed` (connected by the app factory): those waiting come first."""
    if pool_id is not None:
        offer_pool_seats(pool_id, now)
    else:
        offer_freed_seats(slot_ids, now)


def expire_on_seats_wanted(_sender: object, *, now: datetime) -> None:
    """Receiver of :data:`signals.seats_wanted` (connected by the app factory): unanswered offers end."""
    expire_offers(now)


def forget_slots(slot_ids: list[int]) -> None:
    """Inside the write transaction that deletes empty times (a new weekly schedule): their lists go too."""
    offer_versions.bookings_changed(select(WaitlistEntry.stay_id).where(WaitlistEntry.slot_id.in_(slot_ids)))
    db.session.execute(
        delete(WaitlistEntry)
        .where(WaitlistEntry.slot_id.in_(slot_ids))
        .execution_options(synchronize_session=False)
    )


def booking_deadline(entry: WaitlistEntry) -> datetime:
    """The last moment the entry's time can be booked (the service's lead time before it starts)."""
    return entry.slot.starts_at - timedelta(minutes=entry.service.lead_time_minutes)


def offer_pool_seats(pool_id: int, now: datetime) -> list[WaitlistEntry]:
    """Inside the write transaction that raised a pool's capacity: offer the new seats to those waiting."""
    return offer_freed_seats(
        db.session.scalars(
            select(Slot.id).where(Slot.pool_id == pool_id, Slot.starts_at >= now).order_by(Slot.id)
        ).all(),
        now,
    )


def _give_back(entry: WaitlistEntry) -> None:
    availability.give_back_seats(entry.slot, entry.held_seats)
    entry.held_seats = 0
    db.session.flush()


def stay_entry(stay: Stay, entry_id: int) -> WaitlistEntry:
    """One of this stay's entries; another stay's is simply not found."""
    return stay_row(
        WaitlistEntry, stay, _("We could not find that waiting list."), WaitlistEntry.id == entry_id
    )


def _lock(stay: Stay, entry_id: int) -> WaitlistEntry:
    """Inside a write transaction: lock the entry's slot, then the entry (a cancellation's order)."""
    slot_id = stay_entry(stay, entry_id).slot_id
    db.session.scalar(select(Slot.id).where(Slot.id == slot_id).with_for_update())
    return db.session.scalar(
        select(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def accept(stay: Stay, entry_id: int, method: PaymentMethod) -> Order:
    """The guest takes the seats offered: they become a booking of their own order, like a desk sale.

    A room charge books at once; a card payment leaves a pending order to pay for, whose
    seats are held for the payment time like any other card checkout.
    """
    stay_entry(stay, entry_id)
    ordering.check_payment_method(stay, method)  # also ends offers and holds whose time is up
    with write_transaction():
        entry = _lock(stay, entry_id)
        now = clock.now()
        if entry.status is WaitlistStatus.EXPIRED or (
            entry.status is WaitlistStatus.OFFERED and entry.offer_expires_at <= now
        ):
            raise NotAllowed(_("Sorry, this offer has ended."))
        if entry.status is not WaitlistStatus.OFFERED:
            raise NotAllowed(_("These places are not on offer to you."))
        _give_back(entry)
        booking = planning.BookingRequest(
            service_id=entry.service_id,
            slot_id=entry.slot_id,
            adults=entry.adults,
            child_indexes=_child_indexes(stay, entry.children_ages),
        )
        order = ordering.place_alone(stay, planning.plan_line(stay, booking, now), method)
        entry.status = WaitlistStatus.BOOKED
        entry.order_line_id = order.lines[0].id
    return order


def _child_indexes(stay: Stay, ages: list[int]) -> list[int]:
    """The stay's children with these ages; -1 for one no longer there (the booking then says why)."""
    free = list(enumerate(stay.children_ages))
    chosen = []
    for age in ages:
        index = next((i for i, (_index, child_age) in enumerate(free) if child_age == age), None)
        chosen.append(free.pop(index)[0] if index is not None else -1)
    return chosen


def leave(stay: Stay, entry_id: int) -> WaitlistEntry:
    """The guest leaves the list; seats offered to them go to the next party that fits."""
    with write_transaction():
        entry = _lock(stay, entry_id)
        if entry.status not in LIVE:
            raise NotAllowed(_("You are no longer on this waiting list."))
        offered = entry.status is WaitlistStatus.OFFERED
        entry.status = WaitlistStatus.LEFT
        if offered:
            _give_back(entry)
            offer_freed_seats([entry.slot_id], clock.now())
    return entry


def expire_offers(now: datetime) -> int:
    """Offers whose time is up give their seats to the next parties; return how many ran out.

    Also takes off the lists every entry still waiting for a time that has started.
    """
    due = db.session.execute(
        select(WaitlistEntry.id, WaitlistEntry.slot_id)
        .where(WaitlistEntry.status == WaitlistStatus.OFFERED, WaitlistEntry.offer_expires_at <= now)
        .order_by(WaitlistEntry.slot_id, WaitlistEntry.id)
    ).all()
    expired = 0
    for entry_id, slot_id in due:
        with write_transaction():
            db.session.scalar(select(Slot.id).where(Slot.id == slot_id).with_for_update())
            entry = db.session.scalar(
                select(WaitlistEntry)
                .where(WaitlistEntry.id == entry_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if entry.status is WaitlistStatus.OFFERED and entry.offer_expires_at <= now:
                _give_back(entry)
                entry.status = WaitlistStatus.EXPIRED
                offer_freed_seats([slot_id], now)
                expired += 1
    _close_passed(now)
    return expired


def _close_passed(now: datetime) -> None:
    started = select(Slot.id).where(Slot.starts_at <= now)
    stale = db.session.scalars(
        select(WaitlistEntry.id).where(
            WaitlistEntry.status == WaitlistStatus.WAITING, WaitlistEntry.slot_id.in_(started)
        )
    ).all()
    if not stale:
        return  # the common case: no write lock taken
    with write_transaction():
        offer_versions.bookings_changed(select(WaitlistEntry.stay_id).where(WaitlistEntry.id.in_(stale)))
        db.session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id.in_(stale), WaitlistEntry.status == WaitlistStatus.WAITING)
            .values(status=WaitlistStatus.LEFT)
            .execution_options(synchronize_session=False)
        )


def entries_for_stay(stay: Stay, now: datetime) -> list[WaitlistEntry]:
    """What My stay lists: the stay's entries for times still ahead, soonest first."""
    return [entry for entry, _place in _entries_with_positions(stay, now)]


def entries_and_positions(stay: Stay, now: datetime) -> tuple[list[WaitlistEntry], dict[int, int]]:
    """:func:`entries_for_stay` and each entry's :func:`position` by its id, in one statement."""
    rows = _entries_with_positions(stay, now)
    return [entry for entry, _place in rows], {entry.id: place for entry, place in rows}


def _entries_with_positions(stay: Stay, now: datetime) -> list[tuple[WaitlistEntry, int]]:
    values = {"stay_id": stay.id, "hotel_id": stay.hotel_id, "now": now}
    return [(entry, place) for entry, place in db.session.execute(_stay_entries(), values)]


@built_once
def _stay_entries() -> Select:
    place = _queue_place(WaitlistEntry.slot_id, WaitlistEntry.id).correlate(WaitlistEntry).scalar_subquery()
    return (
        select(WaitlistEntry, place)
        .join(Slot, Slot.id == WaitlistEntry.slot_id)
        .where(
            WaitlistEntry.stay_id == bindparam("stay_id"),
            WaitlistEntry.hotel_id == bindparam("hotel_id"),
            WaitlistEntry.status.in_(SHOWN),
            Slot.starts_at > bindparam("now"),
        )
        .order_by(Slot.starts_at, WaitlistEntry.id)
        # Their times and services in the same statement: My stay shows both for each.
        .options(contains_eager(WaitlistEntry.slot), joinedload(WaitlistEntry.service))
    )


def price(entry: WaitlistEntry) -> Quote:
    """What booking the offered places costs, discounts included: what :func:`accept` charges."""
    party = Party(adults=entry.adults, children_ages=tuple(entry.children_ages))
    quote = price_breakdown(entry.service, entry.hotel, party)
    return discounts.price_alone(entry.stay, entry.service_id, quote)


def position(entry: WaitlistEntry) -> int:
    """Where a waiting entry stands among those waiting for its time (1 = next)."""
    return db.session.scalar(_queue_place(entry.slot_id, entry.id))


def _queue_place(slot_id, entry_id) -> Select[tuple[int]]:
    """How many wait for ``slot_id`` up to ``entry_id`` included: that entry's place in the queue.

    Values for one entry, or columns of ``WaitlistEntry`` for each row of a query around it.
    """
    ahead = aliased(WaitlistEntry)
    return select(func.count(ahead.id)).where(
        ahead.slot_id == slot_id, ahead.status == WaitlistStatus.WAITING, ahead.id <= entry_id
    )
