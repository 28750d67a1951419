"""Staff accounts: creating them, checking a password, and ending every session of one."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Hotel, StaffRole, StaffUser
from app.services import audit
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.transactions import operation

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
        raise LobbyError(
            ngettext(
                "The password must have at least %(num)d character.",
                "The password must have at least %(num)d characters.",
                MIN_PASSWORD_LENGTH,
            )
        )
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
    audit.record(hotel.id, "staff.created", user, after={"email": email, "name": name, "role": role})
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


@operation
def end_all_sessions(user: StaffUser) -> None:
    """Every cookie issued to ``user`` so far stops working (sign-out, password or role change)."""
    user.session_version += 1


@operation
def remember_language(user: StaffUser, locale: str) -> None:
    """Staff pages follow the staff member's own language, kept on the account."""
    user.locale = locale


def hotel_staff(hotel_id: int) -> list[StaffUser]:
    return list(
        db.session.scalars(select(StaffUser).where(StaffUser.hotel_id == hotel_id).order_by(StaffUser.email))
    )


def _staff_member(hotel_id: int, staff_id: int) -> StaffUser:
    user = db.session.get(StaffUser, staff_id)
    if user is None or user.hotel_id != hotel_id:
        raise NotFound(_("We could not find that colleague."))
    return user


def grantable_roles(actor: StaffUser) -> list[StaffRole]:
    """The roles ``actor`` may give, in the order a role list shows them: only an admin makes admins."""
    return [role for role in StaffRole if role is not StaffRole.ADMIN or actor.role is StaffRole.ADMIN]


def may_change(actor: StaffUser, user: StaffUser) -> bool:
    """Whether ``actor`` may change ``user``'s role or account at all: an admin's only by an admin."""
    return user.role is not StaffRole.ADMIN or actor.role is StaffRole.ADMIN


def _check_may_grant(actor: StaffUser, role: StaffRole) -> None:
    if role not in grantable_roles(actor):
        raise NotAllowed(_("Only an admin can make someone an admin."))


def _leaves_an_admin(hotel_id: int, user: StaffUser) -> bool:
    """Whether the hotel keeps an active admin if ``user`` stops being one."""
    others = db.session.scalar(
        select(func.count(StaffUser.id)).where(
            StaffUser.hotel_id == hotel_id,
            StaffUser.id != user.id,
            StaffUser.role == StaffRole.ADMIN,
            StaffUser.active.is_(True),
        )
    )
    return others > 0 or not (user.role is StaffRole.ADMIN and user.active)


@operation
def add_staff(actor: StaffUser, email: str, password: str, role: StaffRole, name: str) -> StaffUser:
    _check_may_grant(actor, role)
    hotel = actor.hotel
    user = create_staff(hotel, email, password, role, name=name.strip(), locale=hotel.default_locale)
    return user


@operation
def change_role(actor: StaffUser, staff_id: int, role: StaffRole) -> StaffUser:
    user = _staff_member(actor.hotel_id, staff_id)
    _check_may_grant(actor, role)
    if user.role is StaffRole.ADMIN and actor.role is not StaffRole.ADMIN:
        raise NotAllowed(_("Only an admin can change an admin's role."))
    if role is not StaffRole.ADMIN and not _leaves_an_admin(actor.hotel_id, user):
        raise NotAllowed(_("This is the last admin; make someone else an admin first."))
    audit.record(actor.hotel_id, "staff.role_changed", user, before={"role": user.role}, after={"role": role})
    user.role = role
    end_all_sessions(user)  # the new role applies from the next sign-in
    return user


@operation
def set_active(actor: StaffUser, staff_id: int, active: bool) -> StaffUser:
    user = _staff_member(actor.hotel_id, staff_id)
    if user.role is StaffRole.ADMIN and actor.role is not StaffRole.ADMIN:
        raise NotAllowed(_("Only an admin can change another admin's account."))
    if not active and not _leaves_an_admin(actor.hotel_id, user):
        raise NotAllowed(_("This is the last admin; make someone else an admin first."))
    if not active and user.id == actor.id:
        raise NotAllowed(_("You cannot deactivate your own account."))
    action = "staff.reactivated" if active else "staff.deactivated"
    audit.record(actor.hotel_id, action, user, before={"active": user.active}, after={"active": active})
    user.active = active
    end_all_sessions(user)
    return user
