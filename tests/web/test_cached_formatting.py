"""Prices, days and times from the remembered locales and patterns read exactly as Babel writes them.

The references are Babel's (and Flask-Babel's) own functions, called fresh, in all six languages:
the cache may only make formatting cheaper, never change a byte of it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.dates import format_skeleton, get_datetime_format
from babel.numbers import format_currency, get_currency_precision, get_currency_symbol
from flask import g
from flask_babel import force_locale, format_time, get_locale, get_timezone, refresh

from app.models import Hotel
from app.services import money as money_rules
from app.services.money import currency_sign, format_money
from app.web import templating
from app.web.locale import money
from config import Config

# Amounts with every grouping, rounding and sign case the pages meet, in minor units.
AMOUNTS = [0, 1, 5, 99, 100, 12345, 450000, 650000, 1234567, 99999999, 2**31 - 1, -250000]
CURRENCIES = ["VND", "EUR", "USD", "KWD", "JPY", "GEL", "RUB", "MYR"]
MOMENTS = [
    datetime(2026, 12, 31, 10, 30, tzinfo=UTC),
    datetime(2026, 1, 1, 23, 5, tzinfo=UTC),  # another day in the hotel's zone
    datetime(2027, 6, 15, 0, 0, tzinfo=UTC),
]


def fresh_money(amount_minor: int, currency: str, locale: str, fallback: str | None) -> str:
    """What a price read before the cache: Babel's format_currency, the locale parsed on this call."""
    major = Decimal(amount_minor).scaleb(-get_currency_precision(currency))
    text = format_currency(major, currency, locale=locale)
    sign = currency_sign(currency, locale, fallback)
    if sign != currency and get_currency_symbol(currency, locale) == currency:
        text = text.replace(currency, sign)
    return text


@pytest.mark.parametrize("locale", Config.LANGUAGES)
@pytest.mark.parametrize("fallback", [None, "vi", "en"])
def test_prices_read_as_babel_writes_them(locale, fallback):
    money_rules.format_money.cache_clear()
    money_rules._money_format.cache_clear()
    for currency in CURRENCIES:
        for amount in AMOUNTS:
            expected = fresh_money(amount, currency, locale, fallback)
            assert format_money(amount, currency, locale, fallback) == expected  # first: parsed and kept
            assert format_money(amount, currency, locale, fallback) == expected  # then: remembered


@pytest.mark.parametrize("locale", Config.LANGUAGES)
def test_the_page_filters_read_as_babel_writes_them(app, locale):
    with app.test_request_context(), force_locale(locale):
        g.hotel = Hotel(timezone="Asia/Ho_Chi_Minh", default_locale="vi", enabled_locales=Config.LANGUAGES)
        refresh()
        zone, parsed = get_timezone(), get_locale()
        for amount in AMOUNTS:
            assert money(amount, "VND") == fresh_money(amount, "VND", locale, "vi")
        for moment in MOMENTS:
            day = format_skeleton("MMMEd", moment.astimezone(zone), locale=parsed)
            time = format_time(moment, "short")  # Flask-Babel's, in the hotel's zone
            glue = get_datetime_format("medium", locale=parsed).replace("'", "")
            for _ in range(2):  # computed, then remembered
                assert templating.short_day(moment) == day
                assert templating.short_time(moment) == time
                assert templating.when(moment) == glue.replace("{1}", day).replace("{0}", time)
        assert templating.short_day(date(2026, 12, 31)) == format_skeleton(
            "MMMEd", date(2026, 12, 31), locale=parsed
        )


def test_a_remembered_time_follows_the_hotel_zone(app):
    """The same moment in two hotels' zones is two different clock times, not one remembered answer."""
    moment = datetime(2026, 12, 31, 10, 30, tzinfo=UTC)
    shown = []
    for zone in ("Asia/Ho_Chi_Minh", "Europe/Moscow"):
        with app.test_request_context(), force_locale("en"):
            g.hotel = Hotel(timezone=zone, default_locale="en", enabled_locales=["en"])
            refresh()
            shown.append(templating.short_time(moment))
    assert shown == ["5:30\u202fPM", "1:30\u202fPM"]
