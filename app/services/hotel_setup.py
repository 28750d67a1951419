"""Opening a hotel: checked settings, its first admin, and the slots every hotel keeps ahead of time.

``flask lobby create-hotel`` and the manager page ``/manage/hotels/new`` both call
:func:`create_hotel`; ``flask lobby extend-slots`` and a catalog copy both call :func:`extend_slots`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, HotelGroup, ResourcePool, StaffRole, StaffUser
from app.services import audit, availability, staff_access, staff_accounts
from app.services.errors import LobbyError
from app.services.transactions import operation

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")  # fits Hotel.slug (40) and a host label
NAME_LIMIT = 120


class SetupError(LobbyError):
    """A setting the new hotel cannot have; ``field`` names it, so a form shows the message beside it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class NewHotel:
    """What opening a hotel asks; the view and the command line both fill it from what was typed."""

    slug: str
    name: str
    currency: str
    timezone: str
    languages: list[str] = field(default_factory=list)
    default_locale: str = ""
    group_slug: str = ""


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes, as Babel (CLDR) knows them."""
    return frozenset(list_currencies())


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def languages_offered() -> list[str]:
    """The interface languages with a translation (config ``LANGUAGES``): what a hotel may enable."""
    return list(current_app.config["LANGUAGES"])


def may_create_hotel(user: StaffUser, hotel: Hotel | None) -> bool:
    """A member of a group's office (the hotel joins that group) or an admin of the hotel they work in."""
    if user.group_id is not None:
        return True
    return hotel is not None and staff_access.role_at(user, hotel.id) is StaffRole.ADMIN


def checked(new: NewHotel) -> NewHotel:
    """``new`` tidied (slug and languages lower case, currency upper case), or a SetupError naming
    the field that cannot be."""
    slug = new.slug.strip().lower()
    if not SLUG.match(slug):
        raise SetupError(
            "slug",
            _(
                "Use 1 to 40 lower-case letters, digits and hyphens, starting and ending with a letter "
                "or digit (it becomes part of the hotel's web address)."
            ),
        )
    if db.session.scalar(select(Hotel.id).where(Hotel.slug == slug)) is not None:
        raise SetupError("slug", _("Another hotel already has the short name %(slug)s.", slug=slug))
    name = " ".join(new.name.split())
    if not name:
        raise SetupError("name", _("Please enter the hotel's name."))
    if len(name) > NAME_LIMIT:
        raise SetupError(
            "name",
            ngettext("At most %(num)d character, please.", "At most %(num)d characters, please.", NAME_LIMIT),
        )
    currency = new.currency.strip().upper()
    if currency not in currencies():
        raise SetupError(
            "currency", _("Please enter a currency's three-letter ISO code, such as EUR or MYR.")
        )
    timezone = new.timezone.strip()
    if timezone not in time_zones():
        raise SetupError("timezone", _("Please enter a time zone such as Europe/Berlin or Asia/Tbilisi."))
    offered = languages_offered()
    languages = list(dict.fromkeys(code.strip().lower() for code in new.languages if code.strip()))
    unknown = [code for code in languages if code not in offered]
    if unknown or not languages:
        raise SetupError(
            "languages",
            _("Choose the hotel's languages among %(languages)s.", languages=", ".join(offered)),
        )
    default = (new.default_locale or languages[0]).strip().lower()
    if default not in languages:
        raise SetupError("default_locale", _("The default language must be one of the hotel's languages."))
    languages.remove(default)
    return NewHotel(slug, name, currency, timezone, [default, *languages], default, new.group_slug.strip())


@operation
def create_hotel(new: NewHotel, *, admin: StaffUser | None = None, group: HotelGroup | None = None) -> Hotel:
    """A new, empty hotel (no catalog, rooms or staff yet), with ``admin`` made its admin member.

    ``group`` (or the group named by ``new.group_slug``) is the group it joins.
    """
    new = checked(new)
    if group is None and new.group_slug:
        group = db.session.scalar(select(HotelGroup).where(HotelGroup.slug == new.group_slug))
        if group is None:
            raise SetupError("group", _("There is no hotel group %(slug)s.", slug=new.group_slug))
    hotel = Hotel(
        slug=new.slug,
        name={new.default_locale: new.name},
        currency=new.currency,
        timezone=new.timezone,
        default_locale=new.default_locale,
        enabled_locales=new.languages,
        group_id=group.id if group else None,
    )
    db.session.add(hotel)
    db.session.flush()
    audit.record(
        hotel.id,
        "hotel.created",
        hotel,
        after={
            "slug": hotel.slug,
            "name": new.name,
            "currency": hotel.currency,
            "timezone": hotel.timezone,
            "languages": hotel.enabled_locales,
            "group": group.slug if group else None,
        },
    )
    if admin is not None:
        staff_accounts.add_membership(hotel, admin, StaffRole.ADMIN)
    return hotel


def extend_slots(hotel: Hotel, days: int) -> int:
    """Slots from each pool's weekly schedule up to ``days`` ahead of the hotel's today; how many are new."""
    today = hotel.today()
    created = 0
    for pool in db.session.scalars(select(ResourcePool).where(ResourcePool.hotel_id == hotel.id)):
        created += availability.ensure_slots(pool, today, today + timedelta(days=days))
    return created
