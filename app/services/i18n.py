"""Which language a request speaks, and money and time formatted for it."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale

from app.services import money as money_rules

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
    hotel = getattr(g, "hotel", None)
    fallback = hotel.default_locale if hotel is not None else None
    return money_rules.format_money(amount_minor, currency, str(get_locale() or "en"), fallback)
