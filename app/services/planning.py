"""What a guest asks to book, and the line it becomes once every booking rule has passed.

A :class:`BookingRequest` comes from a form (guest, desk) or a waiting list's offer;
:func:`plan_line` checks it against the stay, the service's ages and lead time and the
seats left, and prices it. Ordering (cart, checkout, desk sales) and the waiting lists
both plan lines here, so neither needs the other to know what may be booked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, format_timedelta, ngettext
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.models import Hotel, Service, Slot, Stay
from app.models.ages import ADULT_AGE
from app.services import availability, stay_life
from app.services.catalog import bookable_service
from app.services.errors import LobbyError, NotAllowed, NotFound, SoldOut
from app.services.pricing import Party, Quote, price_breakdown

MAX_UNITS = 10
MAX_RENTAL_DAYS = 30


@dataclass
class BookingRequest:
    """What a guest asked for, as parsed from a form; checked by :func:`plan_line`."""

    service_id: int
    slot_id: int | None = None
    adults: int = 0
    child_indexes: list[int] = field(default_factory=list)  # positions in stay.children_ages
    start_date: date | None = None
    days: int = 1
    quantity: int = 1
    # The offer (place, reason code) the guest booked from, once checked by recommendations.attribution.
    offer: tuple[str, str] | None = None


@dataclass
class PlannedLine:
    service: Service
    slots: list[Slot]
    party: Party
    quote: Quote
    starts_at: datetime
    ends_at: datetime
    start_date: date | None = None
    end_date: date | None = None
    offer: tuple[str, str] | None = None


def plan_line(stay: Stay, booking: BookingRequest, now: datetime | None = None) -> PlannedLine:
    """Check a booking against every rule and price it; raise :class:`LobbyError` if it breaks one."""
    now = now or clock.now()
    stay_life.ensure_open(stay)
    service = bookable_service(stay.hotel_id, booking.service_id)
    hotel = stay.hotel
    if service.kind.by_day:
        planned = _plan_by_day(stay, hotel, service, booking, now)
    else:
        planned = _plan_timed(stay, hotel, service, booking, now)
    planned.offer = booking.offer
    return planned


def _plan_timed(
    stay: Stay, hotel: Hotel, service: Service, booking: BookingRequest, now: datetime
) -> PlannedLine:
    slot = db.session.get(Slot, booking.slot_id) if booking.slot_id else None
    if slot is None or slot.pool_id != service.pool_id or slot.hotel_id != stay.hotel_id:
        raise NotFound(_("That time is not available. Please choose another."))
    check_lead_time(service, slot.starts_at, now)
    _check_within_stay(stay, slot.local_date)
    party = Party(adults=booking.adults, children_ages=chosen_children(stay, booking.child_indexes))
    check_party(stay, service, party)
    if party.people > slot.seats_left:
        raise SoldOut(_seats_left_message(slot.seats_left))
    quote = price_breakdown(service, hotel, party)
    return PlannedLine(service, [slot], party, quote, slot.starts_at, slot.ends_at)


def _plan_by_day(
    stay: Stay, hotel: Hotel, service: Service, booking: BookingRequest, now: datetime
) -> PlannedLine:
    if booking.start_date is None:
        raise LobbyError(_("Please choose the first day."))
    if not 1 <= booking.days <= MAX_RENTAL_DAYS:
        raise LobbyError(_("Number of days: please choose from 1 to %(max)d.", max=MAX_RENTAL_DAYS))
    if not 1 <= booking.quantity <= min(MAX_UNITS, service.pool.capacity):
        raise LobbyError(_("Please choose between 1 and %(max)d.", max=min(MAX_UNITS, service.pool.capacity)))
    first, last = booking.start_date, booking.start_date + timedelta(days=booking.days - 1)
    earliest = hotel.local(now + timedelta(minutes=service.lead_time_minutes)).date()
    if first < earliest:
        raise NotAllowed(_("The earliest day you can book this for is %(day)s.", day=format_date(earliest)))
    _check_within_stay(stay, first)
    _check_within_stay(stay, last)
    slots = availability.day_slots(service, first, last)
    if len(slots) != booking.days:
        raise NotFound(_("This is not available on every day you chose."))
    fewest = min(slot.seats_left for slot in slots)
    if booking.quantity > fewest:
        raise SoldOut(_seats_left_message(fewest))
    party = Party(quantity=booking.quantity, days=booking.days)
    quote = price_breakdown(service, hotel, party)
    tz = hotel.tz
    return PlannedLine(
        service,
        slots,
        party,
        quote,
        starts_at=datetime.combine(first, time(0), tzinfo=tz),
        ends_at=datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz),
        start_date=first,
        end_date=last,
    )


def check_lead_time(service: Service, starts_at: datetime, now: datetime) -> None:
    if starts_at < now:
        raise NotAllowed(_("That time has already passed. Please choose another."))
    lead = timedelta(minutes=service.lead_time_minutes)
    if starts_at - lead < now:
        raise NotAllowed(
            _("This must be booked at least %(time)s in advance.", time=format_timedelta(lead, threshold=1))
        )


def _check_within_stay(stay: Stay, day: date) -> None:
    if not stay.arrival <= day <= stay.departure:
        raise LobbyError(
            _(
                "Please choose a day during your stay (%(arrival)s to %(departure)s).",
                arrival=format_date(stay.arrival),
                departure=format_date(stay.departure),
            )
        )


def chosen_children(stay: Stay, indexes: list[int]) -> tuple[int, ...]:
    if len(set(indexes)) != len(indexes) or any(not 0 <= i < stay.children for i in indexes):
        raise LobbyError(_("Please choose children from your stay."))
    return tuple(stay.children_ages[i] for i in sorted(indexes))


def check_party(stay: Stay, service: Service, party: Party) -> None:
    if not 0 <= party.adults <= stay.adults:
        raise LobbyError(
            ngettext("Your stay has %(num)d adult.", "Your stay has %(num)d adults.", stay.adults)
        )
    if party.people == 0:
        raise LobbyError(_("Please choose who is coming."))
    if party.adults and service.max_age is not None and service.max_age < ADULT_AGE:
        raise LobbyError(
            _(
                "%(service)s is for children up to age %(age)d.",
                service=service.title,
                age=service.max_age,
            )
        )
    for age in party.children_ages:
        if service.min_age is not None and age < service.min_age:
            raise LobbyError(
                _(
                    "A child aged %(age)d is too young for %(service)s: the minimum age is %(min)d.",
                    age=age,
                    service=service.title,
                    min=service.min_age,
                )
            )
        if service.max_age is not None and age > service.max_age:
            raise LobbyError(
                _(
                    "A child aged %(age)d is too old for %(service)s: the maximum age is %(max)d.",
                    age=age,
                    service=service.title,
                    max=service.max_age,
                )
            )


def _seats_left_message(left: int) -> str:
    if left <= 0:
        return _("Sorry, this is sold out. Please choose another time.")
    return ngettext("Only %(num)d place left.", "Only %(num)d places left.", left)


@dataclass(frozen=True)
class OpenSlot:
    """A slot as a booking would find it: ``bookable`` when on sale, open, in time and not full."""

    slot: Slot
    bookable: bool


@dataclass(frozen=True)
class OpenDay:
    day: date
    slots: list[OpenSlot]

    @property
    def available(self) -> bool:
        return any(item.bookable for item in self.slots)


def open_days(service: Service, first: date, last: date, now: datetime | None = None) -> list[OpenDay]:
    """What a booking of ``service`` could find on each day ``first``..``last`` (inclusive), for any stay.

    The rules that do not depend on the stay: on sale, the lead time (for a by-day service,
    its earliest day, as :func:`_plan_by_day` counts it), a time not closed and a seat left.
    A stay's own dates and party are checked when it books.
    """
    now = now or clock.now()
    selling = service.active and not service.archived
    slots = availability.slots_between(service, first, last)
    if service.kind.by_day:
        earliest = service.hotel.local(now + timedelta(minutes=service.lead_time_minutes)).date()

        def bookable(slot: Slot) -> bool:
            return slot.local_date >= earliest
    else:
        lead = timedelta(minutes=service.lead_time_minutes)

        def bookable(slot: Slot) -> bool:
            return slot.starts_at - lead >= now

    by_day: dict[date, list[OpenSlot]] = {}
    for slot in slots:
        fits = selling and not slot.closed and slot.seats_left > 0 and bookable(slot)
        by_day.setdefault(slot.local_date, []).append(OpenSlot(slot, fits))
    # Counted, not stepped past ``last``: the last day may be the calendar's last.
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [OpenDay(day, by_day.get(day, [])) for day in days]
