"""Who the current guest is: the signed-in stay kept in the session cookie."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Stay
from app.services import clock


def _fingerprint(stay: Stay) -> str:
    # Re-issuing a stay's access token ends every session opened with the old one.
    return hashlib.sha256(stay.access_token.encode()).hexdigest()[:16]


def sign_in(stay: Stay) -> None:
    lang = session.get("lang")
    session.clear()  # a new session at sign-in: nothing carried over from before
    session["stay"] = [stay.id, _fingerprint(stay)]
    if lang:
        session["lang"] = lang
    session.permanent = True


def sign_out() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def load_guest() -> None:
    """Set ``g.stay`` and ``g.hotel`` for this request."""
    g.stay = None
    stay_id, fingerprint = (session.get("stay") or [None, None])[:2]
    if stay_id is not None:
        stay = db.session.get(Stay, stay_id)
        today = clock.now().astimezone(_hotel_of(stay).tz).date() if stay else None
        if (
            stay
            and _fingerprint(stay) == fingerprint
            and stay.checked_out_at is None
            and stay.departure >= today
        ):
            g.stay = stay
        else:
            session.pop("stay", None)
    g.hotel = _hotel_of(g.stay) if g.stay else default_hotel()


def _hotel_of(stay: Stay) -> Hotel:
    return db.session.get(Hotel, stay.hotel_id)


def default_hotel() -> Hotel | None:
    slug = current_app.config["LOBBY_HOTEL"]
    query = select(Hotel).order_by(Hotel.id).limit(1)
    if slug:
        query = query.where(Hotel.slug == slug)
    return db.session.scalar(query)


def hotel_today(hotel: Hotel):
    return clock.now().astimezone(hotel.tz).date()


def guest_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.stay is None:
            return redirect(url_for("guest.signin", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, default: str) -> str:
    """Only follow a redirect target on this site (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
