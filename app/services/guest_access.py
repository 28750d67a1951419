"""How a guest proves which stay is theirs: room + surname, booking reference + surname, or a link."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Hotel, Stay
from app.models.stays import party_kind
from app.services.locking import write_transaction
from app.services.statements import built_once
from app.services.transactions import operation


def new_access_token() -> str:
    """256 random bits, URL-safe: what the room QR code and guest links hold."""
    return secrets.token_urlsafe(32)


# 64 bits: the value it is kept in is signed, so this only has to tell one token from the next.
FINGERPRINT_LENGTH = 16


def stay_with_hotel(stay_id: int) -> Stay | None:
    """The stay a guest session names, with its hotel: every guest page needs both, in one statement."""
    return db.session.execute(_stay_with_hotel(), {"stay_id": stay_id}).scalar_one_or_none()


@built_once
def _stay_with_hotel() -> Select:
    return select(Stay).where(Stay.id == bindparam("stay_id")).options(joinedload(Stay.hotel))


def access_fingerprint(stay: Stay) -> str:
    """A digest of the stay's access token, kept in its guest sessions and email links.

    Re-issuing the token (a lost phone) changes it, which ends every session and link
    opened with the old one; the token itself is never copied into a cookie or an email.
    """
    return hashlib.sha256(stay.access_token.encode()).hexdigest()[:FINGERPRINT_LENGTH]


# Crockford's base32: digits and capitals without I, L, O and U, so nothing reads as something else.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# What a guest may type for a look-alike: Crockford's own substitutions.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
REFERENCE_LENGTH = 8
# References issued before short ones: 128 bits in RFC 4648 base32 (26 characters), still honoured.
_LEGACY_LENGTH = 26
_COLLISION_RETRIES = 5


def new_booking_reference() -> str:
    """8 characters of Crockford base32 (40 random bits), shown and stored as ``K7QX-4M2P``.

    40 bits are enough because a reference alone opens nothing: sign-in also needs the
    surname and is rate-limited per address (GUEST_SIGNIN_LIMIT), so guessing a trillion
    references is out of reach; short is what lets a guest type it on a phone.
    """
    raw = "".join(secrets.choice(CROCKFORD) for _ in range(REFERENCE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_reference(typed: str) -> str:
    """A reference as stored, from what a guest typed: any case, spaces or dashes, O for 0, I or L for 1.

    Long references (before short ones) use RFC 4648 base32, where O, I and L are real
    letters, so the look-alike substitutions apply to short references only.
    """
    compact = "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())
    if len(compact) == REFERENCE_LENGTH:
        compact = compact.translate(_LOOK_ALIKES)
    elif len(compact) != _LEGACY_LENGTH:
        compact = compact[:_LEGACY_LENGTH]
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def surname_key(surname: str) -> str:
    """Fold case and accents so "García", "GARCIA" and "garcia " all match."""
    decomposed = unicodedata.normalize("NFKD", surname.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def stay_by_room(hotel: Hotel, room: str, surname: str, today: date) -> Stay | None:
    """The stay in ``room`` today whose surname matches, if it has not checked out or been cancelled."""
    return db.session.scalar(
        select(Stay).where(
            Stay.hotel_id == hotel.id,
            Stay.room == room.strip(),
            Stay.surname_key == surname_key(surname),
            Stay.arrival <= today,
            Stay.departure >= today,
            Stay.checked_out_at.is_(None),
            Stay.cancelled_at.is_(None),
        )
    )


def stay_by_reference(hotel: Hotel, reference: str, surname: str, today: date) -> Stay | None:
    """A current or future stay (not cancelled) by its booking reference, when the surname matches too."""
    stay = db.session.scalar(
        select(Stay).where(
            Stay.hotel_id == hotel.id,
            Stay.booking_reference == normalize_reference(reference),
            Stay.departure >= today,
            Stay.checked_out_at.is_(None),
            Stay.cancelled_at.is_(None),
        )
    )
    if stay is None or not secrets.compare_digest(stay.surname_key.encode(), surname_key(surname).encode()):
        return None
    return stay


def stay_by_token(hotel: Hotel, token: str, now: datetime) -> Stay | None:
    """The stay of ``hotel`` a room QR code or guest link opens, until the day of departure (never a
    cancelled one). Another hotel's token opens nothing here, exactly like an unknown one."""
    if not token or len(token) > 64:
        return None
    stay = db.session.scalar(
        select(Stay).where(
            Stay.hotel_id == hotel.id,
            Stay.access_token == token,
            Stay.checked_out_at.is_(None),
            Stay.cancelled_at.is_(None),
        )
    )
    if stay is None or stay.departure < stay.hotel.local(now).date():
        return None
    return stay


def end_guest_sessions(stay: Stay) -> None:
    """Every guest session issued so far stops working, copies of the cookie included; the caller commits."""
    stay.session_version = (stay.session_version or 1) + 1


def guest_signs_out(stay: Stay) -> None:
    # A writer from the start: this request read the stay first (SQLite's read-then-write trap).
    with write_transaction():
        end_guest_sessions(stay)


@operation
def remember_language(stay: Stay, locale: str) -> None:
    """The language the guest chose: their emails and the desk's view of the stay use it too."""
    stay.locale = locale


def session_ends_at(stay: Stay) -> datetime:
    """A guest session lasts until the end of the departure day, in the hotel's time zone."""
    return datetime.combine(stay.departure + timedelta(days=1), time(0), tzinfo=stay.hotel.tz)


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
    draws = 1
    while True:
        # The reference column is unique; 40 bits collide rarely, and then a new draw is enough.
        # (begin_nested flushes what is pending first, so the stay is added inside the savepoint.)
        try:
            with db.session.begin_nested():
                db.session.add(stay)
                db.session.flush()
            return stay
        except IntegrityError:
            if draws >= _COLLISION_RETRIES or not _reference_taken(stay.booking_reference):
                raise
            draws += 1
            stay.booking_reference = new_booking_reference()


def _reference_taken(reference: str) -> bool:
    with db.session.no_autoflush:
        return db.session.scalar(select(Stay.id).where(Stay.booking_reference == reference)) is not None
