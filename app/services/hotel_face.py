"""Each hotel's face on its guest pages and emails: name, logo, colours, languages, money, time, contact,
house rules and host names, checked as a whole before anything is saved, and audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import BinaryIO
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, HotelHost, Order
from app.models.i18n import LocalizedText
from app.services import audit, contrast, photos, sites
from app.services.errors import LobbyError
from app.services.stay_desk import normalized_email
from app.services.transactions import operation

LOGO_HEIGHT = 160  # pixels: twice the header's 40 px logo, and sharp on a phone
LOGO_MAX_WIDTH = 640
MAX_HOSTS = 10

# The fields one save changes, as the audit trail names them (hosts are added as a list).
FACE_FIELDS = (
    "name",
    "house_rules",
    "brand_color",
    "accent_color",
    "enabled_locales",
    "default_locale",
    "currency",
    "timezone",
    "contact_email",
    "contact_phone",
    "address",
)


@dataclass
class Face:
    """What the manager's page sends: every field at once, texts by language."""

    name: dict[str, str]
    house_rules: dict[str, str]
    brand_color: str
    accent_color: str
    enabled_locales: list[str]
    default_locale: str
    currency: str
    timezone: str
    contact_email: str = ""
    contact_phone: str = ""
    address: str = ""
    hosts: list[str] = field(default_factory=list)


