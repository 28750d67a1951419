"""Form fields people type into: amounts of money, counts, ids, dates and text; every one bounded.

A number outside what its database column holds must be a message on the field, never
an overflow in the database; these fields carry that bound by default so no form can
forget it. The factories below build the fields several forms ask for in the same way, so
each form reads as a list of what it asks and each message is written (and translated) once.
"""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.services import money
from app.services.errors import LobbyError
from app.web.messages import NOT_A_CHOICE, NOT_A_DATE, NOT_A_NUMBER, OUT_OF_RANGE, TOO_LONG

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


# The bounds guests and the desk read spelled out, one whole sentence per range so each
# language words it its own way. A count_field with a range not listed here fails at import.
RANGE_MESSAGES = {
    (0, 20): _l("Please enter a number from 0 to 20."),
    (1, 5): _l("Please enter a number from 1 to 5."),
    (1, 10): _l("Please enter a number from 1 to 10."),
    (1, 30): _l("Please enter a number from 1 to 30."),
}


def count_field(label, *, low: int, high: int, required=None, default: int = 1) -> WholeNumberField:
    """How many people, days or items: a whole number from ``low`` to ``high``, said in the message.

    ``required`` is the message for an empty field; without one an empty field is allowed.
    """
    return WholeNumberField(
        label,
        low=low,
        high=high,
        default=default,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(required) if required else Optional(),
            NumberRange(min=low, max=high, message=RANGE_MESSAGES[low, high]),
        ],
    )


def date_field(label, *, required=None) -> DateField:
    """A day typed or picked; ``required`` is the message for an empty field, else it may stay empty."""
    return DateField(
        label,
        validators=[InputRequired(required) if required else Optional()],
        invalid_value_message=NOT_A_DATE,
    )


def text_field(
    label, *, limit: int, required=None, checks: tuple = (), kind: type[StringField] = StringField, **kwargs
):
    """Text of at most ``limit`` characters (``kind``: a text area, an email…).

    ``required`` is the message for an empty field; ``checks`` run after the length;
    ``kwargs`` (description, render_kw) go to the field.
    """
    validators = [DataRequired(required)] if required else []
    return kind(label, validators=[*validators, Length(max=limit, message=TOO_LONG), *checks], **kwargs)


def choice_field(label, *, kind: type[SelectField] = SelectField, **kwargs):
    """A pick from the list the view offers; anything else is refused with the one message."""
    return kind(
        label,
        validate_choice=True,
        invalid_choice_message=NOT_A_CHOICE,
        invalid_value_message=NOT_A_CHOICE,
        **kwargs,
    )
