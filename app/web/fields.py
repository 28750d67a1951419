"""Form fields for numbers people type: amounts of money, counts, ids; every one bounded.

A number outside what its database column holds must be a message on the field, never
an overflow in the database; these fields carry that bound by default so no form can
forget it.
"""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, ValidationError

from app.services import money
from app.services.errors import LobbyError
from app.web.messages import NOT_A_NUMBER, OUT_OF_RANGE

# Integer columns are 32-bit on every database we run on.
MAX_INT = 2**31 - 1


def _locale() -> str:
    return str(get_locale() or "en")


class MoneyField(StringField):
    """An amount in the hotel's currency, typed as the reader's locale writes it; ``data`` is minor units.

    ``currency`` defaults to the hotel's. The typed text is kept on a refusal; an amount
    from the database is shown back as the reader's locale writes it.
    """

    def __init__(self, label=None, validators=None, low: int = 0, high: int = money.MAX_AMOUNT, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high
        self.currency: str | None = None

    @property
    def money_currency(self) -> str:
        return self.currency or g.hotel.currency

    def process_formdata(self, valuelist):
        self.data = None  # read in pre_validate, once the form knows its currency

    def pre_validate(self, form):
        typed = self.raw_data[0] if self.raw_data else ""
        if not typed.strip():
            self.data = None
            return
        try:
            self.data = money.parse_amount(typed, self.money_currency, _locale(), self.low, self.high)
        except LobbyError as error:
            self.data = None
            raise ValidationError(str(error.message)) from error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, int):
            return money.input_text(self.data, self.money_currency, _locale())
        return ""


class WholeNumberField(IntegerField):
    """A count, a percent, minutes: a whole number within ``low``..``high`` (a 32-bit column by default).

    A field that names its own ``NumberRange`` keeps it (and its wording) instead.
    """

    def __init__(self, label=None, validators=None, low: int = 0, high: int = MAX_INT, **kwargs):
        kwargs.setdefault("invalid_value_message", NOT_A_NUMBER)
        validators = list(validators or [])
        if not any(isinstance(validator, NumberRange) for validator in validators):
            validators.append(NumberRange(min=low, max=high, message=OUT_OF_RANGE))
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high


def row_id(value) -> int:
    """``coerce`` for a choice that is a row's id: anything no id column holds is not a choice."""
    number = int(value)
    if not 1 <= number <= MAX_INT:
        raise ValueError("not an id")
    return number
