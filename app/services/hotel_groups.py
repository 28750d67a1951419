"""Hotel groups: making one, putting hotels in it, and naming the people of its office.

A group's office works in every hotel of the group and sees the group dashboard
(``app/services/staff_access.py``, ``group_figures.py``); these are the operations a group
runs once when it switches Lobby on (``flask lobby create-group``, ``join-group``,
``group-office``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, HotelGroup, StaffUser
from app.services import audit, hotel_setup, staff_accounts
from app.services.errors import LobbyError, NotFound
from app.services.transactions import operation


def group_named(slug: str) -> HotelGroup:
    group = db.session.scalar(select(HotelGroup).where(HotelGroup.slug == slug.strip().lower()))
    if group is None:
        raise NotFound(_("There is no hotel group %(slug)s.", slug=slug))
    return group


@operation
def create_group(slug: str, name: str, reporting_currency: str) -> HotelGroup:
    """A new group with no hotels yet; its dashboard converts totals to ``reporting_currency``."""
    slug = slug.strip().lower()
    if not hotel_setup.SLUG.match(slug):
        raise LobbyError(
            _(
                "Use 1 to 40 lower-case letters, digits and hyphens, starting and ending with a "
                "letter or digit."
            )
        )
    if db.session.scalar(select(HotelGroup.id).where(HotelGroup.slug == slug)) is not None:
        raise LobbyError(_("Another hotel group already has the short name %(slug)s.", slug=slug))
    name = " ".join(name.split())
    if not name or len(name) > hotel_setup.NAME_LIMIT:
        raise LobbyError(_("Please enter the group's name (at most 120 characters)."))
    currency = reporting_currency.strip().upper()
    if currency not in hotel_setup.currencies():
        raise LobbyError(_("Please enter a currency's three-letter ISO code, such as EUR or MYR."))
    group = HotelGroup(slug=slug, name=name, reporting_currency=currency)
    db.session.add(group)
    db.session.flush()
    return group


@operation
def join_group(hotel: Hotel, group: HotelGroup) -> None:
    """``hotel`` is run by ``group`` from now on: the office of any group it was in loses it."""
    before = hotel.group.slug if hotel.group else None
    if hotel.group_id == group.id:
        return
    hotel.group_id = group.id
    changed = {"before": {"group": before}, "after": {"group": group.slug}}
    audit.record(hotel.id, "hotel.group_changed", hotel, **changed)


@operation
def set_group_office(user: StaffUser, group: HotelGroup | None) -> None:
    """``user`` works in the office of ``group`` (every hotel of it, the group dashboard), or of no
    group when None; their sessions end, so the change applies from the next sign-in."""
    before = db.session.get(HotelGroup, user.group_id).slug if user.group_id else None
    after = group.slug if group else None
    if before == after:
        return
    user.group_id = group.id if group else None
    audit.record(user.hotel_id, "staff.group_office", user, before={"group": before}, after={"group": after})
    staff_accounts.end_all_sessions(user)
