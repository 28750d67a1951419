"""Amounts staff type, read by the hotel's currency and the reader's locale, never guessed.

The same keystrokes must never mean amounts a thousand times apart: "200.000" is two
hundred thousand to a Vietnamese or German reader and two hundred to an English one.
The rule:

1. An amount is accepted only as the locale writes it (its decimal symbol, its group
   symbol or a space between groups of three) with no more decimals than the currency
   has (VND 0, USD 2, KWD 3).
2. If the other common way of writing numbers ("." and "," swapped) reads the same
   keystrokes as a *different* valid amount, it is refused as ambiguous, naming both
   readings (this only happens for three-decimal currencies: "1,250" KWD).
3. Anything the locale does not write that way is refused; when another common way
   of writing numbers reads it as a valid amount, the message shows that reading
   ("Did you mean ₫200,000?").

Pure functions: the locale and the currency are arguments, nothing is read from a request.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.errors import LobbyError

# Money columns are 32-bit integers on every database we run on.
MAX_AMOUNT = 2**31 - 1
LONGEST_INPUT = 40

# The ways of writing numbers staff bring from elsewhere: (decimal symbol, group symbol).
CONVENTIONS = ((".", ","), (",", "."), (".", " "), (",", " "), (".", "'"))

_DIRECTION_MARKS = {"\u200e", "\u200f", "\u061c"}
_MINUS = {"-", "\u2212"}


class AmountError(LobbyError):
    """What was typed is not an amount this reader and currency agree on; ``message`` says why."""


@lru_cache(maxsize=4096)
def format_money(amount_minor: int, currency: str, locale: str, fallback_locale: str | None = None) -> str:
    """Integer minor units as the locale writes a price: 200000 VND -> "₫200,000" in en.

    Remembered: a pure function of its arguments, and the same few prices fill every page.
    """
    money_format = _money_format(currency, locale, fallback_locale)
    # What babel.numbers.format_currency does, minus parsing the locale and finding its pattern.
    text = money_format.pattern.apply(
        _major(amount_minor, currency),
        money_format.locale,
        currency=currency,
        currency_digits=True,
        decimal_quantization=True,
        group_separator=True,
        numbering_system="latn",
    )
    if money_format.sign is not None:
        text = text.replace(currency, money_format.sign)
    return text


@dataclass(frozen=True)
class _MoneyFormat:
    locale: Locale
    pattern: NumberPattern
    sign: str | None  # put in place of the currency code, where CLDR has no sign for this pair


@lru_cache(maxsize=256)
def _money_format(currency: str, locale: str, fallback_locale: str | None) -> _MoneyFormat:
    """The parsed locale, its currency pattern and the sign to show, once per (currency, locale)."""
    parsed = Locale.parse(locale)
    sign = currency_sign(currency, locale, fallback_locale)
    replace = sign != currency and get_currency_symbol(currency, locale) == currency
    return _MoneyFormat(parsed, parsed.currency_formats["standard"], sign if replace else None)


def currency_sign(currency: str, locale: str, fallback_locale: str | None = None) -> str:
    """The currency's sign in ``locale``, or the one the hotel's language or English uses.

    CLDR has no sign for some pairs (Georgian writes "VND" where every other language
    writes ₫); a price must look the same whichever language the guest picked.
    """
    for candidate in filter(None, (locale, fallback_locale, "en")):
        symbol = get_currency_symbol(currency, candidate)
        if symbol != currency:
            return symbol
    return currency


def input_text(amount_minor: int, currency: str, locale: str) -> str:
    """Minor units as a plain number for an input box ("1,250.50" in en, "1.250,50" in vi), no symbol."""
    precision = get_currency_precision(currency)
    pattern = "#,##0" + ("." + "0" * precision if precision else "")
    return format_decimal(_major(amount_minor, currency), format=pattern, locale=locale)


def parse_amount(text: str, currency: str, locale: str, low: int = 0, high: int = MAX_AMOUNT) -> int:
    """What staff typed to integer minor units of ``currency``, or :class:`AmountError` saying why not."""
    typed = _normalized(text or "", currency, locale)
    if not typed:
        raise AmountError(_("Please enter an amount."))
    negative = typed[0] in _MINUS
    digits = typed[1:].strip() if negative else typed
    if len(digits) > LONGEST_INPUT or (negative and low >= 0):
        raise _out_of_range(low, high, currency, locale)
    precision = get_currency_precision(currency)
    decimal_symbol, group_symbol = _symbols(locale)
    own = _read(digits, decimal_symbol, group_symbol, _grouping(locale))
    readings = [
        reading
        for convention in CONVENTIONS
        if convention != (decimal_symbol, group_symbol)
        and (reading := _read(digits, *convention, (3, 3))) is not None
    ]
    others = sorted({_minor(amount, currency) for amount, decimals in readings if decimals <= precision})
    sign = -1 if negative else 1
    if own is not None and own[1] <= precision:
        value = _minor(own[0], currency)
        rivals = [other for other in others if other != value]
        if rivals:
            raise _ambiguous(text, [sign * value, sign * rivals[0]], currency, locale)
        if not low <= sign * value <= high:
            raise _out_of_range(low, high, currency, locale)
        return sign * value
    if not others:
        # Only zeros past the currency's decimals ("200.00" for VND): the amount itself is clear.
        others = sorted(
            {
                _minor(amount, currency)
                for amount, _decimals in ([own] if own else []) + readings
                if amount == amount.quantize(Decimal(1).scaleb(-precision))
            }
        )
    suggestions = [sign * value for value in others if low <= sign * value <= high]
    if len(suggestions) > 1:
        raise _ambiguous(text, suggestions, currency, locale)
    if suggestions:
        raise AmountError(
            _("Did you mean %(amount)s?", amount=format_money(suggestions[0], currency, locale))
        )
    if own is not None:
        raise AmountError(_too_precise(currency, precision))
    raise AmountError(
        _(
            "Please enter an amount like %(example)s.",
            example=input_text(_example(currency), currency, locale),
        )
    )


def _ambiguous(text: str, amounts: list[int], currency: str, locale: str) -> AmountError:
    return AmountError(
        _(
            "“%(typed)s” could mean %(first)s or %(second)s. "
            "Please type the amount without thousands separators.",
            typed=text.strip(),
            first=format_money(amounts[0], currency, locale),
            second=format_money(amounts[1], currency, locale),
        )
    )


def _major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-_precision(currency))


@lru_cache(maxsize=256)
def _precision(currency: str) -> int:
    return get_currency_precision(currency)


def _minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(get_currency_precision(currency)))


def _example(currency: str) -> int:
    """1,250,000 for currencies without minor units, 1,250.50 otherwise."""
    precision = get_currency_precision(currency)
    return 1250000 if precision == 0 else 125050 * 10 ** (precision - 2)


def _space_like(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Zs"


def _normalized(text: str, currency: str, locale: str) -> str:
    """Digits of any script as ASCII, every kind of space as " ", the currency's symbol or code dropped."""
    out = []
    for char in text:
        if char in _DIRECTION_MARKS:
            continue
        if _space_like(char):
            out.append(" ")
        elif char == "\u066b":  # Arabic decimal separator
            out.append(".")
        elif char == "\u066c":  # Arabic thousands separator
            out.append(",")
        elif char == "\u2019":
            out.append("'")
        elif (digit := unicodedata.decimal(char, None)) is not None:
            out.append(str(digit))
        else:
            out.append(char)
    typed = "".join(out).strip()
    marks = {currency, currency.lower(), get_currency_symbol(currency, locale)}
    for mark in sorted(marks, key=len, reverse=True):
        typed = typed.removeprefix(mark).removesuffix(mark).strip()
    return typed


