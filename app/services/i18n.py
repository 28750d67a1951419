"""Which language a request speaks, and money and time formatted for it."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, get_currency_precision, get_currency_symbol, parse_decimal
from flask import current_app, g, has_request_context, request, session
from flask_babel import format_currency, get_locale

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}


def enabled_locales() -> list[str]:
    """The hotel's enabled languages that also have an interface translation."""
    supported = current_app.config["LANGUAGES"]
    hotel = getattr(g, "hotel", None) if has_request_context() else None
    if hotel is None:
        return list(supported)
    return [code for code in hotel.enabled_locales if code in supported] or [supported[0]]


def select_locale() -> str:
    """Flask-Babel's locale selector: an explicit choice, then the stay, then the browser."""
    locales = enabled_locales()
    if not has_request_context():
        hotel = getattr(g, "hotel", None)
        return hotel.default_locale if hotel is not None else locales[0]
    staff = _signed_in_staff()
    if staff is not None and staff.locale in locales:
        return staff.locale  # staff pages follow the staff member's own choice
    chosen = session.get("lang")
    if chosen in locales:
        return chosen
    stay = getattr(g, "stay", None)
    if stay is not None and stay.locale in locales:
        return stay.locale
    best = request.accept_languages.best_match(locales)
    if best:
        return best
    hotel = getattr(g, "hotel", None)
    return hotel.default_locale if hotel is not None else locales[0]


STAFF_BLUEPRINTS = {"auth", "desk", "manage"}


def _signed_in_staff():
    if request.blueprint not in STAFF_BLUEPRINTS:
        return None
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None


def select_timezone() -> str:
    hotel = getattr(g, "hotel", None)
    return hotel.timezone if hotel is not None else "UTC"


def current_locale_chain() -> tuple[str, tuple[str, ...]]:
    """The locale to show catalog texts in and what to fall back to."""
    if not has_request_context():
        return "en", ()
    hotel = getattr(g, "hotel", None)
    fallbacks = (hotel.default_locale,) if hotel is not None else ()
    return str(get_locale() or "en"), fallbacks


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"


def money(amount_minor: int, currency: str) -> str:
    """Integer minor units to a localized price: 450000 VND -> "450.000 ₫" in vi."""
    precision = get_currency_precision(currency)
    text = format_currency(Decimal(amount_minor).scaleb(-precision), currency)
    locale = str(get_locale() or "en")
    sign = currency_sign(currency, locale)
    if sign != currency and get_currency_symbol(currency, locale) == currency:
        text = text.replace(currency, sign)
    return text


def currency_sign(currency: str, locale: str) -> str:
    """The currency's sign in ``locale``, or the one the hotel's language or English uses.

    CLDR has no sign for some pairs (Georgian writes "VND" where every other language
    writes ₫); a price must look the same whichever language the guest picked.
    """
    hotel = getattr(g, "hotel", None)
    candidates = [locale, hotel.default_locale if hotel is not None else None, "en"]
    for candidate in filter(None, candidates):
        symbol = get_currency_symbol(currency, candidate)
        if symbol != currency:
            return symbol
    return currency


def parse_money(text: str, currency: str) -> int:
    """What staff typed ("1,250.50" in en, "1.250,50" in vi) to integer minor units of ``currency``."""
    from flask_babel import gettext as _

    from app.services.errors import LobbyError

    try:
        amount = parse_decimal(text.strip(), locale=get_locale(), strict=True)
    except NumberFormatError as error:
        raise LobbyError(
            _("Please enter an amount like %(example)s.", example=money(125000, currency))
        ) from error
    minor = amount.scaleb(get_currency_precision(currency))
    if minor != minor.to_integral_value():
        raise LobbyError(_("That amount has too many decimal places for %(currency)s.", currency=currency))
    return int(minor)


def money_input(amount_minor: int, currency: str) -> str:
    """Minor units as a plain number for an input box ("12.50" in en, "12,50" in vi), no symbol."""
    from babel.numbers import format_decimal

    precision = get_currency_precision(currency)
    pattern = "#,##0" + ("." + "0" * precision if precision else "")
    return format_decimal(Decimal(amount_minor).scaleb(-precision), format=pattern, locale=get_locale())
