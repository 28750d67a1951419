"""The desk's part of a stay: checking guests in and out, today's arrivals and departures, the room card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import qrcode
import qrcode.image.svg
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Hotel, Stay, Tier
from app.services import clock, guest_access
from app.services.errors import LobbyError, NotAllowed

MAX_ADULTS = 10
MAX_CHILDREN = 8


@dataclass
class CheckIn:
    room: str
    surname: str
    first_name: str
    email: str
    locale: str
    arrival: date
    departure: date
    adults: int
    children_ages: list[int]
    tier: Tier


def parse_ages(text: str) -> list[int]:
    """ "4, 9" -> [4, 9]; every age a whole number from 0 to 17."""
    parts = [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]
    if len(parts) > MAX_CHILDREN:
        raise LobbyError(
            ngettext(
                "Please list at most %(num)d child.", "Please list at most %(num)d children.", MAX_CHILDREN
            )
        )
    try:
        ages = [int(part) for part in parts]
    except ValueError as error:
        raise LobbyError(_("Please give each child's age as a number, separated by commas.")) from error
    if any(not 0 <= age <= 17 for age in ages):
        raise LobbyError(_("A child's age must be from 0 to 17."))
    return ages


def check_in(hotel: Hotel, details: CheckIn) -> Stay:
    if details.departure <= details.arrival:
        raise LobbyError(_("The departure must be after the arrival."))
    if not 1 <= details.adults <= MAX_ADULTS:
        raise LobbyError(_("Please enter a number from 1 to %(max)d.", max=MAX_ADULTS))
    if details.email.strip() and ("@" not in details.email or " " in details.email.strip()):
        raise LobbyError(_("Please enter a valid email address."))
    if details.locale not in hotel.enabled_locales:
        raise LobbyError(_("Please choose from the list."))
    overlapping = db.session.scalar(
        select(Stay.id).where(
            Stay.hotel_id == hotel.id,
            Stay.room == details.room.strip(),
            Stay.checked_out_at.is_(None),
            Stay.arrival < details.departure,
            Stay.departure > details.arrival,
        )
    )
    if overlapping:
        raise NotAllowed(_("Room %(room)s already has a guest on those dates.", room=details.room.strip()))
    tier = max(details.tier, tier_from_history(hotel, details.email), key=list(Tier).index)
    stay = guest_access.create_stay(
        hotel,
        room=details.room.strip(),
        surname=details.surname.strip(),
        first_name=details.first_name.strip(),
        email=details.email.strip(),
        locale=details.locale,
        arrival=details.arrival,
        departure=details.departure,
        adults=details.adults,
        children_ages=details.children_ages,
        tier=tier,
    )
    db.session.commit()
    return stay


RETURNING_SILVER = 1  # earlier stays with the same email that make a guest silver
RETURNING_GOLD = 3


def tier_from_history(hotel: Hotel, email: str) -> Tier:
    """Returning guests, recognised by email, are at least silver (one earlier stay) or gold (three)."""
    email = email.strip().lower()
    if not email:
        return Tier.STANDARD
    earlier = db.session.scalar(
        select(func.count(Stay.id)).where(
            Stay.hotel_id == hotel.id, func.lower(Stay.email) == email, Stay.checked_out_at.is_not(None)
        )
    )
    if earlier >= RETURNING_GOLD:
        return Tier.GOLD
    return Tier.SILVER if earlier >= RETURNING_SILVER else Tier.STANDARD


def check_out(stay: Stay) -> None:
    """The stay ends: its links and sessions stop working at once."""
    if stay.checked_out_at is not None:
        raise NotAllowed(_("This guest has already checked out."))
    stay.checked_out_at = clock.now()
    db.session.commit()


def arrivals(hotel_id: int, today: date) -> list[Stay]:
    return list(
        db.session.scalars(
            select(Stay).where(Stay.hotel_id == hotel_id, Stay.arrival == today).order_by(Stay.room)
        )
    )


def departures(hotel_id: int, today: date) -> list[Stay]:
    return list(
        db.session.scalars(
            select(Stay)
            .where(Stay.hotel_id == hotel_id, Stay.departure == today, Stay.checked_out_at.is_(None))
            .order_by(Stay.room)
        )
    )


def qr_svg(url: str) -> str:
    """The room card's QR code as inline SVG (no image file, no script: fine under our CSP)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")
