"""Who may open the group's pages: signed-in staff of a group's office (``StaffUser.group_id``).

The group comes from the account, never from the address, so a member of one group has no
way to name another group's hotels. Others are refused with 403 whatever their role.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g
from flask_login import current_user

from app.extensions import db
from app.models import HotelGroup, StaffRole
from app.web.roles import sign_in_first


def group_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return sign_in_first()
        group = db.session.get(HotelGroup, current_user.group_id) if current_user.group_id else None
        if group is None:
            abort(403)
        g.group = group
        return view(*args, **kwargs)

    # Any role in a group's office: membership of the group, not the role, is what opens these pages.
    wrapped.required_role = StaffRole.RECEPTIONIST
    wrapped.group_only = True  # what the role tests read: a role alone does not open it
    return wrapped