def _symbols(locale: str) -> tuple[str, str]:
    def plain(symbol: str) -> str:
        return " " if all(_space_like(char) for char in symbol) else symbol.replace("\u2019", "'")

    return plain(get_decimal_symbol(locale)), plain(get_group_symbol(locale))


def _grouping(locale: str) -> tuple[int, int]:
    return Locale.parse(locale).decimal_formats[None].grouping


def _read(typed: str, decimal: str, group: str, grouping: tuple[int, int]) -> tuple[Decimal, int] | None:
    """The amount ``typed`` is under one way of writing numbers, with its count of decimals; None if not one.

    A space always counts as a group separator: no one writes a decimal point as a space.
    """
    groups = {group, " "}
    if any(not char.isascii() or not (char.isdigit() or char == decimal or char in groups) for char in typed):
        return None
    whole, _, fraction = typed.partition(decimal)
    if decimal in fraction or any(char in groups for char in fraction):
        return None
    if decimal in typed and not fraction:
        return None
    if not whole and not fraction:
        return None
    if group != " " and group in whole and " " in whole:
        return None  # one kind of separator between groups, or the number means two things
    parts = whole.replace(" ", group).split(group)
    if len(parts) > 1:
        primary, secondary = grouping
        if len(parts[-1]) != primary or any(len(part) != secondary for part in parts[1:-1]):
            return None
        if not 1 <= len(parts[0]) <= (secondary if len(parts) > 2 else primary):
            return None
    return Decimal("".join(parts) or "0") + (Decimal("0." + fraction) if fraction else 0), len(fraction)


def _too_precise(currency: str, precision: int) -> str:
    if precision == 0:
        return _("Amounts in %(currency)s have no decimal places.", currency=currency)
    return ngettext(
        "Amounts in %(currency)s have at most %(num)d decimal place.",
        "Amounts in %(currency)s have at most %(num)d decimal places.",
        precision,
        currency=currency,
    )


def _out_of_range(low: int, high: int, currency: str, locale: str) -> AmountError:
    return AmountError(
        _(
            "Please enter an amount from %(low)s to %(high)s.",
            low=format_money(low, currency, locale),
            high=format_money(high, currency, locale),
        )
    )
