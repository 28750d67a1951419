"""Staff sign-in; the views and roles arrive with the front desk, the session loader is here now."""

from __future__ import annotations

from flask import Flask

from app.extensions import db, login_manager
from app.models import StaffUser


def load_staff(user_id: str) -> StaffUser | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    return user if user is not None and user.active else None


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_staff)
