"""Money, dates and times come out as Babel writes them for each locale, never hand-made."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import g
from flask_babel import force_locale, refresh

from app.models import Hotel
from app.services.i18n import text_direction
from app.web.locale import money
from app.web.templating import short_day, when
from config import Config

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("locale", "vnd", "eur"),
    [
        ("en", "₫650,000", "€1,234.50"),
        ("vi", f"650.000{NBSP}₫", f"1.234,50{NBSP}€"),
        ("ru", f"650{NBSP}000{NBSP}₫", f"1{NBSP}234,50{NBSP}€"),
        ("ka", f"650{NBSP}000{NBSP}₫", f"1{NBSP}234,50{NBSP}€"),  # CLDR has no ka sign: ₫ as elsewhere
        ("ar", f"\u200f650,000{NBSP}₫", f"\u200f1,234.50{NBSP}€"),
    ],
)
def test_money_from_minor_units_in_each_locale(ctx, locale, vnd, eur):
    with force_locale(locale):
        assert money(650000, "VND") == vnd  # the đồng has no minor unit
        assert money(123450, "EUR") == eur  # cents


@pytest.mark.parametrize("locale", Config.LANGUAGES)
@pytest.mark.parametrize("default_locale", ["vi", "en", "ka"])
def test_every_language_shows_the_same_currency_sign(app, locale, default_locale):
    """A price must not read "VND" in one language and "₫" in the others (Georgian has no CLDR sign)."""
    with app.test_request_context(), force_locale(locale):
        g.hotel = Hotel(
            timezone="Asia/Ho_Chi_Minh", default_locale=default_locale, enabled_locales=Config.LANGUAGES
        )
        refresh()
        text = money(450000, "VND")
        assert "₫" in text and "VND" not in text


@pytest.mark.parametrize(
    ("locale", "day", "moment"),
    [
        ("en", "Thu, Dec 31", "Thu, Dec 31, 5:30\u202fPM"),
        ("vi", "Th 5, 31 thg 12", "17:30 Th 5, 31 thg 12"),
        ("ru", "чт, 31 дек.", "чт, 31 дек., 17:30"),
        ("ar", "الخميس، 31 ديسمبر", "الخميس، 31 ديسمبر، 5:30 م"),
    ],
)
def test_days_and_times_in_each_locale_and_the_hotel_zone(app, locale, day, moment):
    # 10:30 UTC is 17:30 in Đà Lạt (UTC+7): the guest sees the hotel's clock.
    with app.test_request_context(), force_locale(locale):
        g.hotel = Hotel(timezone="Asia/Ho_Chi_Minh", default_locale="en", enabled_locales=[locale])
        refresh()
        assert short_day(date(2026, 12, 31)) == day
        assert when(datetime(2026, 12, 31, 10, 30, tzinfo=UTC)) == moment


def test_right_to_left_languages():
    assert text_direction("ar") == "rtl"
    assert [text_direction(code) for code in ("en", "vi", "ms", "ka", "ru")] == ["ltr"] * 5
