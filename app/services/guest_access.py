"""How a guest proves which stay is theirs: room + surname, booking reference + surname, or a link."""

from __future__ import annotations

import base64
import secrets
import unicodedata
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Stay
from app.models.stays import party_kind
from app.services.locking import write_transaction


def new_access_token() -> str:
    """256 random bits, URL-safe: what the room QR code and guest links hold."""
    return secrets.token_urlsafe(32)


def new_booking_reference() -> str:
    """128 random bits in base32, grouped for reading aloud: ``K7QX-…`` (26 characters)."""
    raw = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_reference(typed: str) -> str:
    compact = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def surname_key(surname: str) -> str:
    """Fold case and accents so "García", "GARCIA" and "garcia " all match."""
    decomposed = unicodedata.normalize("NFKD", surname.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def stay_by_room(hotel: Hotel, room: str, surname: str, today: date) -> Stay | None:
    """The stay in ``room`` today whose surname matches, if it has not checked out."""
    return db.session.scalar(
        select(Stay).where(
            Stay.hotel_id == hotel.id,
            Stay.room == room.strip(),
            Stay.surname_key == surname_key(surname),
            Stay.arrival <= today,
            Stay.departure >= today,
            Stay.checked_out_at.is_(None),
        )
    )


def stay_by_reference(hotel: Hotel, reference: str, surname: str, today: date) -> Stay | None:
    """A current or future stay by its booking reference, when the surname matches too."""
    stay = db.session.scalar(
        select(Stay).where(
            Stay.hotel_id == hotel.id,
            Stay.booking_reference == normalize_reference(reference),
            Stay.departure >= today,
            Stay.checked_out_at.is_(None),
        )
    )
    if stay is None or not secrets.compare_digest(stay.surname_key.encode(), surname_key(surname).encode()):
        return None
    return stay


def stay_by_token(token: str, now: datetime) -> Stay | None:
    """The stay a room QR code or guest link opens, until the day of departure."""
    if not token or len(token) > 64:
        return None
    stay = db.session.scalar(select(Stay).where(Stay.access_token == token, Stay.checked_out_at.is_(None)))
    if stay is None or stay.departure < now.astimezone(db.session.get(Hotel, stay.hotel_id).tz).date():
        return None
    return stay


def end_guest_sessions(stay: Stay) -> None:
    """Every guest session issued so far stops working, copies of the cookie included; the caller commits."""
    stay.session_version = (stay.session_version or 1) + 1


def guest_signs_out(stay: Stay) -> None:
    # A writer from the start: this request read the stay first (SQLite's read-then-write trap).
    with write_transaction():
        end_guest_sessions(stay)


def session_ends_at(stay: Stay) -> datetime:
    """A guest session lasts until the end of the departure day, in the hotel's time zone."""
    tz = db.session.get(Hotel, stay.hotel_id).tz
    return datetime.combine(stay.departure + timedelta(days=1), time(0), tzinfo=tz)


def create_stay(hotel: Hotel, **fields) -> Stay:
    stay = Stay(
        hotel_id=hotel.id,
        party=party_kind(fields.get("adults", 1), fields.get("children_ages", [])),
        access_token=new_access_token(),
        booking_reference=new_booking_reference(),
        surname_key=surname_key(fields["surname"]),
        locale=fields.pop("locale", hotel.default_locale),
        **fields,
    )
    db.session.add(stay)
    db.session.flush()
    return stay