class FaceRefused(LobbyError):
    """One or more fields are refused; ``problems`` says which and why, each message translated."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(_("Nothing was saved. Please correct the fields marked below."))
        self.problems = problems


def colour_problems(brand: str, accent: str) -> dict[str, str]:
    """WCAG 2 AA before saving: white text on the brand colour, the ink on the accent, each 4.5:1."""
    problems = {}
    for name, colour in (("brand_color", brand), ("accent_color", accent)):
        if not contrast.is_colour(colour):
            problems[name] = _("Please choose a colour written as #rrggbb.")
    if problems:
        return problems
    needed = format_decimal(contrast.AA_NORMAL_TEXT, format="0.0")
    on_brand = contrast.contrast_ratio(brand, contrast.WHITE)
    if on_brand < contrast.AA_NORMAL_TEXT:
        problems["brand_color"] = _(
            "White text on this colour has a contrast of %(ratio)s:1, and at least %(needed)s:1 is "
            "needed for guests to read it. Please choose a darker colour.",
            ratio=_shown(on_brand),
            needed=needed,
        )
    on_accent = contrast.contrast_ratio(accent, contrast.INK)
    if on_accent < contrast.AA_NORMAL_TEXT:
        problems["accent_color"] = _(
            "Dark text on this colour has a contrast of %(ratio)s:1, and at least %(needed)s:1 is "
            "needed for guests to read it. Please choose a lighter colour.",
            ratio=_shown(on_accent),
            needed=needed,
        )
    return problems


def _shown(ratio: float) -> str:
    """Cut, not rounded, to two decimals: 4.499 must not read as the 4.50 it fails to reach."""
    return format_decimal(int(ratio * 100) / 100, format="0.00")


def parse_hosts(typed: str) -> list[str]:
    """One host name per line (blank lines ignored), lower case, in the order typed, without repeats."""
    lines = (line.strip().lower().rstrip(".") for line in typed.splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def _host_problems(hotel: Hotel, hosts: list[str]) -> str | None:
    if len(hosts) > MAX_HOSTS:
        return ngettext(
            "Please list at most %(num)d host name.", "Please list at most %(num)d host names.", MAX_HOSTS
        )
    bad = [host for host in hosts if not sites.host_syntax_ok(host)]
    if bad:
        return _(
            "%(host)s is not a host name. Write only the name, such as guests.example.com: "
            "no https://, no port, no path.",
            host=bad[0],
        )
    if hosts:
        taken = db.session.scalars(
            select(HotelHost.host).where(HotelHost.host.in_(hosts), HotelHost.hotel_id != hotel.id)
        ).first()
        if taken:
            return _(
                "%(host)s is already used by another hotel. Each host name leads to one hotel.", host=taken
            )
    return None


def _has_orders(hotel: Hotel) -> bool:
    return db.session.scalar(select(Order.id).where(Order.hotel_id == hotel.id).limit(1)) is not None


def face_problems(hotel: Hotel, face: Face, languages: list[str]) -> dict[str, str]:
    """Every refused field with its reason; ``languages`` are those the deployment translates."""
    problems = colour_problems(face.brand_color, face.accent_color)
    enabled = [code for code in languages if code in face.enabled_locales]
    if not enabled:
        problems["enabled_locales"] = _("Please enable at least one language.")
    elif face.default_locale not in enabled:
        problems["default_locale"] = _("The default language must be one of the enabled languages.")
    if not (face.name.get(face.default_locale) or "").strip():
        problems[f"name_{face.default_locale}"] = _("Please enter the hotel's name in its default language.")
    if face.currency not in list_currencies():
        problems["currency"] = _("Please enter a currency code of ISO 4217, such as EUR or VND.")
    elif face.currency != hotel.currency and _has_orders(hotel):
        problems["currency"] = _(
            "The currency cannot change once guests have ordered: their prices would change meaning."
        )
    if face.timezone not in available_timezones():
        problems["timezone"] = _("Please enter a time zone such as Europe/Vienna or Asia/Ho_Chi_Minh.")
    if face.contact_email:
        try:
            normalized_email(face.contact_email)
        except LobbyError as error:
            problems["contact_email"] = str(error.message)
    host_problem = _host_problems(hotel, face.hosts)
    if host_problem:
        problems["hosts"] = host_problem
    return problems


def _snapshot(hotel: Hotel) -> dict:
    return {**audit.snapshot(hotel, FACE_FIELDS), "hosts": [each.host for each in hotel.hosts]}


@operation
def save_face(hotel: Hotel, face: Face, languages: list[str]) -> None:
    """Check every field, then save them all and audit the change as one entry; nothing on a refusal."""
    problems = face_problems(hotel, face, languages)
    if problems:
        raise FaceRefused(problems)
    before = _snapshot(hotel)
    enabled = [code for code in languages if code in face.enabled_locales]
    hotel.name = LocalizedText({code: text.strip() for code, text in face.name.items()})
    hotel.house_rules = LocalizedText({code: text.strip() for code, text in face.house_rules.items()})
    hotel.brand_color, hotel.accent_color = face.brand_color, face.accent_color
    hotel.enabled_locales, hotel.default_locale = enabled, face.default_locale
    hotel.currency, hotel.timezone = face.currency, face.timezone
    if face.contact_email:
        hotel.contact_email = normalized_email(face.contact_email)
    else:
        hotel.contact_email = ""
    hotel.contact_phone, hotel.address = face.contact_phone.strip(), face.address.strip()
    _set_hosts(hotel, face.hosts)
    audit.record(hotel.id, "hotel.face_changed", hotel, before=before, after=_snapshot(hotel))


def _set_hosts(hotel: Hotel, hosts: list[str]) -> None:
    """The hotel's host names in the order typed (the first is the one links use)."""
    current = [each.host for each in hotel.hosts]
    if current == hosts:
        return
    hotel.hosts.clear()
    db.session.flush()  # the old rows go first: a host kept but moved must not collide with itself
    hotel.hosts.extend(HotelHost(host=host) for host in hosts)


@operation
def set_logo(hotel: Hotel, upload: BinaryIO) -> str:
    """Re-encode the upload (the photos' checks: JPEG, PNG or WebP, no bombs, no metadata) as the logo."""
    image = photos.open_image(upload)
    image.thumbnail((LOGO_MAX_WIDTH, LOGO_HEIGHT))
    name = f"{secrets.token_hex(16)}-{image.width}.webp"  # a name /media/<name> serves
    image.save(photos.folder() / name, "WEBP", quality=90, method=4)
    before = {"logo": hotel.logo}
    old = hotel.logo
    hotel.logo = name
    audit.record(hotel.id, "hotel.logo_changed", hotel, before=before, after={"logo": name})
    if old:
        (photos.folder() / old).unlink(missing_ok=True)
    return name


@operation
def remove_logo(hotel: Hotel) -> None:
    if not hotel.logo:
        return
    (photos.folder() / hotel.logo).unlink(missing_ok=True)
    audit.record(hotel.id, "hotel.logo_removed", hotel, before={"logo": hotel.logo}, after={"logo": ""})
    hotel.logo = ""
