"""Who may open a staff page (signed in, active, with at least the page's role), and the hotel it works in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from app.models import StaffRole
from app.web.live import is_fragment_request


def role_required(needed: StaffRole) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.method == "GET" and not is_fragment_request():
                    return redirect(url_for("auth.signin", next=request.full_path))
                abort(401)
            if not current_user.role.allows(needed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = needed  # the role tests read to check every route
        return wrapped

    return decorate


def load_staff_hotel() -> None:
    """Staff pages work in the signed-in staff member's hotel; there is no guest on them."""
    g.stay = None
    g.hotel = current_user.hotel if current_user.is_authenticated else None
