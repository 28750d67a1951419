"""Staff accounts: creating them, their membership and role in each hotel, checking a password, and
ending every session of one."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Hotel, StaffMembership, StaffRole, StaffUser
from app.services import audit, staff_access
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.transactions import operation

MIN_PASSWORD_LENGTH = 10
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise LobbyError(
            ngettext(
                "The password must have at least %(num)d character.",
                "The password must have at least %(num)d characters.",
                MIN_PASSWORD_LENGTH,
            )
        )


def _account(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))


def account_named(email: str) -> StaffUser | None:
    """The staff account with this email, whatever its case and spacing."""
    return _account(normalize_email(email))


def create_staff(
    hotel: Hotel, email: str, password: str, role: StaffRole, name: str = "", locale: str = "en"
) -> StaffUser:
    """A new account, made in ``hotel`` with ``role`` there (its first membership)."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise LobbyError(_("Please enter a valid email address."))
    _check_password(password)
    if _account(email) is not None:
        raise LobbyError(_("There is already an account with that email address."))
    user = StaffUser(
        hotel_id=hotel.id,
        email=email,
        name=name,
        locale=locale,
        # Werkzeug's default is scrypt: memory-hard, with a per-password salt.
        password_hash=generate_password_hash(password),
    )
    user.memberships.append(StaffMembership(hotel_id=hotel.id, role=role))
    db.session.add(user)
    db.session.flush()
    audit.record(hotel.id, "staff.created", user, after={"email": email, "name": name, "role": role})
    return user


