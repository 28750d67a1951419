"""Idle and absolute time-outs for staff sessions, checked on every request."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import current_user, logout_user

from app import clock

SIGNED_IN_AT = "staff_signed_in_at"
LAST_SEEN = "staff_last_seen"


def start(now: float | None = None) -> None:
    now = now or clock.now().timestamp()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


def expired(now: float) -> bool:
    config = current_app.config
    signed_in_at = session.get(SIGNED_IN_AT, 0)
    last_seen = session.get(LAST_SEEN, 0)
    return (
        now - last_seen > config["STAFF_IDLE_MINUTES"] * 60
        or now - signed_in_at > config["STAFF_MAX_SESSION_HOURS"] * 3600
    )


def init_app(app: Flask) -> None:
    @app.before_request
    def enforce_staff_timeouts():
        if request.endpoint == "static":
            return  # a stylesheet needs no staff member, nor the database (it must load when that is down)
        if not current_user.is_authenticated:
            return
        now = clock.now().timestamp()
        if expired(now):
            logout_user()
            session.pop(SIGNED_IN_AT, None)
            session.pop(LAST_SEEN, None)
            return
        session[LAST_SEEN] = now
