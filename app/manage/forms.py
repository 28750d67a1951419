"""Manager forms; labels and messages through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, Regexp

from app.manage.face_forms import currency_field, timezone_field
from app.models import ServiceTag
from app.models.ages import OLDEST_CHILD
from app.web.fields import MoneyField, WholeNumberField, choice_field, date_field, text_field
from app.web.forms import LobbyForm, MultiCheckboxField
from app.web.messages import NOT_A_DATE, NOT_A_NUMBER
from app.web.templating import TEXT_LABELS

# What a service is, as the manager ticks it; the offers read these (never the package).
TAG_LABELS = {
    ServiceTag.EXCURSION: _l("Excursion or day out"),
    ServiceTag.TRANSFER: _l("Transfer"),
    ServiceTag.RENTAL: _l("Rental"),
    ServiceTag.KIDS: _l("For children"),
    ServiceTag.INDOOR: _l("Indoors"),
    ServiceTag.OUTDOOR: _l("Outdoors"),
    ServiceTag.WELLNESS: _l("Wellness"),
    ServiceTag.FOOD: _l("Food and drink"),
    ServiceTag.EVENT: _l("Event or show"),
    ServiceTag.ANIMALS: _l("Animals"),
    ServiceTag.SPORT: _l("Sport"),
}


class StaffForm(LobbyForm):
    name = text_field(_l("Name"), limit=120)
    email = text_field(
        _l("Email"), limit=254, required=_l("Please enter your email address."), kind=EmailField
    )
    # Not required: a colleague who already has an account (at another hotel) keeps their password.
    password = text_field(
        _l("First password"),
        limit=200,
        kind=PasswordField,
        description=_l(
            "At least 10 characters. Tell it to your colleague in person. Leave it empty for someone who "
            "already has an account at another of our hotels: they are added here and keep their password."
        ),
    )
    role = choice_field(_l("Role"))


class RoleForm(LobbyForm):
    role = choice_field(_l("Role"))


TEXT_LIMITS = {"title": 120, "summary": 300, "description": 4000}


def with_texts(base: type[LobbyForm], fields: tuple[str, ...], locales: list[str]) -> type[LobbyForm]:
    """``base`` plus one text field per language for each of ``fields`` (``title_vi``, ``summary_ka`` …)."""
    form = type(f"{base.__name__}Texts", (base,), {})
    for locale in locales:
        for name in fields:
            kind = TextAreaField if name != "title" else StringField
            limit = TEXT_LIMITS[name]
            setattr(
                form,
                f"{name}_{locale}",
                text_field(TEXT_LABELS[name], limit=limit, kind=kind),
            )
    return form


def _code_field(pattern: str, rule):
    """A short code staff type (a service's, a package's, a promo's): required, limited characters."""
    return text_field(
        _l("Code"), limit=40, required=_l("Please enter a code."), checks=(Regexp(pattern, message=rule),)
    )


def _whole(label, low: int, high: int, required: bool = True):
    return WholeNumberField(
        label,
        low=low,
        high=high,
        invalid_value_message=NOT_A_NUMBER,
        validators=[InputRequired(_l("Please enter a number.")) if required else Optional()],
    )


def _price(label):
    """A price in the hotel's currency; empty means free."""
    return MoneyField(label, validators=[Optional()])


PRICES = ("price_adult", "price_child", "price_unit")


class ServiceForm(LobbyForm):
    price_adult = _price(_l("Price per adult"))
    price_child = _price(_l("Price per child"))
    price_unit = _price(_l("Price per unit and day"))
    free_under_age = _whole(_l("Free under age"), 0, OLDEST_CHILD, required=False)
    min_age = _whole(_l("Minimum age"), 0, 120, required=False)
    max_age = _whole(_l("Maximum age"), 0, 120, required=False)
    duration_minutes = _whole(_l("Duration (minutes)"), 1, 43200)
    lead_time_minutes = _whole(_l("Book at least this many minutes ahead"), 0, 43200)
    cancel_window_hours = _whole(_l("Free cancellation until this many hours before"), 0, 720)
    late_cancel_fee_percent = _whole(
        _l("Late cancellation fee in percent (empty: ask the desk)"), 0, 100, required=False
    )
    needs_approval = BooleanField(_l("The desk approves each booking"))
    active = BooleanField(_l("On sale (untick to pause)"))
    pinned = BooleanField(_l("Pin: offer this first to every stay it suits"))
    position = _whole(_l("Position in lists"), 0, 10000)
    tags = choice_field(
        _l("What it is"),
        kind=MultiCheckboxField,
        choices=[SelectChoice(tag.value, label) for tag, label in TAG_LABELS.items()],
        description=_l(
            "Offers read these: only an excursion is suggested as a day out on a long stay, "
            "and what is for children goes to families."
        ),
    )


class NewServiceForm(ServiceForm):
    code = _code_field(r"^[a-z0-9_]+$", _l("Use lower-case letters, digits and _ only."))
    kind = choice_field(_l("Kind"))
    pool = choice_field(_l("Resource pool"), coerce=int)


class PackageForm(LobbyForm):
    services = choice_field(_l("Services in this package"), kind=MultiCheckboxField, coerce=int)
    active = BooleanField(_l("Shown to guests"))
    position = _whole(_l("Position in lists"), 0, 10000)
    bundle_size = _whole(_l("Package deal: from this many different services"), 2, 50, required=False)
    bundle_percent = _whole(_l("Package deal discount (percent)"), 0, 100)


class NewPackageForm(PackageForm):
    code = _code_field(r"^[a-z0-9_]+$", _l("Use lower-case letters, digits and _ only."))


class CapacityForm(LobbyForm):
    capacity = _whole(_l("Places (people, or units for rentals)"), 0, 10000)


class WeekForm(LobbyForm):
    week = text_field(
        _l("Start times, one line per weekday from Monday to Sunday"),
        limit=2000,
        kind=TextAreaField,
        description=_l("For example 08:00, 14:30. Leave a line empty for a day without sessions."),
    )


class DiscountRulesForm(LobbyForm):
    large_family_min_children = _whole(_l("Large family: from this many children"), 1, 20)
    large_family_discount_percent = _whole(_l("Large family discount (percent)"), 0, 100)
    silver_discount_percent = _whole(_l("Silver guests' discount (percent)"), 0, 100)
    gold_discount_percent = _whole(_l("Gold guests' discount (percent)"), 0, 100)
    max_discount_percent = _whole(_l("All discounts together at most (percent)"), 0, 100)
    pre_arrival_days = _whole(_l("Offer email: days before arrival"), 0, 30)


class PromoCodeForm(LobbyForm):
    code = _code_field(r"^[A-Za-z0-9_-]+$", _l("Use letters, digits, - and _ only."))
    kind = choice_field(_l("Kind"))
    percent = _whole(_l("Percent off"), 1, 100, required=False)
    amount = MoneyField(_l("Amount off"), validators=[Optional()], low=1)
    valid_from = date_field(_l("Valid from"), required=NOT_A_DATE)
    valid_until = date_field(_l("Valid until"), required=NOT_A_DATE)
    usage_limit = _whole(_l("Uses in all (empty: no limit)"), 1, 1000000, required=False)
    per_stay_limit = _whole(_l("Uses per stay"), 1, 100)

    def validate(self, extra_validators=None) -> bool:
        """The value of the chosen kind is required; the other one is ignored."""
        valid = super().validate(extra_validators)
        wanted = self.percent if self.kind.data == "percent" else self.amount
        if self.kind.data in ("percent", "amount") and wanted.data is None and not wanted.errors:
            percent = wanted is self.percent
            wanted.errors.append(_l("Please enter a number.") if percent else _l("Please enter an amount."))
            valid = False
        return valid


class SlaForm(LobbyForm):
    silver_sla_percent = _whole(_l("Silver guests get this share of the time (percent)"), 1, 100)
    gold_sla_percent = _whole(_l("Gold guests get this share of the time (percent)"), 1, 100)


def with_sla_fields(kinds) -> type[SlaForm]:
    """One acknowledge and one resolve field (minutes) per kind of request."""
    form = type("SlaTargetsForm", (SlaForm,), {})
    for kind in kinds:
        setattr(form, f"ack_{kind.value}", _whole(_l("Acknowledge within (minutes)"), 1, 10080))
        setattr(form, f"resolve_{kind.value}", _whole(_l("Resolve within (minutes)"), 1, 43200))
    return form


class RoomsForm(LobbyForm):
    numbers = text_field(
        _l("Rooms to add"),
        limit=400,
        required=_l("Please enter at least one room number."),
        description=_l("Room numbers or ranges, separated by commas: 101-120, 201, B12."),
        render_kw={"autocomplete": "off"},
    )


class PrivacyForm(LobbyForm):
    legal_name = text_field(
        _l("Data controller (legal name)"),
        limit=200,
        description=_l("The company named on the privacy page; the hotel's name when left empty."),
    )
    privacy_email = text_field(
        _l("Email for questions about data"),
        limit=254,
        kind=EmailField,
        description=_l("Shown on the privacy page; the contact email when left empty."),
    )
    retention_days = _whole(_l("Keep guests' personal data for (days after departure)"), 30, 3650)
    marketing_consent = choice_field(_l("Offers and thank-you emails"))


class NewHotelForm(LobbyForm):
    """Opening a hotel; the service checks each setting (app/services/hotel_setup.py)."""

    name = text_field(_l("Hotel name"), limit=120, required=_l("Please enter the hotel's name."))
    slug = text_field(
        _l("Short name"),
        limit=40,
        required=_l("Please enter a short name."),
        description=_l("Lower-case letters, digits and hyphens; part of the hotel's web address (/h/…)."),
    )
    currency = currency_field(_l("Three-letter ISO code, such as EUR, MYR or GEL."))
    timezone = timezone_field()
    languages = choice_field(_l("Languages guests can choose"), kind=MultiCheckboxField)
    default_locale = choice_field(_l("Default language"))


class CopyCatalogForm(LobbyForm):
    target = choice_field(_l("Copy into"), coerce=int)
