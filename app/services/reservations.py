"""Reservations from the hotel's systems become stays: the one door for the API, the PMS and imports.

A reservation is known by the PMS's own id, so sending it again changes nothing and
sending it changed updates the stay it made before. The PMS is the truth about who
sleeps where: a room Lobby has no card for, or shared on paper, is taken as it comes
(the desk's own check-in checks both, because a receptionist can mistype).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Hotel, LineStatus, Order, OrderLine, Stay, StaySource, Tier
from app.models.ages import OLDEST_CHILD
from app.models.stays import party_kind
from app.services import audit, guest_access, signals, stay_life
from app.services.availability import local_datetime
from app.services.errors import LobbyError, NotAllowed
from app.services.locking import write_transaction
from app.services.stay_desk import MAX_ADULTS, MAX_CHILDREN, STAY_AUDITED, normalized_email

PMS_ID_MAX = 100
NAME_MAX = 80
ROOM_MAX = 12
# A stay longer than this is a typing error in the PMS, not a guest.
MAX_NIGHTS = 366
# Dates outside these years are typing errors too (and the day after 9999-12-31 does not exist).
FIRST_YEAR, LAST_YEAR = 2000, 2099
# What the trail keeps of a reservation's changes: the desk's fields and what only the PMS sends.
AUDITED = (*STAY_AUDITED, "locale", "pms_account_id")


@dataclass
class Reservation:
    """A reservation as the hotel's systems describe it; ``None`` leaves a stay's value as it is."""

    pms_reservation_id: str
    surname: str
    arrival: date
    departure: date
    first_name: str = ""
    email: str = ""
    # Any language tag ("de-DE", "ru"): the closest language the hotel has is taken.
    language: str | None = None
    adults: int = 1
    children_ages: list[int] = field(default_factory=list)
    room: str = ""  # "" until the PMS assigns one
    tier: Tier | None = None
    pms_account_id: str | None = None


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class ReservationRefused(LobbyError):
    """Every field that breaks a rule: ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())), 422)
        self.errors = errors


