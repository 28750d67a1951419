"""Staff sign-in: Flask-Login sessions checked against a per-user version, with time-outs."""

from __future__ import annotations

from flask import Blueprint, Flask

from app.extensions import db, login_manager
from app.models import StaffUser
from app.web.roles import staff_hotel_choices

bp = Blueprint("auth", __name__, url_prefix="/staff")


def load_staff(user_id: str) -> StaffUser | None:
    """``user_id`` is "<id>:<session version>": a cookie from before a sign-out no longer matches."""
    staff_id, _, version = user_id.partition(":")
    if not (staff_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(staff_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_staff)
    app.add_template_global(staff_hotel_choices)
    login_manager.login_view = "auth.signin"
    # Strong protection would drop the session when a phone changes networks; the
    # session version and the time-outs are what end staff sessions here.
    login_manager.session_protection = "basic"
    from app.auth import routes, sessions  # noqa: F401

    sessions.init_app(app)
    app.register_blueprint(bp)
