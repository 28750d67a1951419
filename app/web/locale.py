"""Which language a request speaks: Babel's selectors, the catalog texts' locale chain, money on pages.

Everything here reads the request (the session's choice, Accept-Language, the signed-in
staff member, the hotel and stay the audiences put on ``g``); the rules it applies take
arguments and live in ``app/services/i18n.py``.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.extensions import babel
from app.models import i18n as localized_text
from app.services import i18n as languages
from app.services import money as money_rules

# Staff pages follow the staff member's own language; guest pages the guest's.
STAFF_BLUEPRINTS = {"auth", "desk", "manage"}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Catalog texts (LocalizedText) ask this which language to show; models know no request.
    localized_text.set_locale_chain_resolver(current_locale_chain)


def _hotel():
    return getattr(g, "hotel", None)


def enabled_locales() -> list[str]:
    """The languages this page may be in: its hotel's enabled ones that have a translation."""
    hotel = _hotel() if has_request_context() else None
    return languages.enabled_locales(hotel, current_app.config["LANGUAGES"])


def select_locale() -> str:
    """Flask-Babel's locale selector: an explicit choice, then the stay, then the browser."""
    locales = enabled_locales()
    if not has_request_context():
        return languages.default_locale(_hotel(), locales)
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
    return languages.default_locale(_hotel(), locales)


def _signed_in_staff():
    if request.blueprint not in STAFF_BLUEPRINTS:
        return None
    return current_user if current_user.is_authenticated else None


def select_timezone() -> str:
    hotel = _hotel()
    return hotel.timezone if hotel is not None else "UTC"


def current_locale_chain() -> tuple[str, tuple[str, ...]]:
    """The locale to show catalog texts in and what to fall back to."""
    if not has_request_context():
        return "en", ()
    return languages.locale_chain(str(get_locale() or "en"), _hotel())


def money(amount_minor: int, currency: str) -> str:
    """Integer minor units to a localized price: 450000 VND -> "450.000 ₫" in vi."""
    hotel = _hotel()
    fallback = hotel.default_locale if hotel is not None else None
    return money_rules.format_money(amount_minor, currency, str(get_locale() or "en"), fallback)