def problems(hotel: Hotel, reservation: Reservation) -> dict[str, str]:
    """Every field of ``reservation`` that cannot become a stay, with its message."""
    errors: dict[str, str] = {}

    def too_long(limit: int) -> str:
        return ngettext(
            "Please use at most %(num)d character.", "Please use at most %(num)d characters.", limit
        )

    if not reservation.pms_reservation_id.strip():
        errors["pms_reservation_id"] = _("Please give the reservation's id in your PMS.")
    elif len(reservation.pms_reservation_id.strip()) > PMS_ID_MAX:
        errors["pms_reservation_id"] = too_long(PMS_ID_MAX)
    if not reservation.surname.strip():
        errors["surname"] = _("Please enter the guest's surname.")
    for name, value, limit in (
        ("surname", reservation.surname, NAME_MAX),
        ("first_name", reservation.first_name, NAME_MAX),
        ("room", reservation.room, ROOM_MAX),
    ):
        if len(value.strip()) > limit:
            errors[name] = too_long(limit)
    for name, day in (("arrival", reservation.arrival), ("departure", reservation.departure)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = _(
                "Please enter a date in the years %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR
            )
    if errors.keys() & {"arrival", "departure"}:
        pass  # the order of two dates out of range says nothing more
    elif reservation.departure <= reservation.arrival:
        errors["departure"] = _("The departure must be after the arrival.")
    elif (reservation.departure - reservation.arrival).days > MAX_NIGHTS:
        errors["departure"] = ngettext(
            "A stay can last at most %(num)d night.", "A stay can last at most %(num)d nights.", MAX_NIGHTS
        )
    if not 1 <= reservation.adults <= MAX_ADULTS:
        errors["adults"] = _("Please enter a number from 1 to %(max)d.", max=MAX_ADULTS)
    if len(reservation.children_ages) > MAX_CHILDREN:
        errors["children_ages"] = ngettext(
            "Please list at most %(num)d child.", "Please list at most %(num)d children.", MAX_CHILDREN
        )
    elif any(not 0 <= age <= OLDEST_CHILD for age in reservation.children_ages):
        errors["children_ages"] = _("A child's age must be from 0 to 17.")
    if reservation.email.strip():
        try:
            normalized_email(reservation.email.strip())
        except LobbyError as error:
            errors["email"] = str(error.message)
    return errors


def closest_language(hotel: Hotel, tag: str | None) -> str:
    """The hotel's language nearest to ``tag`` ("pt-BR" -> "pt"), else the hotel's default."""
    if tag:
        wanted = tag.replace("_", "-").lower()
        for candidate in (wanted, wanted.split("-")[0]):
            for enabled in hotel.enabled_locales:
                if enabled.lower() == candidate:
                    return enabled
    return hotel.default_locale


def find(hotel: Hotel, pms_reservation_id: str) -> Stay | None:
    return db.session.scalar(
        select(Stay).where(Stay.hotel_id == hotel.id, Stay.pms_reservation_id == pms_reservation_id.strip())
    )


def _fields(hotel: Hotel, reservation: Reservation) -> dict:
    email = reservation.email.strip()
    fields = {
        "surname": reservation.surname.strip(),
        "first_name": reservation.first_name.strip(),
        "email": normalized_email(email) if email else "",
        "arrival": reservation.arrival,
        "departure": reservation.departure,
        "adults": reservation.adults,
        "children_ages": list(reservation.children_ages),
        "room": reservation.room.strip(),
    }
    if reservation.language is not None:
        fields["locale"] = closest_language(hotel, reservation.language)
    if reservation.tier is not None:
        fields["tier"] = reservation.tier
    if reservation.pms_account_id is not None:
        fields["pms_account_id"] = reservation.pms_account_id
    return fields


def upsert(hotel: Hotel, reservation: Reservation, source: StaySource) -> tuple[Stay, Outcome]:
    """The stay of ``reservation``, made or brought up to date; sending the same twice changes nothing.

    A cancelled reservation sent again as live is live again (the PMS undid the
    cancellation). The PMS is the truth about dates too: a change that leaves some of the
    stay's bookings outside it is taken, and the desk settles those bookings (unlike
    :func:`update`, which refuses it). Raises :class:`ReservationRefused` with every bad field.
    """
    errors = problems(hotel, reservation)
    if errors:
        raise ReservationRefused(errors)
    try:
        return _upsert_once(hotel, reservation, source)
    except IntegrityError:
        # PostgreSQL: another import inserted this reservation between our look and our insert
        # (the unique constraint said so); looking again finds its stay.
        return _upsert_once(hotel, reservation, source)


def _upsert_once(hotel: Hotel, reservation: Reservation, source: StaySource) -> tuple[Stay, Outcome]:
    # The writer lock (SQLite): two imports of the same reservation cannot both find none and both
    # insert. PostgreSQL has no lock on a row not there yet: its unique constraint refuses the second.
    with write_transaction():
        fields = _fields(hotel, reservation)
        stay = find(hotel, reservation.pms_reservation_id)
        if stay is None:
            stay = guest_access.create_stay(
                hotel,
                pms_reservation_id=reservation.pms_reservation_id.strip(),
                source=source,
                **fields,
            )
            audit.record(hotel.id, "stay.imported", stay, after=audit.snapshot(stay, STAY_AUDITED))
            signals.stay_changed.send(stay, change="created")
            return stay, Outcome.CREATED
        if stay.anonymised_at is not None:
            # Its guest's data was erased (retention or their request): sent again, it brings no one back.
            return stay, Outcome.UNCHANGED
        outcome = _apply(hotel, stay, fields | {"cancelled_at": None})
    return stay, outcome


def _apply(hotel: Hotel, stay: Stay, fields: dict[str, Any]) -> Outcome:
    """Set what differs of ``fields`` on ``stay`` and record it as "stay.updated"; the caller commits."""
    fields = dict(fields)
    if "surname" in fields:
        fields["surname_key"] = guest_access.surname_key(fields["surname"])
    if fields.keys() & {"adults", "children_ages"}:
        fields["party"] = party_kind(
            fields.get("adults", stay.adults), fields.get("children_ages", stay.children_ages)
        )
    differing = {name: value for name, value in fields.items() if getattr(stay, name) != value}
    if not differing:
        return Outcome.UNCHANGED
    before = _audited(stay)
    for name, value in differing.items():
        setattr(stay, name, value)
    audit.record(hotel.id, "stay.updated", stay, before=before, after=_audited(stay))
    signals.stay_changed.send(stay, change="updated")
    return Outcome.UPDATED


def _audited(stay: Stay) -> dict[str, Any]:
    return audit.snapshot(stay, AUDITED) | {"cancelled": stay.cancelled_at is not None}


# What a client may change of a stay it has (PATCH): the guest's details, the room, the dates and the party.
CHANGEABLE = (
    "surname",
    "first_name",
    "email",
    "language",
    "room",
    "arrival",
    "departure",
    "adults",
    "children_ages",
)


def update(hotel: Hotel, stay: Stay, changes: dict[str, Any]) -> Outcome:
    """Change only the fields in ``changes`` (names of :data:`CHANGEABLE`); the rest stays as it is.

    Validated as a whole reservation (a new arrival against the old departure), with
    :class:`ReservationRefused` naming every bad field. New dates that would leave any of
    the stay's live bookings outside the stay are refused (:class:`NotAllowed`, a conflict):
    the desk moves or cancels those bookings first, so none is left orphaned.
    """
    unknown = changes.keys() - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    current = Reservation(
        pms_reservation_id=stay.pms_reservation_id or str(stay.id),
        surname=stay.surname,
        first_name=stay.first_name,
        email=stay.email,
        language=stay.locale,
        arrival=stay.arrival,
        departure=stay.departure,
        adults=stay.adults,
        children_ages=list(stay.children_ages),
        room=stay.room,
    )
    wanted = Reservation(**(vars(current) | changes))
    errors = problems(hotel, wanted)
    if errors:
        raise ReservationRefused({name: text for name, text in errors.items() if name in changes} or errors)
    fields = {name: value for name, value in _fields(hotel, wanted).items() if _sent(name, changes)}
    with write_transaction():  # the stay and its bookings read under the writer lock
        if fields.keys() & {"arrival", "departure"}:
            outside = bookings_outside(stay, wanted.arrival, wanted.departure)
            if outside:
                raise NotAllowed(
                    ngettext(
                        "%(num)d booking of this stay falls outside those dates: move or cancel it first.",
                        "%(num)d bookings of this stay fall outside those dates: move or cancel them first.",
                        outside,
                    )
                )
        outcome = _apply(hotel, stay, fields)
    return outcome


def _sent(field_name: str, changes: dict[str, Any]) -> bool:
    return (field_name if field_name != "locale" else "language") in changes


# Bookings that hold seats (or wait for them): a cart is not a booking yet.
LIVE_LINES = (LineStatus.HELD, LineStatus.REQUESTED, LineStatus.BOOKED)


def bookings_outside(stay: Stay, arrival: date, departure: date) -> int:
    """How many of the stay's live bookings would start before ``arrival`` or end after ``departure``."""
    tz = stay.hotel.tz
    starts = local_datetime(arrival, time(0), tz)
    ends = local_datetime(departure + timedelta(days=1), time(0), tz)
    return db.session.scalar(
        select(func.count(OrderLine.id))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.stay_id == stay.id,
            OrderLine.hotel_id == stay.hotel_id,
            OrderLine.status.in_(LIVE_LINES),
            or_(OrderLine.starts_at < starts, OrderLine.ends_at > ends),
        )
    )


