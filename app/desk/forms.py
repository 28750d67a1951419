"""Desk forms; labels and messages through Babel like every other form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField, StringField, TextAreaField
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


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # filters are a GET

    kind = SelectField(_l("Kind"), validate_choice=False, default="")
    status = SelectField(_l("Status"), validate_choice=False, default="")
    assignee = SelectField(_l("Assignee"), validate_choice=False, default="")
    room = StringField(_l("Room"), validators=[Length(max=12, message=TOO_LONG)])


class StatusForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), validate_choice=False)


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Internal note"),
        validators=[DataRequired(_l("Please write the note first.")), Length(max=2000, message=TOO_LONG)],
    )


class GuestMessageForm(FlaskForm):
    text = TextAreaField(_l("Message to the guest"), validators=[Length(max=2000, message=TOO_LONG)])
