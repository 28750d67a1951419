"""Reservations from the hotel's systems become stays: the one door for the API, the PMS and imports.

A reservation is known by the PMS's own id, so sending it again changes nothing and
sending it changed updates the stay it made before. The PMS is the truth about who
sleeps where: a room Lobby has no card for, or shared on paper, is taken as it comes
(the desk's own check-in checks both, because a receptionist can mistype).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Hotel, Stay, StaySource, Tier
from app.models.ages import OLDEST_CHILD
from app.models.stays import party_kind
from app.services import audit, guest_access, signals
from app.services.errors import LobbyError
from app.services.locking import write_transaction
from app.services.stay_desk import MAX_ADULTS, MAX_CHILDREN, STAY_AUDITED, normalized_email

PMS_ID_MAX = 100
NAME_MAX = 80
ROOM_MAX = 12
# A stay longer than this is a typing error in the PMS, not a guest.
MAX_NIGHTS = 366


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
    too_long = _("Please use at most %(num)d characters.")
    if not reservation.pms_reservation_id.strip():
        errors["pms_reservation_id"] = _("Please give the reservation's id in your PMS.")
    elif len(reservation.pms_reservation_id.strip()) > PMS_ID_MAX:
        errors["pms_reservation_id"] = too_long % {"num": PMS_ID_MAX}
    if not reservation.surname.strip():
        errors["surname"] = _("Please enter the guest's surname.")
    for name, value, limit in (
        ("surname", reservation.surname, NAME_MAX),
        ("first_name", reservation.first_name, NAME_MAX),
        ("room", reservation.room, ROOM_MAX),
    ):
        if len(value.strip()) > limit:
            errors[name] = too_long % {"num": limit}
    if reservation.departure <= reservation.arrival:
        errors["departure"] = _("The departure must be after the arrival.")
    elif (reservation.departure - reservation.arrival).days > MAX_NIGHTS:
        errors["departure"] = _("A stay can last at most %(num)d nights.", num=MAX_NIGHTS)
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
    cancellation). Raises :class:`ReservationRefused` with every bad field.
    """
    errors = problems(hotel, reservation)
    if errors:
        raise ReservationRefused(errors)
    # The writer lock: two imports of the same reservation cannot both find none and both insert.
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
        before = audit.snapshot(stay, STAY_AUDITED) | {"cancelled": stay.cancelled_at is not None}
        fields |= {
            "surname_key": guest_access.surname_key(fields["surname"]),
            "party": party_kind(fields["adults"], fields["children_ages"]),
            "cancelled_at": None,
        }
        differing = {name: value for name, value in fields.items() if getattr(stay, name) != value}
        if not differing:
            return stay, Outcome.UNCHANGED
        for name, value in differing.items():
            setattr(stay, name, value)
        was, now = audit.changes(before, audit.snapshot(stay, STAY_AUDITED) | {"cancelled": False})
        audit.record(hotel.id, "stay.updated", stay, before=was, after=now)
        signals.stay_changed.send(stay, change="updated")
    return stay, Outcome.UPDATED


def cancel(hotel: Hotel, stay: Stay) -> bool:
    """The reservation is cancelled: the guest's sessions end and sign-in is refused. False if it was already.

    Bookings the guest made stay as they are for the desk to settle (a cancelled
    reservation often comes back, and refunds are the desk's decision).
    """
    with write_transaction():
        if stay.cancelled_at is not None:
            return False
        stay.cancelled_at = clock.now()
        guest_access.end_guest_sessions(stay)
        audit.record(hotel.id, "stay.cancelled", stay, after={"cancelled": True})
        signals.stay_changed.send(stay, change="cancelled")
    return True