def cancel(hotel: Hotel, stay: Stay) -> bool:
    """The reservation is cancelled: the guest's sessions end and sign-in is refused. False if it was already.

    Only a stay still expected can be cancelled (:class:`NotAllowed` otherwise): a guest
    in the house checks out instead, as in the PMS. Bookings the guest made stay as they
    are for the desk to settle (a cancelled reservation often comes back, and refunds are
    the desk's decision); nothing more can be sold to the stay (``stay_life.ensure_open``).
    """
    with write_transaction():
        if stay.cancelled_at is not None:
            return False
        current = stay_life.phase(stay)
        if current is stay_life.StayPhase.IN_HOUSE:
            raise NotAllowed(_("This guest is in the house: check them out instead of cancelling."))
        if current is stay_life.StayPhase.CHECKED_OUT:
            raise NotAllowed(_("This guest has already checked out."))
        stay.cancelled_at = clock.now()
        guest_access.end_guest_sessions(stay)
        audit.record(hotel.id, "stay.cancelled", stay, after={"cancelled": True})
        signals.stay_changed.send(stay, change="cancelled")
    return True


class Status(enum.StrEnum):
    """Where a reservation is, as the hotel's systems see it: its phase, or cancelled."""

    EXPECTED = "expected"
    IN_HOUSE = "in_house"
    DEPARTED = "departed"
    CANCELLED = "cancelled"


