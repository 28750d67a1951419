"""Who may open a staff page (signed in, active, with at least the page's role in the hotel it works
in), and which of their hotels that is."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from flask_login import current_user

from app.models import StaffRole, StaffUser
from app.services import staff_access
from app.web.live import is_fragment_request

# The session key holding the hotel a staff member switched to (``app/auth/routes.py``).
CHOSEN_HOTEL = "staff_hotel"


def sign_in_first():
    """The answer to a visitor not signed in: the sign-in page, back here after it (the whole path,
    /h/<slug> included), for a page; 401 for a live poll or a form."""
    if request.method == "GET" and not is_fragment_request():
        return redirect(url_for("auth.signin", next=request.script_root + request.full_path))
    abort(401)


def role_required(needed: StaffRole) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return sign_in_first()
            if "staff_role" not in g:
                load_staff_hotel()
            if g.staff_role is None or not g.staff_role.allows(needed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = needed  # the role tests read to check every route
        return wrapped

    return decorate


def load_staff_hotel() -> None:
    """Staff pages work in one of the signed-in staff member's hotels, with their role there (one
    statement): the one chosen in the switcher, else the account's own, else the first. There is no
    guest on them."""
    g.stay = None
    g.hotel = g.staff_role = None
    g.staff_hotel_count = 0
    if not current_user.is_authenticated:
        return
    chosen = session.get(CHOSEN_HOTEL)
    place = staff_access.workplace(current_user, chosen if isinstance(chosen, int) else None)
    if place is not None:
        g.hotel, g.staff_role, g.staff_hotel_count = place.hotel, place.role, place.hotel_count


def signed_in_staff() -> StaffUser:
    """The signed-in account itself, not flask-login's proxy: what services record and compare."""
    return current_user._get_current_object()


def staff_hotel_choices() -> list[staff_access.HotelChoice]:
    """The hotels the switcher lists (read only when a page shows it: never on a live poll)."""
    return staff_access.hotel_choices(current_user) if current_user.is_authenticated else []
