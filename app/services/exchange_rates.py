"""The rates a group's manager enters to convert each hotel's currency to the reporting currency.

A rate is how many units of the reporting currency one unit of the hotel's currency is
worth (VND → EUR: 0.0000365). It is read as the staff member's language writes decimals,
kept as exact decimal text, and every change is written to the audit trail of each hotel
whose currency it converts.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db
from app.models import ExchangeRate, Hotel, HotelGroup
from app.services import audit
from app.services.errors import LobbyError
from app.services.transactions import operation

MAX_DECIMALS = 12  # 0.000000000001: finer than any rate between currencies in use
MAX_DIGITS = 15  # significant digits in all: what a spreadsheet keeps exactly
MAX_LENGTH = 32  # the stored text's column


class RateError(LobbyError):
    """What was typed is not a rate; ``message`` says why."""


def currencies_to_rate(group: HotelGroup) -> list[str]:
    """The currencies of the group's hotels that need a rate: all but the reporting currency."""
    used = db.session.scalars(select(Hotel.currency).where(Hotel.group_id == group.id).distinct())
    return sorted(set(used) - {group.reporting_currency})


def parse_rate(text: str, locale: str) -> Decimal:
    """A positive rate as typed: digits with one decimal mark (the locale's, or a point), no grouping."""
    typed = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not typed:
        raise RateError(_("Enter a rate."))
    marks = {".", get_decimal_symbol(locale)}
    pattern = "[0-9]*(?:[" + re.escape("".join(marks)) + "][0-9]*)?"
    if len(typed) > MAX_LENGTH or not re.fullmatch(pattern, typed) or not any(c.isdigit() for c in typed):
        raise RateError(
            _("Write the rate as a number with a decimal mark and no other signs, like 0.0000365.")
        )
    for mark in marks:
        typed = typed.replace(mark, ".")
    try:
        rate = Decimal(typed)
    except InvalidOperation as error:  # the pattern lets only numbers through; kept as a guard
        raise RateError(
            _("Write the rate as a number with a decimal mark and no other signs, like 0.0000365.")
        ) from error
    if rate <= 0:
        raise RateError(_("A rate must be more than zero."))
    digits = rate.normalize().as_tuple()
    decimals = max(0, -digits.exponent)
    if decimals > MAX_DECIMALS:
        raise RateError(
            ngettext(
                "A rate may have at most %(num)d decimal.",
                "A rate may have at most %(num)d decimals.",
                MAX_DECIMALS,
            )
        )
    if len(digits.digits) > MAX_DIGITS:
        raise RateError(
            ngettext(
                "A rate may have at most %(num)d digit in all.",
                "A rate may have at most %(num)d digits in all.",
                MAX_DIGITS,
            )
        )
    return rate


def _shown(currency: str, rate: Decimal | None, reporting: str) -> str | None:
    if rate is None:
        return None
    return f"1 {currency} = {format(rate.normalize(), 'f')} {reporting}"


@operation
def save_rates(group: HotelGroup, rates: dict[str, Decimal]) -> int:
    """Set each given currency's rate; returns how many changed. Each change is audited in every
    hotel of the group whose currency it is (their converted figures move with it)."""
    allowed = set(currencies_to_rate(group))
    stored = {
        rate.currency: rate
        for rate in db.session.scalars(select(ExchangeRate).where(ExchangeRate.group_id == group.id))
    }
    changed = 0
    for currency, rate in sorted(rates.items()):
        if currency not in allowed:
            raise RateError(_("No hotel of the group uses %(currency)s.", currency=currency))
        current = stored.get(currency)
        if current is not None and current.rate == rate:
            continue
        before = _shown(currency, current.rate if current is not None else None, group.reporting_currency)
        if current is None:
            current = ExchangeRate(group_id=group.id, currency=currency)
            db.session.add(current)
        current.rate = rate
        changed += 1
        hotels = db.session.scalars(
            select(Hotel).where(Hotel.group_id == group.id, Hotel.currency == currency).order_by(Hotel.id)
        )
        for hotel in hotels:
            audit.record(
                hotel.id,
                "hotel.exchange_rate_set",
                hotel,
                before={"exchange_rate": before},
                after={"exchange_rate": _shown(currency, rate, group.reporting_currency)},
            )
    return changed
