"""Who the current guest is: the signed-in stay kept in the session cookie."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from app import clock
from app.extensions import db
from app.models import Hotel, Stay
from app.services import guest_access
from app.web.live import is_fragment_request
from app.web.sessions import fresh_session
from app.web.sites import site_hotel_id


def sign_in(stay: Stay) -> None:
    fresh_session()  # a new session at sign-in: nothing carried over from before
    # The stay's session version: signing out (or checking out) bumps it, so a copy of this
    # cookie taken before then opens nothing, like a staff session.
    session["stay"] = [stay.id, guest_access.access_fingerprint(stay), stay.session_version]
    session[GUEST_UNTIL] = guest_access.session_ends_at(stay).timestamp()
    session.permanent = True


def sign_out() -> None:
    if g.get("stay") is not None:
        guest_access.guest_signs_out(g.stay)
    fresh_session()


GUEST_UNTIL = "guest_until"


class GuestSessionInterface(SecureCookieSessionInterface):
    """A guest's cookie expires at the end of the departure day, not after the app-wide 14 days."""

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        expires = super().get_expiration_time(app, session)
        until = session.get(GUEST_UNTIL)
        if expires is None or not isinstance(until, int | float):
            return expires
        return min(expires, datetime.fromtimestamp(until, UTC))

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        # Refreshing a permanent cookie re-signs it on every answer. Once the departure is
        # within the app-wide lifetime the cookie already ends at the departure, and a fresh
        # one would end at the same moment: sending it again changes nothing.
        until = session.get(GUEST_UNTIL)
        ends_at_departure = isinstance(until, int | float) and (
            datetime.fromtimestamp(until, UTC) <= clock.now() + app.permanent_session_lifetime
        )
        if ends_at_departure and not session.modified:
            return False
        return super().should_set_cookie(app, session)


def load_guest() -> None:
    """Set ``g.stay`` and ``g.hotel`` for this request: the site's hotel, and its guest if signed in.

    A stay of another hotel is not signed in on this site (its own site still is: the cookie is
    kept, and signing in here replaces it).
    """
    g.stay = None
    site_id = site_hotel_id()
    stay_id, fingerprint, version = ([*(session.get("stay") or []), None, None, None])[:3]
    if stay_id is not None:
        stay = guest_access.stay_with_hotel(stay_id) if isinstance(stay_id, int) else None
        if (
            stay
            and guest_access.access_fingerprint(stay) == fingerprint
            and stay.session_version == version
            and stay.checked_out_at is None
            and clock.now() < guest_access.session_ends_at(stay)
        ):
            if stay.hotel_id == site_id:
                g.stay = stay
        else:
            session.pop("stay", None)
            session.pop(GUEST_UNTIL, None)
    g.hotel = g.stay.hotel if g.stay else site_hotel()


def site_hotel() -> Hotel | None:
    """The hotel of this request's site (its prefix, host name, or the deployment's default)."""
    site_id = site_hotel_id()
    return db.session.get(Hotel, site_id) if site_id is not None else None


def guest_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.stay is None:
            if is_fragment_request():
                abort(401)  # a live region's poll: it sends the person to sign in itself
            # The whole path, /h/<slug> included: back to this hotel's page after signing in.
            return redirect(url_for("guest.signin", next=request.script_root + request.full_path))
        return view(*args, **kwargs)

    return wrapped
