"""Desk forms; labels and messages through Babel like every other form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.web.fields import MoneyField, WholeNumberField, row_id
from app.web.forms import LobbyForm
from app.web.messages import NOT_A_CHOICE, NOT_A_DATE, NOT_A_NUMBER, TOO_LONG


class StaySearchForm(LobbyForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        _l("Room, surname or booking reference"),
        validators=[Length(max=80, message=TOO_LONG)],
        render_kw={"autofocus": True, "autocomplete": "off"},
    )


class RefundForm(LobbyForm):
    amount = MoneyField(_l("Amount"), validators=[InputRequired(_l("Please enter an amount."))])
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Please give a reason for the refund.")),
            Length(max=300, message=TOO_LONG),
        ],
    )


class QueueFilterForm(LobbyForm):
    class Meta:
        csrf = False  # filters are a GET

    kind = SelectField(_l("Kind"), validate_choice=False, default="")
    status = SelectField(_l("Status"), validate_choice=False, default="")
    assignee = SelectField(_l("Assignee"), validate_choice=False, default="")
    room = StringField(_l("Room"), validators=[Length(max=12, message=TOO_LONG)])


class StatusForm(LobbyForm):
    to = HiddenField(validators=[DataRequired()])


class AssignForm(LobbyForm):
    assignee = SelectField(_l("Assign to"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)


class NoteForm(LobbyForm):
    text = TextAreaField(
        _l("Internal note"),
        validators=[DataRequired(_l("Please write the note first.")), Length(max=2000, message=TOO_LONG)],
    )


class GuestMessageForm(LobbyForm):
    text = TextAreaField(_l("Message to the guest"), validators=[Length(max=2000, message=TOO_LONG)])


class CheckInForm(LobbyForm):
    first_name = StringField(_l("First name"), validators=[Length(max=80, message=TOO_LONG)])
    surname = StringField(
        _l("Surname"),
        validators=[DataRequired(_l("Please enter the surname.")), Length(max=80, message=TOO_LONG)],
    )
    room = StringField(
        _l("Room"),
        validators=[DataRequired(_l("Please enter the room number.")), Length(max=12, message=TOO_LONG)],
    )
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254, message=TOO_LONG)])
    locale = SelectField(_l("Language"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)
    arrival = DateField(
        _l("Arrival"),
        validators=[InputRequired(_l("Please enter a date."))],
        invalid_value_message=NOT_A_DATE,
    )
    departure = DateField(
        _l("Departure"),
        validators=[InputRequired(_l("Please enter a date."))],
        invalid_value_message=NOT_A_DATE,
    )
    adults = WholeNumberField(
        _l("Adults"),
        default=2,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(_l("Please enter a number.")),
            NumberRange(min=1, max=10, message=_l("Please enter a number from 1 to 10.")),
        ],
    )
    children_ages = StringField(
        _l("Children's ages"),
        validators=[Length(max=60, message=TOO_LONG)],
        description=_l("For example: 4, 9. Leave empty when no children come."),
    )
    tier = SelectField(_l("Loyalty tier"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)


class ReplyForm(LobbyForm):
    text = TextAreaField(
        _l("Reply to the guest"),
        validators=[DataRequired(_l("Please write the reply first.")), Length(max=2000, message=TOO_LONG)],
    )
    # Shown only when the feedback opened a service-recovery request that is still open.
    resolve = BooleanField(_l("Also mark the service-recovery request done"), default=True)


class SaleForm(LobbyForm):
    """One service sold at the desk: a time for activities and tickets, dates for rentals."""

    slot = SelectField(
        _l("Time"),
        coerce=row_id,
        validate_choice=False,
        invalid_choice_message=NOT_A_CHOICE,
        invalid_value_message=NOT_A_CHOICE,
    )
    adults = WholeNumberField(
        _l("Adults"),
        default=1,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            Optional(),
            NumberRange(min=0, max=20, message=_l("Please enter a number from 0 to 20.")),
        ],
    )
    children = SelectMultipleField(
        _l("Children coming"), coerce=int, validate_choice=False, invalid_value_message=NOT_A_CHOICE
    )
    start_date = DateField(_l("From"), validators=[Optional()], invalid_value_message=NOT_A_DATE)
    days = WholeNumberField(
        _l("Days"),
        default=1,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            Optional(),
            NumberRange(min=1, max=30, message=_l("Please enter a number from 1 to 30.")),
        ],
    )
    quantity = WholeNumberField(
        _l("How many"),
        default=1,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            Optional(),
            NumberRange(min=1, max=10, message=_l("Please enter a number from 1 to 10.")),
        ],
    )
    payment_method = SelectField(_l("Payment"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)


class CancelForm(LobbyForm):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Please give a reason.")), Length(max=300, message=TOO_LONG)],
    )


class LateChargeForm(LobbyForm):
    """A manager's charge after check-out, read like every amount staff type."""

    amount = MoneyField(_l("Amount"), validators=[InputRequired(_l("Please enter an amount."))], low=1)
    description = StringField(
        _l("What it is for"),
        validators=[
            DataRequired(_l("Please say what the charge is for.")),
            Length(max=160, message=TOO_LONG),
        ],
    )
