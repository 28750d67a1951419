"""Filters and globals the templates share: money, local times, languages."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from babel import Locale, dates
from babel.dates import format_skeleton, get_datetime_format
from babel.lists import format_list
from babel.numbers import format_percent
from flask import Flask, g
from flask_babel import (
    format_date,
    format_datetime,
    format_timedelta,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.models import RequestStatus, StaffRole
from app.models.i18n import LocalizedText
from app.services import rich_text, signed_links, stay_life
from app.services.i18n import text_direction
from app.services.pricing import price_line_label
from app.web import labels
from app.web.locale import enabled_locales, money


def language_choices() -> list[tuple[str, str]]:
    """Each enabled language named in itself, as a guest looks for it."""
    return [(code, language_name(code)) for code in enabled_locales()]


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language named in itself ("Tiếng việt"): on every page's picker, so parsed once per language."""
    return Locale.parse(code).get_display_name(code).capitalize()


# Dates and times are formatted once per (moment, language, time zone) and remembered: a page
# repeats the same slot times, and Babel parses and applies patterns on every call. Each cached
# function is a pure function of its arguments, calling Babel exactly as Flask-Babel would.


@lru_cache(maxsize=64)
def _parsed(locale: str) -> Locale:
    return Locale.parse(locale)


def short_day(value: date | datetime) -> str:
    """ "Tue, Nov 24" in the guest's language; a datetime is first put in the hotel's zone."""
    return _short_day(value, str(get_locale()), get_timezone())


@lru_cache(maxsize=4096)
def _short_day(value: date | datetime, locale: str, zone: tzinfo) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(zone)
    return format_skeleton("MMMEd", value, locale=_parsed(locale))


def short_time(value: datetime) -> str:
    return _short_time(value, str(get_locale()), get_timezone())


@lru_cache(maxsize=4096)
def _short_time(value: datetime, locale: str, zone: tzinfo) -> str:
    return dates.format_time(value, "short", tzinfo=zone, locale=_parsed(locale))


def when(value: datetime) -> str:
    """Day and time joined the way the locale joins them (CLDR's date-time glue pattern)."""
    return _when(value, str(get_locale()), get_timezone())


@lru_cache(maxsize=4096)
def _when(value: datetime, locale: str, zone: tzinfo) -> str:
    glue = get_datetime_format("medium", locale=_parsed(locale))
    return (
        glue.replace("'", "")
        .replace("{1}", _short_day(value, locale, zone))
        .replace("{0}", _short_time(value, locale, zone))
    )


def locale_list(items: list[str]) -> str:
    """ "a, b and c" the way the guest's language lists things."""
    return format_list(list(items), locale=get_locale())


# Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms).
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def bidi(value) -> Markup:
    """Element content whose direction may differ from the page's, isolated with <bdi>.

    For what guests and staff typed (names, room numbers, references) and catalog texts
    shown in another language because a translation is missing (then with their lang).
    Not for attributes or <title>: a LocalizedText isolates itself there with characters.
    """
    if isinstance(value, LocalizedText):
        text, other_language = value.shown()
        if other_language is None:
            return escape(text)
        return Markup('<bdi lang="{}">{}</bdi>').format(other_language, text)
    text = "" if value is None else str(value)
    if text_direction(str(get_locale() or "en")) == "ltr" and not RIGHT_TO_LEFT.search(text):
        return escape(text)  # nothing here can run the other way
    return Markup("<bdi>{}</bdi>").format(text)


def duration(value: timedelta) -> str:
    """ "5 minutes", "2 hours": how long, in the reader's language."""
    return format_timedelta(value, threshold=1.5)


ROLE_LABELS = {"receptionist": _l("Receptionist"), "manager": _l("Manager"), "admin": _l("Admin")}
# Catalog text fields by name, as the editor labels them.
TEXT_LABELS = {"title": _l("Title"), "summary": _l("Summary"), "description": _l("Description (Markdown)")}
TIER_LABELS = {"standard": _l("Standard"), "silver": _l("Silver"), "gold": _l("Gold")}
STAY_PHASE_LABELS = {"expected": _l("Expected"), "in_house": _l("In house"), "checked_out": _l("Checked out")}
MOVE_LABELS = {
    RequestStatus.ACKNOWLEDGED: _l("Acknowledge"),
    RequestStatus.IN_PROGRESS: _l("Start"),
    RequestStatus.DONE: _l("Mark done"),
    RequestStatus.DECLINED: _l("Decline"),
    RequestStatus.CANCELLED: _l("Cancel request"),
}


# Flask-Babel's template gettext finds the request's translations anew on every call (its
# context through werkzeug's proxies, the locale, the domain's cache): about 23 µs, against
# 0.4 µs for the lookup itself, and a page with a grid of times says "%(num)d left" a hundred
# times. Each render gets the translations once, as ``page_translations`` from the context
# processor below, which runs inside any ``force_locale`` around the render (emails), and
# the template callables read them from there. Macros imported without context fall back.


def _page_translations(context: Context):
    translations = context.get("page_translations")
    return translations if translations is not None else get_translations()


@pass_context
def _gettext(context: Context, string: str) -> str:
    return _page_translations(context).ugettext(string)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _page_translations(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, message_context: str, string: str) -> str:
    return _page_translations(context).upgettext(message_context, string)


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
    return _page_translations(context).unpgettext(message_context, singular, plural, n)


def init_app(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext, newstyle=True
    )
    app.jinja_env.filters.update(
        money=money,
        local_date=lambda value, fmt="medium": format_date(value, fmt),
        local_datetime=lambda value, fmt="medium": format_datetime(value, fmt),
        local_time=short_time,
        short_day=short_day,
        when=when,
        locale_list=locale_list,
        duration=duration,
        bidi=bidi,
        percent=lambda value: format_percent(value, locale=get_locale()) if value is not None else "",
        rich_text=rich_text.render,
        text_label=lambda name: str(TEXT_LABELS[name]),
        price_line_label=price_line_label,
    )
    # Offer links carry their proof of origin: a booking from one is credited (recommendations.attribution).
    app.jinja_env.globals["offer_link_signature"] = signed_links.offer_link_signature
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def page_globals():
        locale = str(get_locale() or "en")
        return {
            "page_translations": get_translations(),
            "current_locale": locale,
            "text_dir": text_direction(locale),
            "language_choices": language_choices,
            "hotel": getattr(g, "hotel", None),
            "stay": getattr(g, "stay", None),
            "describe_request": labels.describe_request,
            "request_kind_labels": lambda: labels.REQUEST_KIND_LABELS,
            "request_status_labels": lambda: labels.REQUEST_STATUS_LABELS,
            "move_labels": lambda: MOVE_LABELS,
            "tier_labels": lambda: TIER_LABELS,
            "stay_phase": stay_life.phase,
            "stay_phase_labels": lambda: STAY_PHASE_LABELS,
            "manager_role": StaffRole.MANAGER,
            "role_labels": lambda: ROLE_LABELS,
            "language_name": language_name,
        }
