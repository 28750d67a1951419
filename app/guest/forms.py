"""Guest forms; every label and message goes through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.security import MAX_ID
from app.web.fields import WholeNumberField, row_id
from app.web.forms import LobbyForm, MultiCheckboxField
from app.web.labels import PAYMENT_LABELS
from app.web.messages import NOT_A_CHOICE, NOT_A_DATE, NOT_A_NUMBER, TOO_LONG


class RoomSignInForm(LobbyForm):
    room = StringField(
        _l("Room number"),
        validators=[DataRequired(_l("Please enter your room number.")), Length(max=12, message=TOO_LONG)],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    surname = StringField(
        _l("Surname"),
        validators=[DataRequired(_l("Please enter your surname.")), Length(max=80, message=TOO_LONG)],
        render_kw={"autocomplete": "family-name"},
    )


class ReferenceSignInForm(LobbyForm):
    reference = StringField(
        _l("Booking reference"),
        validators=[
            DataRequired(_l("Please enter your booking reference.")),
            Length(max=40, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    surname = StringField(
        _l("Surname"),
        validators=[DataRequired(_l("Please enter your surname.")), Length(max=80, message=TOO_LONG)],
        render_kw={"autocomplete": "family-name"},
    )


class TimedBookingForm(LobbyForm):
    """Book an activity or a ticket: a time and who comes."""

    slot = RadioField(
        _l("Time"),
        coerce=row_id,
        invalid_value_message=_l("Please choose a time."),
        validate_choice=False,  # the booking service checks the slot; a stale choice gets its reason
        validators=[
            InputRequired(_l("Please choose a time.")),
            NumberRange(min=1, max=MAX_ID, message=_l("Please choose a time.")),
        ],
    )
    adults = WholeNumberField(
        _l("Adults"),
        default=0,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(_l("Please say how many adults are coming.")),
            NumberRange(min=0, max=20, message=_l("Please enter a number from 0 to 20.")),
        ],
    )
    children = MultiCheckboxField(
        _l("Children coming"), coerce=int, validate_choice=False, invalid_value_message=NOT_A_CHOICE
    )


class WaitlistForm(TimedBookingForm):
    """Join the waiting list of a full time: its button names the time, the booking form says who comes."""

    slot = None  # the time picked for booking, if any, is not the one to wait for
    waitlist_slot = WholeNumberField(
        _l("Time"),
        invalid_value_message=_l("Please choose a time."),
        validators=[
            InputRequired(_l("Please choose a time.")),
            NumberRange(min=1, max=MAX_ID, message=_l("Please choose a time.")),
        ],
    )


class DailyBookingForm(LobbyForm):
    """Rent or request something for one or more days."""

    start_date = DateField(
        _l("From"),
        validators=[InputRequired(_l("Please choose the first day."))],
        format="%Y-%m-%d",
        invalid_value_message=NOT_A_DATE,
    )
    days = WholeNumberField(
        _l("Days"),
        default=1,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(_l("Please say for how many days.")),
            NumberRange(min=1, max=30, message=_l("Please enter a number from 1 to 30.")),
        ],
    )
    quantity = WholeNumberField(
        _l("How many"),
        default=1,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(_l("Please say how many you need.")),
            NumberRange(min=1, max=10, message=_l("Please enter a number from 1 to 10.")),
        ],
    )


class PromoForm(LobbyForm):
    code = StringField(
        _l("Promo code"),
        validators=[DataRequired(_l("Please enter the code.")), Length(max=40, message=TOO_LONG)],
        render_kw={"autocomplete": "off"},
    )


class CancelForm(LobbyForm):
    """Cancelling a booking, with the fee the confirmation page showed (the guest agreed to it)."""

    fee = WholeNumberField(validators=[InputRequired()])


class CheckoutForm(LobbyForm):
    payment_method = RadioField(
        _l("How would you like to pay?"),
        validators=[InputRequired(_l("Please choose how to pay."))],
        invalid_choice_message=_l("Please choose how to pay."),
    )

    def offer(self, methods: list[str]) -> CheckoutForm:
        """Offer only the ways this hotel takes payment now (card needs Stripe keys)."""
        self.payment_method.choices = [SelectChoice(code, PAYMENT_LABELS[code]) for code in methods]
        if self.payment_method.data is None and methods:
            self.payment_method.data = methods[0]
        return self


class RoomItemForm(LobbyForm):
    item = SelectField(_l("What can we bring?"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)
    quantity = WholeNumberField(
        _l("How many"),
        default=1,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(_l("Please say how many you need.")),
            NumberRange(min=1, max=5, message=_l("Please enter a number from 1 to 5.")),
        ],
    )


class MessageForm(LobbyForm):
    details = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(_l("Please tell us a little about it.")),
            Length(max=2000, message=TOO_LONG),
        ],
    )


class RatingForm(LobbyForm):
    rating = RadioField(
        _l("Your rating"),
        choices=[SelectChoice(value, str(value)) for value in range(1, 6)],
        coerce=int,
        validators=[InputRequired(_l("Please choose from 1 to 5 stars."))],
        invalid_choice_message=_l("Please choose from 1 to 5 stars."),
        invalid_value_message=_l("Please choose from 1 to 5 stars."),
    )
    comment = TextAreaField(
        _l("Anything to add? (optional)"), validators=[Length(max=2000, message=TOO_LONG)]
    )


class RecommendForm(LobbyForm):
    score = RadioField(
        _l("How likely are you to recommend us to a friend?"),
        choices=[SelectChoice(value, str(value)) for value in range(0, 11)],
        coerce=int,
        validators=[InputRequired(_l("Please choose a number from 0 to 10."))],
        invalid_choice_message=_l("Please choose a number from 0 to 10."),
        invalid_value_message=_l("Please choose a number from 0 to 10."),
    )
    comment = TextAreaField(
        _l("What could we do better? (optional)"), validators=[Length(max=2000, message=TOO_LONG)]
    )