def add_membership(hotel: Hotel, user: StaffUser, role: StaffRole) -> StaffMembership:
    """``user``, who has an account already, now works in ``hotel`` too, with ``role`` there."""
    if _membership(hotel.id, user.id) is not None:
        raise LobbyError(_("%(email)s already works at this hotel.", email=user.email))
    membership = StaffMembership(hotel_id=hotel.id, staff_user_id=user.id, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record(hotel.id, "staff.joined", user, after={"email": user.email, "role": role})
    return membership


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


@dataclass(frozen=True)
class Colleague:
    """A member of a hotel as its staff page lists them: their role there, and whether they also
    work in another hotel (then "deactivate" only removes them from this one)."""

    user: StaffUser
    role: StaffRole
    works_elsewhere: bool


def hotel_staff(hotel_id: int) -> list[Colleague]:
    """The members of ``hotel_id`` with their role there, in one statement (a group's office is not
    listed: it is the group's)."""
    elsewhere = aliased(StaffMembership)
    other_hotels = (
        select(func.count(elsewhere.id))
        .where(elsewhere.staff_user_id == StaffUser.id, elsewhere.hotel_id != hotel_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(StaffUser, StaffMembership.role, other_hotels)
        .join(StaffMembership, StaffMembership.staff_user_id == StaffUser.id)
        .where(StaffMembership.hotel_id == hotel_id)
        .order_by(StaffUser.email)
    )
    return [Colleague(user, role, others > 0 or user.group_id is not None) for user, role, others in rows]


def _membership(hotel_id: int, staff_id: int) -> StaffMembership | None:
    return db.session.scalar(
        select(StaffMembership).where(
            StaffMembership.hotel_id == hotel_id, StaffMembership.staff_user_id == staff_id
        )
    )


def _staff_member(hotel_id: int, staff_id: int) -> StaffMembership:
    membership = _membership(hotel_id, staff_id)
    if membership is None:
        raise NotFound(_("We could not find that colleague."))
    return membership


def grantable_roles(actor_role: StaffRole) -> list[StaffRole]:
    """The roles someone with ``actor_role`` may give, in the order a role list shows them: only an
    admin makes admins."""
    return [role for role in StaffRole if role is not StaffRole.ADMIN or actor_role is StaffRole.ADMIN]


def may_change(actor_role: StaffRole, role: StaffRole) -> bool:
    """Whether someone with ``actor_role`` may change a colleague with ``role`` at all: an admin only
    by an admin."""
    return role is not StaffRole.ADMIN or actor_role is StaffRole.ADMIN


def _check_may_grant(actor_role: StaffRole, role: StaffRole) -> None:
    if role not in grantable_roles(actor_role):
        raise NotAllowed(_("Only an admin can make someone an admin."))


def _leaves_an_admin(hotel_id: int, membership: StaffMembership) -> bool:
    """Whether the hotel keeps an active admin if ``membership`` stops being one."""
    others = db.session.scalar(
        select(func.count(StaffMembership.id))
        .join(StaffUser, StaffUser.id == StaffMembership.staff_user_id)
        .where(
            StaffMembership.hotel_id == hotel_id,
            StaffMembership.id != membership.id,
            StaffMembership.role == StaffRole.ADMIN,
            StaffUser.active.is_(True),
        )
    )
    return others > 0 or not (membership.role is StaffRole.ADMIN and membership.staff_user.active)


@operation
def add_staff(
    actor_role: StaffRole, hotel: Hotel, email: str, password: str, role: StaffRole, name: str
) -> tuple[StaffUser, bool]:
    """A colleague in ``hotel``: a new account, or — when the email has one — a membership of it
    here (only an admin of this hotel adds those; no password needed). Says whether it was new."""
    _check_may_grant(actor_role, role)
    existing = _account(normalize_email(email))
    if existing is None:
        user = create_staff(hotel, email, password, role, name=name.strip(), locale=hotel.default_locale)
        return user, True
    if _membership(hotel.id, existing.id) is not None:
        raise LobbyError(_("%(email)s already works at this hotel.", email=existing.email))
    if actor_role is not StaffRole.ADMIN:
        raise NotAllowed(_("Only an admin of this hotel can add someone who already has an account."))
    add_membership(hotel, existing, role)
    return existing, False


@operation
def change_role(actor_role: StaffRole, hotel_id: int, staff_id: int, role: StaffRole) -> StaffUser:
    """A colleague's role in ``hotel_id``; their roles in other hotels stay as they are."""
    membership = _staff_member(hotel_id, staff_id)
    _check_may_grant(actor_role, role)
    if membership.role is StaffRole.ADMIN and actor_role is not StaffRole.ADMIN:
        raise NotAllowed(_("Only an admin can change an admin's role."))
    if role is not StaffRole.ADMIN and not _leaves_an_admin(hotel_id, membership):
        raise NotAllowed(_("This is the last admin; make someone else an admin first."))
    user = membership.staff_user
    audit.record(hotel_id, "staff.role_changed", user, before={"role": membership.role}, after={"role": role})
    membership.role = role
    end_all_sessions(user)  # the new role applies from the next sign-in
    return user


@operation
def set_active(
    actor: StaffUser, actor_role: StaffRole, hotel_id: int, staff_id: int, active: bool
) -> StaffUser:
    """Deactivate or reactivate a colleague of ``hotel_id``. Someone who also works in another hotel
    is only removed from this one; their account stays open there."""
    membership = _staff_member(hotel_id, staff_id)
    user = membership.staff_user
    if membership.role is StaffRole.ADMIN and actor_role is not StaffRole.ADMIN:
        raise NotAllowed(_("Only an admin can change another admin's account."))
    if not active and not _leaves_an_admin(hotel_id, membership):
        raise NotAllowed(_("This is the last admin; make someone else an admin first."))
    if not active and user.id == actor.id:
        raise NotAllowed(_("You cannot deactivate your own account."))
    if not active and user.active and staff_access.works_elsewhere(user, hotel_id):
        audit.record(hotel_id, "staff.removed", user, before={"email": user.email, "role": membership.role})
        db.session.delete(membership)
    else:
        action = "staff.reactivated" if active else "staff.deactivated"
        audit.record(hotel_id, action, user, before={"active": user.active}, after={"active": active})
        user.active = active
    end_all_sessions(user)
    return user
