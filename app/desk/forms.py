"""Desk forms; labels and messages through Babel like every other form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.guest.forms import TOO_LONG


class StaySearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        _l("Room, surname or booking reference"),
        validators=[Length(max=80, message=TOO_LONG)],
        render_kw={"autofocus": True, "autocomplete": "off"},
    )


class RefundForm(FlaskForm):
    amount = StringField(
        _l("Amount"),
        validators=[DataRequired(_l("Please enter an amount.")), Length(max=20, message=TOO_LONG)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Please give a reason for the refund.")),
            Length(max=300, message=TOO_LONG),
        ],
    )
