"""The hotel's face form: its texts in each enabled language, colours, languages, money, time, contact."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.fields import ColorField

from app.web.fields import choice_field, text_field
from app.web.forms import LobbyForm, MultiCheckboxField

NAME_LIMIT = 120
HOUSE_RULES_LIMIT = 3000
FACE_TEXTS = ("name", "house_rules")
FACE_TEXT_LABELS = {"name": _l("Hotel name"), "house_rules": _l("House rules")}


def currency_field(description: str):
    """A hotel's currency, on its face page and when it is opened (the service checks the code)."""
    return text_field(
        _l("Currency"),
        limit=3,
        required=_l("Please enter a currency code of ISO 4217, such as EUR or VND."),
        description=description,
    )


def timezone_field():
    return text_field(
        _l("Time zone"),
        limit=64,
        required=_l("Please enter a time zone such as Europe/Vienna or Asia/Ho_Chi_Minh."),
        description=_l("As in the time zone database, such as Asia/Ho_Chi_Minh."),
    )


class HotelFaceForm(LobbyForm):
    brand_color = ColorField(
        _l("Brand colour"),
        description=_l("Bars and buttons, with white text on them: it must be dark enough to read."),
    )
    accent_color = ColorField(
        _l("Accent colour"),
        description=_l("Highlights and focus rings, with dark text on them: it must be light enough."),
    )
    enabled_locales = MultiCheckboxField(_l("Languages guests can choose"))
    default_locale = choice_field(_l("Default language"))
    currency = currency_field(_l("ISO 4217 code. It cannot change once guests have ordered."))
    timezone = timezone_field()
    contact_email = text_field(_l("Contact email"), limit=254, kind=EmailField)
    contact_phone = text_field(_l("Contact phone"), limit=40)
    address = text_field(_l("Address"), limit=300, kind=TextAreaField)
    hosts = text_field(
        _l("Host names"),
        limit=2600,
        kind=TextAreaField,
        description=_l(
            "One per line, such as guests.example.com. Guests reach the hotel on these; links in "
            "emails and QR codes use the first."
        ),
    )


def face_form(locales: list[str]) -> type[HotelFaceForm]:
    """The form with the hotel's name and house rules in each of ``locales`` (``name_vi``…)."""
    form = type("HotelFaceFormTexts", (HotelFaceForm,), {})
    for locale in locales:
        setattr(
            form, f"name_{locale}", text_field(FACE_TEXT_LABELS["name"], limit=NAME_LIMIT, kind=StringField)
        )
        setattr(
            form,
            f"house_rules_{locale}",
            text_field(FACE_TEXT_LABELS["house_rules"], limit=HOUSE_RULES_LIMIT, kind=TextAreaField),
        )
    return form
