"""Amounts staff type: the same keystrokes never mean amounts a thousand times apart."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.services.money import MAX_AMOUNT, AmountError, input_text, parse_amount

NBSP = "\xa0"
LOCALES = ("en", "vi", "ru", "ar", "de", "ka", "ms", "de_CH")
CURRENCIES = ("VND", "USD", "KWD")


def read(text: str, currency: str, locale: str, **bounds) -> int | str:
    """The minor units, or the refusal's message (in English, to compare)."""
    with force_locale("en"):
        try:
            return parse_amount(text, currency, locale, **bounds)
        except AmountError as error:
            return str(error.message)


@pytest.mark.parametrize(
    ("locale", "currency", "typed", "minor"),
    [
        # Each locale's own way of writing, with the currency's own decimals.
        ("en", "VND", "200,000", 200000),
        ("en", "VND", "200000", 200000),
        ("en", "USD", "1,250.50", 125050),
        ("en", "USD", "12.5", 1250),
        ("en", "KWD", "1,250.500", 1250500),
        ("vi", "VND", "100.000", 100000),
        ("vi", "USD", "1.250,50", 125050),
        ("vi", "USD", "1.250", 125000),  # three digits after "." cannot be cents: a group
        ("de", "USD", "12,50", 1250),
        ("de", "KWD", "1.250,5", 1250500),
        ("ru", "VND", f"1{NBSP}250{NBSP}000", 1250000),
        ("ru", "VND", "1 250 000", 1250000),  # a typed space for the no-break space
        ("ru", "USD", "1 250,50", 125050),
        ("ka", "USD", "12,50", 1250),
        ("ar", "USD", "1,250.50", 125050),
        ("ar", "VND", "١٢٥٠٠٠", 125000),  # Arabic-Indic digits
        ("ar", "USD", "١٢٫٥٠", 1250),  # and the Arabic decimal separator
        ("ms", "VND", "350,000", 350000),
        ("de_CH", "USD", "1’250.50", 125050),
        ("de_CH", "USD", "1'250.50", 125050),
        # A symbol or code copied with the amount, and spaces around it.
        ("en", "VND", " ₫350,000 ", 350000),
        ("vi", "VND", f"350.000{NBSP}₫", 350000),
        ("en", "USD", "USD 12.50", 1250),
        ("en", "VND", "0", 0),
    ],
)
def test_amounts_as_the_locale_writes_them(ctx, locale, currency, typed, minor):
    assert read(typed, currency, locale) == minor


@pytest.mark.parametrize(
    ("locale", "currency", "typed", "message"),
    [
        # The bug: "200.000" for a VND refund in English meant ₫200.
        ("en", "VND", "200.000", "Did you mean ₫200,000?"),
        ("en", "VND", "350.000", "Did you mean ₫350,000?"),
        ("ms", "VND", "350.000", "Did you mean ₫350,000?"),
        ("ar", "VND", "350.000", "Did you mean \u200f350,000\xa0₫?"),
        ("en", "USD", "200.000", "Did you mean $200,000.00?"),
        ("ru", "VND", "200.000", f"Did you mean 200{NBSP}000{NBSP}₫?"),
        ("ka", "VND", "200.000", f"Did you mean 200{NBSP}000{NBSP}₫?"),
        # A comma from a comma-decimal habit in an English UI.
        ("en", "USD", "12,5", "Did you mean $12.50?"),
        ("ru", "USD", "12.50", f"Did you mean 12,50{NBSP}$?"),
        ("vi", "USD", "1,250.50", f"Did you mean 1.250,50{NBSP}US$?"),
        # Only zeros past the currency's decimals: the amount is clear, still asked.
        ("en", "VND", "200.00", "Did you mean ₫200?"),
        ("vi", "VND", "200,00", f"Did you mean 200{NBSP}₫?"),
        # Decimals no reading can fit.
        ("en", "VND", "1,250.50", "Amounts in VND have no decimal places."),
        ("en", "USD", "1.2345", "Amounts in USD have at most 2 decimal places."),
        # A group separator in the wrong place, and things that are no amount.
        ("en", "USD", "1,2,3", "Please enter an amount like 1,250.50."),
        ("vi", "VND", "1.25.000", "Please enter an amount like 1.250.000."),
        ("en", "VND", "12.", "Please enter an amount like 1,250,000."),
        ("en", "VND", "ten", "Please enter an amount like 1,250,000."),
        ("en", "VND", "", "Please enter an amount."),
    ],
)
def test_refusals_say_how_the_keystrokes_would_be_read(ctx, locale, currency, typed, message):
    assert read(typed, currency, locale) == message


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        ("en", "200.000", "“200.000” could mean KWD200.000 or KWD200,000.000."),
        ("en", "1,250", "“1,250” could mean KWD1,250.000 or KWD1.250."),
        ("vi", "200.000", f"“200.000” could mean 200.000,000{NBSP}KWD or 200,000{NBSP}KWD."),
        ("de", "1,250", f"“1,250” could mean 1,250{NBSP}KWD or 1.250,000{NBSP}KWD."),
        ("ru", "200.000", f"“200.000” could mean 200,000{NBSP}KWD or 200{NBSP}000,000{NBSP}KWD."),
    ],
)
def test_three_decimal_currencies_refuse_a_lone_separator_before_three_digits(ctx, locale, typed, message):
    assert read(typed, "KWD", locale) == message + " Please type the amount without thousands separators."


@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize(
    "typed", ["200.000", "100.000", "350.000", "200,000", "1.250", "1,250", "12.500", "12,500", "1.5", "1,5"]
)
def test_the_same_keystrokes_never_mean_two_amounts(ctx, currency, typed):
    """Across every locale a string is read as one amount or refused, never as two different amounts."""
    accepted = {read(typed, currency, locale) for locale in LOCALES} - {None}
    amounts = {reading for reading in accepted if isinstance(reading, int)}
    assert len(amounts) <= 1, (typed, currency, amounts)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize(
    "typed", ["Infinity", "-Infinity", "inf", "NaN", "1e308", "1E5", "9" * 30, "9" * 400]
)
def test_hostile_values_are_refused_not_raised(ctx, locale, currency, typed):
    assert isinstance(read(typed, currency, locale), str)


def test_bounds_are_part_of_the_message(ctx):
    assert read("-5", "USD", "en") == "Please enter an amount from $0.00 to $21,474,836.47."
    assert read("9" * 30, "VND", "en") == "Please enter an amount from ₫0 to ₫2,147,483,647."
    assert read(str(MAX_AMOUNT), "VND", "en") == MAX_AMOUNT
    assert read("0", "VND", "en", low=1) == "Please enter an amount from ₫1 to ₫2,147,483,647."


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("currency", "minor"), [("VND", 1250000), ("USD", 125050), ("KWD", 1250500), ("USD", 5)]
)
def test_what_is_shown_in_the_box_reads_back_as_the_same_amount(ctx, locale, currency, minor):
    shown = input_text(minor, currency, locale)
    assert read(shown, currency, locale) == minor


def test_messages_are_in_the_readers_language(ctx):
    with force_locale("vi"), pytest.raises(AmountError) as refused:
        parse_amount("ten", "VND", "vi")
    assert str(refused.value.message) == "Vui lòng nhập số tiền theo dạng 1.250.000."
