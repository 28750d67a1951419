"""Desk forms; labels and messages through Babel like every other form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.web.fields import MoneyField, choice_field, count_field, date_field, row_id, text_field
from app.web.forms import LobbyForm
from app.web.messages import NOT_A_CHOICE, NOT_A_DATE, TOO_LONG


class StaySearchForm(LobbyForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = text_field(
        _l("Room, surname or booking reference"),
        limit=80,
        kind=SearchField,
        render_kw={"autofocus": True, "autocomplete": "off"},
    )


class RefundForm(LobbyForm):
    amount = MoneyField(_l("Amount"), validators=[InputRequired(_l("Please enter an amount."))])
    reason = text_field(
        _l("Reason"), limit=300, required=_l("Please give a reason for the refund."), kind=TextAreaField
    )


class QueueFilterForm(LobbyForm):
    class Meta:
        csrf = False  # filters are a GET

    kind = SelectField(_l("Kind"), validate_choice=False, default="")
    status = SelectField(_l("Status"), validate_choice=False, default="")
    assignee = SelectField(_l("Assignee"), validate_choice=False, default="")
    room = text_field(_l("Room"), limit=12)


class StatusForm(LobbyForm):
    to = HiddenField(validators=[DataRequired()])


class AssignForm(LobbyForm):
    assignee = choice_field(_l("Assign to"))


class NoteForm(LobbyForm):
    text = text_field(
        _l("Internal note"), limit=2000, required=_l("Please write the note first."), kind=TextAreaField
    )


class GuestMessageForm(LobbyForm):
    text = text_field(_l("Message to the guest"), limit=2000, kind=TextAreaField)


class CheckInForm(LobbyForm):
    first_name = text_field(_l("First name"), limit=80)
    surname = text_field(_l("Surname"), limit=80, required=_l("Please enter the surname."))
    room = text_field(_l("Room"), limit=12, required=_l("Please enter the room number."))
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254, message=TOO_LONG)])
    locale = choice_field(_l("Language"))
    arrival = date_field(_l("Arrival"), required=NOT_A_DATE)
    departure = date_field(_l("Departure"), required=NOT_A_DATE)
    adults = count_field(_l("Adults"), low=1, high=10, required=_l("Please enter a number."), default=2)
    children_ages = text_field(
        _l("Children's ages"),
        limit=60,
        description=_l("For example: 4, 9. Leave empty when no children come."),
    )
    tier = choice_field(_l("Loyalty tier"))
    marketing_consent = BooleanField(
        _l("The guest agrees to receive offers by email"),
        description=_l("Tick only when the guest said yes. Confirmations are sent in any case."),
    )


class ReplyForm(LobbyForm):
    text = text_field(
        _l("Reply to the guest"), limit=2000, required=_l("Please write the reply first."), kind=TextAreaField
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
    adults = count_field(_l("Adults"), low=0, high=20)
    children = SelectMultipleField(
        _l("Children coming"), coerce=int, validate_choice=False, invalid_value_message=NOT_A_CHOICE
    )
    start_date = date_field(_l("From"))
    days = count_field(_l("Days"), low=1, high=30)
    quantity = count_field(_l("How many"), low=1, high=10)
    payment_method = choice_field(_l("Payment"))


class CancelForm(LobbyForm):
    reason = text_field(_l("Reason"), limit=300, required=_l("Please give a reason."))


class LateChargeForm(LobbyForm):
    """A manager's charge after check-out, read like every amount staff type."""

    amount = MoneyField(_l("Amount"), validators=[InputRequired(_l("Please enter an amount."))], low=1)
    description = text_field(
        _l("What it is for"), limit=160, required=_l("Please say what the charge is for.")
    )
