"""Which hotels a staff member may work in, and their role in each: their memberships, plus — for a
member of a group's office — every hotel of that group as a manager. Hotels of other groups never."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, and_, bindparam, case, func, or_, select

from app.extensions import db
from app.models import Hotel, StaffMembership, StaffRole, StaffUser
from app.models.i18n import LocalizedText
from app.services.errors import NotFound

# What a member of the group's office is in every hotel of the group (an explicit membership with a
# higher role there wins).
GROUP_ROLE = StaffRole.MANAGER


@dataclass(frozen=True)
class Workplace:
    """The hotel a staff request works in, the staff member's role there, and how many hotels they have."""

    hotel: Hotel
    role: StaffRole
    hotel_count: int


@dataclass(frozen=True)
class HotelChoice:
    """One hotel of a staff member's, as the hotel switcher lists it."""

    hotel_id: int
    name: LocalizedText
    role: StaffRole


def _role(explicit: StaffRole | None, in_group: bool) -> StaffRole:
    if in_group and (explicit is None or not explicit.allows(GROUP_ROLE)):
        return GROUP_ROLE
    assert explicit is not None  # the query only returns hotels with a membership or of the group
    return explicit


def _allowed(*columns) -> Select:
    """``columns`` of every hotel the staff member ``:user_id`` (of the group ``:group_id``, or NULL)
    may work in, with their membership's role and whether the hotel is of their group: one outer
    join, no query per hotel. The parameters are bound, so the statement is built once."""
    joined = and_(StaffMembership.hotel_id == Hotel.id, StaffMembership.staff_user_id == bindparam("user_id"))
    in_group = and_(Hotel.group_id.is_not(None), Hotel.group_id == bindparam("group_id", type_=Integer))
    return (
        select(*columns, StaffMembership.role, in_group)
        .select_from(Hotel)
        .outerjoin(StaffMembership, joined)
        .where(or_(StaffMembership.id.is_not(None), in_group))
    )


def _params(user: StaffUser, **more) -> dict:
    return {"user_id": user.id, "group_id": user.group_id, **more}


@functools.cache
def _workplace_query() -> Select:
    # Built once: a staff page, and each of the desk's live polls, runs it.
    preference = case(
        (Hotel.id == bindparam("chosen", type_=Integer), 0),
        (Hotel.id == bindparam("own_hotel", type_=Integer), 1),
        else_=2,
    )
    return _allowed(Hotel, func.count().over()).order_by(preference, Hotel.id).limit(1)


def workplace(user: StaffUser, chosen_hotel_id: int | None = None) -> Workplace | None:
    """Where a staff request works, in one statement: the hotel chosen in the switcher if still
    allowed, else the account's own hotel if allowed, else the first allowed; None when none is."""
    params = _params(user, chosen=chosen_hotel_id, own_hotel=user.hotel_id)
    row = db.session.execute(_workplace_query(), params).first()
    if row is None:
        return None
    hotel, count, explicit, in_group = row
    return Workplace(hotel, _role(explicit, bool(in_group)), count)


def hotel_choices(user: StaffUser) -> list[HotelChoice]:
    """Every hotel ``user`` may work in, with their role there, in the order the switcher lists them."""
    rows = db.session.execute(_allowed(Hotel.id, Hotel.name).order_by(Hotel.id), _params(user)).all()
    return [
        HotelChoice(hotel_id, name, _role(explicit, bool(group))) for hotel_id, name, explicit, group in rows
    ]


def role_at(user: StaffUser, hotel_id: int) -> StaffRole | None:
    """``user``'s role at ``hotel_id``, or None when they may not work there."""
    row = db.session.execute(_allowed(Hotel.id).where(Hotel.id == hotel_id), _params(user)).first()
    return None if row is None else _role(row[1], bool(row[2]))


def choose_hotel(user: StaffUser, hotel_id: int) -> StaffRole:
    """The role ``user`` will have in ``hotel_id`` once switched there; refused if it is not theirs."""
    role = role_at(user, hotel_id)
    if role is None:
        raise NotFound(_("You do not work at that hotel, so you cannot switch to it."))
    return role


def works_elsewhere(user: StaffUser, hotel_id: int) -> bool:
    """Whether ``user`` may work in some hotel other than ``hotel_id``."""
    query = _allowed(Hotel.id).where(Hotel.id != hotel_id).limit(1)
    return db.session.execute(query, _params(user)).first() is not None