_STATUS_OF_PHASE = {
    stay_life.StayPhase.EXPECTED: Status.EXPECTED,
    stay_life.StayPhase.IN_HOUSE: Status.IN_HOUSE,
    stay_life.StayPhase.CHECKED_OUT: Status.DEPARTED,
}


def status(stay: Stay) -> Status:
    return Status.CANCELLED if stay.cancelled_at is not None else _STATUS_OF_PHASE[stay_life.phase(stay)]


_STATUS_WHERE = {
    Status.CANCELLED: Stay.cancelled_at.is_not(None),
    Status.EXPECTED: and_(
        Stay.cancelled_at.is_(None), Stay.checked_in_at.is_(None), Stay.checked_out_at.is_(None)
    ),
    Status.IN_HOUSE: and_(
        Stay.cancelled_at.is_(None), Stay.checked_in_at.is_not(None), Stay.checked_out_at.is_(None)
    ),
    Status.DEPARTED: and_(Stay.cancelled_at.is_(None), Stay.checked_out_at.is_not(None)),
}


@dataclass
class StayFilter:
    """What a list of stays is narrowed to; ``None`` narrows nothing. Date bounds are inclusive."""

    arriving_from: date | None = None
    arriving_until: date | None = None
    departing_from: date | None = None
    departing_until: date | None = None
    status: Status | None = None
    pms_reservation_id: str | None = None


def stays(hotel_id: int, narrowed: StayFilter) -> Select:
    """The hotel's stays narrowed by ``narrowed``, as a statement to page through (by id)."""
    statement = select(Stay).where(Stay.hotel_id == hotel_id)
    for column, bound, compare in (
        (Stay.arrival, narrowed.arriving_from, "ge"),
        (Stay.arrival, narrowed.arriving_until, "le"),
        (Stay.departure, narrowed.departing_from, "ge"),
        (Stay.departure, narrowed.departing_until, "le"),
    ):
        if bound is not None:
            statement = statement.where(column >= bound if compare == "ge" else column <= bound)
    if narrowed.status is not None:
        statement = statement.where(_STATUS_WHERE[narrowed.status])
    if narrowed.pms_reservation_id is not None:
        statement = statement.where(Stay.pms_reservation_id == narrowed.pms_reservation_id.strip())
    return statement


def stay_of(hotel_id: int, stay_id: int) -> Stay | None:
    """The hotel's stay ``stay_id``; another hotel's is None, as if it did not exist."""
    return db.session.scalar(select(Stay).where(Stay.hotel_id == hotel_id, Stay.id == stay_id))
