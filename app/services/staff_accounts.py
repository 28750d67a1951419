"""Staff accounts: creating them, checking a password, and ending every session of one."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Hotel, StaffRole, StaffUser
from app.services.errors import LobbyError

MIN_PASSWORD_LENGTH = 10
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_staff(
    hotel: Hotel, email: str, password: str, role: StaffRole, name: str = "", locale: str = "en"
) -> StaffUser:
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise LobbyError(_("Please enter a valid email address."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise LobbyError(_("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    if db.session.scalar(select(StaffUser.id).where(func.lower(StaffUser.email) == email)):
        raise LobbyError(_("There is already an account with that email address."))
    user = StaffUser(
        hotel_id=hotel.id,
        email=email,
        name=name,
        role=role,
        locale=locale,
        # Werkzeug's default is scrypt: memory-hard, with a per-password salt.
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def end_all_sessions(user: StaffUser) -> None:
    """Every cookie issued to ``user`` so far stops working (sign-out, password or role change)."""
    user.session_version += 1
    db.session.commit()
