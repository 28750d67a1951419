"""Links in guest emails that open the stay, collect feedback or unsubscribe, without typing anything.

A link is the stay id and what it opens, signed with the app's secret key (itsdangerous);
it carries no expiry of its own: whether it still works is decided from the stay as it is
now (departure day, check-out), so a stay that is extended keeps its links working and
one that ends early closes them. Each kind of link has its own salt, so an unsubscribe
token can never be replayed as a sign-in token.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, Signer, URLSafeSerializer

from app.extensions import db
from app.models import Stay
from app.services.guest_access import access_fingerprint

OPEN_SALT = "lobby-email-open"
FEEDBACK_SALT = "lobby-email-feedback"
UNSUBSCRIBE_SALT = "lobby-email-unsubscribe"
OFFER_SALT = "lobby-offer-link"

# The thank-you arrives on departure day or later (up to 2 days), when the guest pages are closed;
# its feedback link only lets the guest answer "would you recommend us", so it may live a week.
FEEDBACK_DAYS_AFTER_DEPARTURE = 7


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


# Links signed before sessions and links shared one fingerprint carry its first 12 characters;
# they are honoured as long as they live (an open link to departure, a feedback link a week past it).
_OLDER_LINK_FINGERPRINT = 12


def _same_token(stay: Stay, fingerprint: object) -> bool:
    """Whether a link was signed for the stay's access token as it is now (re-issuing it ends its links)."""
    if not isinstance(fingerprint, str):
        return False
    current = access_fingerprint(stay)
    return fingerprint == current or (
        len(fingerprint) == _OLDER_LINK_FINGERPRINT and current.startswith(fingerprint)
    )


def _load(salt: str, token: str) -> list | None:
    if not token or len(token) > 600:
        return None
    try:
        payload = _serializer(salt).loads(token)
    except BadData:
        return None
    return payload if isinstance(payload, list) and payload and isinstance(payload[0], int) else None


def _stay(stay_id: int, fingerprint: str | None = None) -> Stay | None:
    stay = db.session.get(Stay, stay_id)
    if stay is None or (fingerprint is not None and not _same_token(stay, fingerprint)):
        return None
    return stay


def _local_day(stay: Stay, now: datetime):
    return stay.hotel.local(now).date()


def open_token(stay: Stay, path: str) -> str:
    """A token that signs the guest in and opens ``path`` (a path on this site, e.g. "/stay")."""
    return _serializer(OPEN_SALT).dumps([stay.id, path, access_fingerprint(stay)])


def read_open_token(token: str, now: datetime) -> tuple[Stay, str] | None:
    """The stay and path a link opens, or None when tampered, checked out, cancelled or past its departure."""
    payload = _load(OPEN_SALT, token)
    if payload is None or len(payload) != 3 or not isinstance(payload[1], str):
        return None
    stay = _stay(payload[0], payload[2])
    if (
        stay is None
        or stay.checked_out_at is not None
        or stay.cancelled_at is not None
        or _local_day(stay, now) > stay.departure
    ):
        return None
    return stay, payload[1]


def feedback_token(stay: Stay) -> str:
    return _serializer(FEEDBACK_SALT).dumps([stay.id, access_fingerprint(stay)])


def read_feedback_token(token: str, now: datetime) -> Stay | None:
    """The stay whose feedback page this is; works after check-out, for a week after departure."""
    payload = _load(FEEDBACK_SALT, token)
    if payload is None or len(payload) != 2:
        return None
    stay = _stay(payload[0], payload[1])
    last_day = stay.departure + timedelta(days=FEEDBACK_DAYS_AFTER_DEPARTURE) if stay else None
    if stay is None or _local_day(stay, now) > last_day:
        return None
    return stay


def unsubscribe_token(stay: Stay) -> str:
    return _serializer(UNSUBSCRIBE_SALT).dumps([stay.id])


def read_unsubscribe_token(token: str) -> Stay | None:
    """The stay to unsubscribe: works for ever (mail clients may use it months later)."""
    payload = _load(UNSUBSCRIBE_SALT, token)
    if payload is None or len(payload) != 1:
        return None
    return _stay(payload[0])


# An offer's link (on the home page, after a booking, in an email, at the desk) carries the place
# and reason it was shown with, signed with the stay and service: a booking from it is credited to
# the offer without looking for the impression row, which may not be written yet (view_counts).
# No fingerprint: it proves where a link came from, it signs nobody in.


def _offer_value(stay: Stay, service_id: int, place: str, reason: str) -> str:
    return f"{stay.id}|{service_id}|{place}|{reason}"


def offer_link_signature(stay: Stay, service_id: int, place: str, reason: str) -> str:
    signer = Signer(current_app.config["SECRET_KEY"], salt=OFFER_SALT)
    return signer.get_signature(_offer_value(stay, service_id, place, reason)).decode()


def offer_link_ok(stay: Stay, service_id: int, place: str, reason: str, signature: str | None) -> bool:
    """Whether ``signature`` was made for this stay, service, place and reason (compared in constant time)."""
    if not signature or len(signature) > 100 or not signature.isascii():
        return False
    signer = Signer(current_app.config["SECRET_KEY"], salt=OFFER_SALT)
    return signer.verify_signature(_offer_value(stay, service_id, place, reason), signature)
